// "My journey": the expressions the camera saw at each exhibit, newest first, each card opening its exhibit.
import { api } from "./api.js";
import { cardLink, exhibitsById } from "./catalogue.js";
import { $, element, percent } from "./dom.js";
import { expressionPhrase, t, uiLanguage } from "./texts.js";

/** The visitor's whole journey (every page of it), newest first. */
export async function loadEvents() {
  // The journey is paginated: follow `next` so that a long visit is shown whole.
  const events = [];
  let page = await api("GET", "visitors/me/events/?page_size=100");
  events.push(...page.results);
  while (page.next) {
    page = await api("GET", `visitors/me/events/?page_size=100&page=${new URL(page.next).searchParams.get("page")}`);
    events.push(...page.results);
  }
  return events;
}

/** One reading as a phrase ("a happy expression (80%)"), capitalised to stand on its own on a card. */
export function readingSentence(event, { capital = true } = {}) {
  const sentence = t("journey_item", { expression: expressionPhrase(event.emotion), percent: percent(event.confidence) });
  return capital ? sentence.charAt(0).toUpperCase() + sentence.slice(1) : sentence;
}

/** When a reading was taken, as a <time> in the page's language. */
export function readingTime(event) {
  const when = new Intl.DateTimeFormat(uiLanguage, { dateStyle: "medium", timeStyle: "short" });
  return element("time", { className: "card-meta", text: when.format(new Date(event.created_at)), attrs: { datetime: event.created_at } });
}

/** Load the visitor's whole journey into the journey list. */
export async function fillJourney() {
  const [events, rows] = await Promise.all([loadEvents(), exhibitsById()]);
  const items = events.map((event) => {
    const row = rows.get(event.exhibit); // missing when the exhibit was taken off display since
    return element("li", { className: "card" }, [
      cardLink(row, null, { title: event.exhibit_title }),
      element("span", { className: "card-reading", text: readingSentence(event) }),
      readingTime(event),
    ]);
  });
  $("journey").replaceChildren(...items);
  $("journey-empty").hidden = items.length > 0;
}
