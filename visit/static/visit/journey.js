// "My journey": the expressions the camera saw at each exhibit, newest first.
import { api } from "./api.js";
import { $, element, percent } from "./dom.js";
import { expressionPhrase, t, uiLanguage } from "./texts.js";

/** Load the visitor's whole journey (every page of it) into the journey list. */
export async function fillJourney() {
  // The journey is paginated: follow `next` so that a long visit is shown whole.
  const events = [];
  let page = await api("GET", "visitors/me/events/?page_size=100");
  events.push(...page.results);
  while (page.next) {
    page = await api("GET", `visitors/me/events/?page_size=100&page=${new URL(page.next).searchParams.get("page")}`);
    events.push(...page.results);
  }
  const when = new Intl.DateTimeFormat(uiLanguage, { dateStyle: "medium", timeStyle: "short" });
  const items = events.map((event) => {
    const sentence = t("journey_item", { expression: expressionPhrase(event.emotion), percent: percent(event.confidence) });
    return element("li", { className: "card" }, [
      element("span", { className: "card-title", text: event.exhibit_title }),
      element("span", { text: sentence.charAt(0).toUpperCase() + sentence.slice(1) }),
      element("time", { className: "card-meta", text: when.format(new Date(event.created_at)), attrs: { datetime: event.created_at } }),
    ]);
  });
  $("journey").replaceChildren(...items);
  $("journey-empty").hidden = items.length > 0;
}
