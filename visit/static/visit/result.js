// The result step's content: the reading, the next exhibits and a planned route (the screen itself, its
// history entry and its buttons are app.js's).
import { api, ApiError, isAuthError } from "./api.js";
import { cardLink, exhibitsById } from "./catalogue.js";
import { $, element, minutes, percent } from "./dom.js";
import { showRouteGuide } from "./route-guide.js";
import { emotionName, errorMessage, expressionPhrase, t } from "./texts.js";

// Below this confidence the reading says the model was unsure (7 labels: chance is about 14%).
const UNSURE_BELOW = 0.4;

/** The reading of a finished capture as one sentence, every score one tap away; null: the photo was skipped. */
export function fillReading(capture) {
  const line = $("result-line");
  const scores = $("result-scores");
  $("h-result").textContent = t(capture ? "result_title" : "result_skipped_title");
  $("expressed-note").hidden = !capture; // a skipped photo showed no expression to explain
  $("result-details").hidden = !capture;
  $("result-details").open = false;
  if (capture) {
    const unsure = capture.confidence < UNSURE_BELOW;
    line.textContent = t(unsure ? "result_line_unsure" : "result_line", {
      expression: expressionPhrase(capture.emotion),
      percent: percent(capture.confidence),
    });
    const ranked = Object.entries(capture.scores).sort((a, b) => b[1] - a[1]);
    scores.replaceChildren(
      ...ranked.map(([label, share]) =>
        element("li", {}, [
          element("span", { className: "score-name", text: t("score_item", { name: emotionName(label), percent: percent(share) }) }),
          element("span", { className: "score-bar", attrs: { "aria-hidden": "true", style: `--share: ${percent(share)}%` } }),
        ]),
      ),
    );
  } else {
    line.textContent = t("result_none");
    scores.replaceChildren();
  }
  $("emotion-result").classList.toggle("empty", !capture);
}

function expectedText(expected) {
  const top = Object.entries(expected)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([label]) => emotionName(label));
  return top.join(" · ");
}

/** The next exhibits from `exhibit`; when they cannot be loaded, the reason and a retry take their place. */
export async function loadSuggestions(exhibit) {
  const list = $("recommendations");
  $("recommendations-failed").hidden = true;
  list.hidden = false;
  list.setAttribute("aria-busy", "true");
  list.replaceChildren(element("li", { className: "hint", text: t("loading") }));
  const query = new URLSearchParams({ from_exhibit: String(exhibit.id), limit: "5" });
  let results;
  try {
    ({ results } = await api("GET", `recommendations/?${query}`));
  } catch (error) {
    list.setAttribute("aria-busy", "false");
    if (isAuthError(error)) throw error; // the session is gone: app.js starts again
    if (!(error instanceof ApiError)) console.error(error);
    list.hidden = true;
    list.replaceChildren();
    const reason = errorMessage(error instanceof ApiError ? error.code : "generic");
    $("recommendations-failed-text").textContent = `${t("recommendations_failed")} ${reason}`;
    $("recommendations-failed").hidden = false;
    return false;
  }
  const rows = await exhibitsById(); // thumbnails and one-line descriptions; the suggestions themselves are here
  list.replaceChildren(
    ...(results.length
      ? results.map((item) =>
          element("li", { className: "card" }, [
            cardLink(rows.get(item.exhibit.id), item.exhibit, { title: item.exhibit.title }),
            element("span", {
              className: "card-meta",
              text: t("walk_minutes", { minutes: minutes(item.walking_minutes) }),
            }),
            element("span", { className: "card-tags", text: expectedText(item.expected_emotions) }),
            element("span", { className: "card-reason", text: item.reason }),
            // What this visitor's own readings changed (empty: the list would be the same without them).
            ...(item.personal_reason ? [element("span", { className: "card-personal", text: item.personal_reason })] : []),
          ]),
        )
      : [element("li", { className: "hint", text: t("recommendations_empty") })]),
  );
  list.setAttribute("aria-busy", "false");
  return true;
}

/** Plan and show a route from `exhibit`; `settings` are {minutes, stepFree}. Resolves to its summary. */
export async function showRoute(exhibit, settings) {
  const route = await api("POST", "routes/", {
    start_exhibit: String(exhibit.id),
    time_budget_minutes: settings.minutes,
    step_free: settings.stepFree,
  });
  const summary = t("route_summary", {
    start: route.start_exhibit.title,
    stops: route.stops.length,
    total: minutes(route.total_minutes),
  });
  $("route-summary").textContent = route.stops.length ? summary : t("route_empty");
  $("route").hidden = false;
  await showRouteGuide(route);
  return route.stops.length ? summary : t("route_empty");
}
