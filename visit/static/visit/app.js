// The visitor web app: consent -> wishes -> exhibit -> selfie -> result, recommendations and a route;
// plus "my journey" and "my data". Plain ES module, no build step; every text comes from texts.js.
import { api, ApiError, download, initialExhibit, publicApi, token, upload } from "./api.js";
import { emotionName, errorMessage, expressionPhrase, t, uiLanguage } from "./texts.js";

const POLL_FIRST_MS = 500;
const POLL_MAX_MS = 2000;
const POLL_GIVE_UP_MS = 120000;
const FINAL_STATUSES = new Set(["done", "no_face", "failed"]);
// Below this confidence the result says the model was unsure (7 labels: chance is about 14%).
const UNSURE_BELOW = 0.4;
const AUTH_CODES = new Set(["not_authenticated", "authentication_failed"]);

const state = {
  visitor: null, // GET /visitors/me/ body
  labels: null, // the active model's labels
  exhibit: initialExhibit, // {id, slug, title, hall} the visitor stands at
  photo: null, // the File chosen for the selfie
};

const $ = (id) => document.getElementById(id);
const percent = (share) => Math.round(share * 100);
const minutes = (value) => new Intl.NumberFormat(uiLanguage, { maximumFractionDigits: 0 }).format(value);

function element(tag, { text, className, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// --- status, errors and navigation -----------------------------------------------------------------

function setStatus(text) {
  $("status").textContent = text ?? "";
}

function showError(code) {
  const box = $("error");
  box.textContent = code ? errorMessage(code) : "";
  box.hidden = !code;
  if (code) box.scrollIntoView({ block: "nearest" });
}

/** Report a failed call in plain words; an expired visitor token sends the visitor back to the start. */
function fail(error) {
  const code = error instanceof ApiError ? error.code : "generic";
  if (!(error instanceof ApiError)) console.error(error);
  setStatus("");
  if (AUTH_CODES.has(code)) {
    token.clear();
    state.visitor = null;
    showConsent().then(() => showError(code));
    return;
  }
  showError(code);
}

/** Show one view (and, in the visit view, one step); move keyboard focus to its heading. */
function show(view, step) {
  for (const panel of document.querySelectorAll("main > section[data-view]")) {
    panel.hidden = panel.dataset.view !== view || (view === "visit" && panel.dataset.step !== step);
  }
  const card = document.querySelector(".exhibit-card");
  if (card) card.hidden = view !== "visit";
  const nav = $("nav");
  nav.hidden = !state.visitor;
  for (const button of nav.querySelectorAll("button")) {
    if (button.dataset.nav === view) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  const current = document.querySelector("main > section[data-view]:not([hidden])");
  const heading = current?.querySelector("h2");
  heading?.focus({ preventScroll: true });
  window.scrollTo(0, 0); // a new screen starts at the top, with the status line and any error in view
}

async function guarded(action) {
  showError(null);
  try {
    await action();
  } catch (error) {
    fail(error);
  }
}

// --- consent -----------------------------------------------------------------------------------------

async function showConsent() {
  show("visit", "consent");
  const notice = await publicApi("privacy/");
  // The notice is plain text wrapped at a fixed width: blank lines separate paragraphs, other breaks don't.
  const paragraphs = notice.text.split(/\n\s*\n/).map((text) => text.replace(/\s*\n\s*/g, " ").trim());
  $("privacy-text").replaceChildren(...paragraphs.filter(Boolean).map((text) => element("p", { text })));
  $("privacy-version").textContent = t("privacy_version", { version: notice.version });
}

$("consent-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(async () => {
    const created = await api("POST", "visitors/", {
      consent_emotion_analysis: $("consent").checked,
      language: uiLanguage,
    });
    token.set(created.token);
    delete created.token;
    state.visitor = created;
    await showEmotions();
  });
});

// --- desired emotions --------------------------------------------------------------------------------

async function labels() {
  if (!state.labels) state.labels = (await publicApi("emotions/")).labels;
  return state.labels;
}

async function showEmotions() {
  const chosen = new Set(state.visitor.desired_emotions);
  const options = (await labels()).map((label) =>
    element("label", { className: "chip" }, [
      element("input", { attrs: { type: "checkbox", name: "emotion", value: label } }),
      element("span", { text: emotionName(label) }),
    ]),
  );
  for (const option of options) option.querySelector("input").checked = chosen.has(option.querySelector("input").value);
  $("emotion-options").replaceChildren(...options);
  show("visit", "emotions");
}

$("emotions-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(async () => {
    const chosen = [...document.querySelectorAll("#emotion-options input:checked")].map((input) => input.value);
    // Recommendations and routes need at least one wish (the API answers `emotions_required` otherwise).
    if (!chosen.length) {
      setStatus(t("emotions_choose_first"));
      document.querySelector("#emotion-options input")?.focus();
      return;
    }
    setStatus("");
    state.visitor = await api("PATCH", "visitors/me/", { desired_emotions: chosen });
    if (state.exhibit) showSelfie();
    else await showExhibits();
  });
});

// --- exhibit -----------------------------------------------------------------------------------------

let searchTimer = 0;
let searchSerial = 0;

function exhibitOption(exhibit) {
  const input = element("input", { attrs: { type: "radio", name: "exhibit", value: String(exhibit.id) } });
  input.checked = state.exhibit?.id === exhibit.id;
  input.addEventListener("change", () => {
    state.exhibit = exhibit;
  });
  return element("label", { className: "option" }, [
    input,
    element("span", {}, [
      element("span", { className: "option-title", text: exhibit.title }),
      element("span", { className: "option-meta", text: exhibit.hall }),
    ]),
  ]);
}

async function loadExhibits(search) {
  const serial = ++searchSerial;
  const query = new URLSearchParams({ page_size: "30" });
  if (search) query.set("search", search);
  const page = await publicApi(`exhibits/?${query}`);
  if (serial !== searchSerial) return; // a newer search has started meanwhile
  const exhibits = page.results.map((row) => ({
    id: row.id,
    slug: row.slug,
    title: row.title,
    hall: t("exhibit_hall", { hall: row.hall.name, floor: row.hall.floor }),
  }));
  // The preselected exhibit stays choosable even when the search hides it.
  if (state.exhibit && !search && !exhibits.some((exhibit) => exhibit.id === state.exhibit.id)) {
    exhibits.unshift(state.exhibit);
  }
  $("exhibit-options").replaceChildren(...exhibits.map(exhibitOption));
  $("exhibit-empty").hidden = exhibits.length > 0;
}

async function showExhibits() {
  show("visit", "exhibit");
  $("exhibit-search").value = "";
  await loadExhibits("");
}

$("exhibit-search").addEventListener("input", (event) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => guarded(() => loadExhibits(event.target.value.trim())), 250);
});

$("exhibit-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!document.querySelector("#exhibit-options input:checked") || !state.exhibit) {
    setStatus(t("exhibit_choose_first"));
    return;
  }
  setStatus("");
  showSelfie();
});

// --- selfie, upload and polling ----------------------------------------------------------------------

function showSelfie() {
  $("selfie-exhibit").textContent = t("selfie_at", { title: state.exhibit.title });
  $("consent-off").hidden = state.visitor.consent_emotion_analysis;
  show("visit", "selfie");
}

$("change-exhibit").addEventListener("click", () => guarded(showExhibits));

$("consent-on").addEventListener("click", () =>
  guarded(async () => {
    state.visitor = await api("PATCH", "visitors/me/", { consent_emotion_analysis: true });
    $("consent-off").hidden = true;
    setStatus(t("status_saved"));
  }),
);

$("selfie-input").addEventListener("change", (event) => {
  const [file] = event.target.files;
  state.photo = file ?? null;
  const preview = $("selfie-preview");
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.hidden = !file;
  if (file) preview.src = URL.createObjectURL(file);
  $("selfie-label").textContent = t(file ? "selfie_retake" : "selfie_take");
  document.querySelector('[data-testid="submit"]').disabled = !file;
  showError(null);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForCapture(id) {
  const started = Date.now();
  let delay = POLL_FIRST_MS;
  for (;;) {
    const capture = await api("GET", `captures/${id}/`);
    if (FINAL_STATUSES.has(capture.status)) return capture;
    if (Date.now() - started > POLL_GIVE_UP_MS) throw new ApiError(0, "timeout", "");
    if (Date.now() - started > 15000) setStatus(t("status_slow"));
    await sleep(delay);
    delay = Math.min(delay * 1.5, POLL_MAX_MS);
  }
}

$("selfie-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!state.photo) return;
  const submit = document.querySelector('[data-testid="submit"]');
  const progress = $("upload-progress");
  submit.disabled = true;
  progress.value = 0;
  $("upload").hidden = false;
  guarded(async () => {
    try {
      const form = new FormData();
      form.append("exhibit", String(state.exhibit.id));
      form.append("image", state.photo, state.photo.name || "selfie.jpg");
      setStatus(t("status_uploading", { percent: 0 }));
      let announced = 0;
      const accepted = await upload("captures/", form, (fraction) => {
        progress.value = percent(fraction);
        // Announce every quarter, not every progress event: screen readers would stutter.
        if (percent(fraction) >= announced + 25 || fraction === 1) {
          announced = percent(fraction);
          setStatus(t("status_uploading", { percent: announced }));
        }
      });
      progress.value = 100;
      setStatus(t("status_analysing"));
      const capture = await waitForCapture(accepted.id);
      if (capture.status === "done") {
        setStatus(t("status_done"));
        showResult(capture);
      } else {
        setStatus("");
        showError(capture.status === "no_face" ? "no_face" : capture.error_code || "generic");
      }
    } catch (error) {
      if (error instanceof ApiError && error.code === "consent_required") $("consent-off").hidden = false;
      throw error;
    } finally {
      submit.disabled = !state.photo;
      $("upload").hidden = true;
    }
  });
});

$("skip-selfie").addEventListener("click", () => showResult(null));

// --- result, recommendations and route ---------------------------------------------------------------

function showResult(capture) {
  const line = $("result-line");
  const scores = $("result-scores");
  if (capture) {
    line.textContent = t("result_line", {
      expression: expressionPhrase(capture.emotion),
      percent: percent(capture.confidence),
    });
    $("result-unsure").hidden = capture.confidence >= UNSURE_BELOW;
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
    $("result-unsure").hidden = true;
    scores.replaceChildren();
  }
  $("emotion-result").classList.toggle("empty", !capture);
  $("route").hidden = true;
  show("visit", "result");
  guarded(loadRecommendations);
}

function expectedText(expected) {
  const top = Object.entries(expected)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([label]) => emotionName(label));
  return top.join(" · ");
}

async function loadRecommendations() {
  const list = $("recommendations");
  list.setAttribute("aria-busy", "true");
  list.replaceChildren(element("li", { className: "hint", text: t("loading") }));
  const query = new URLSearchParams({ from_exhibit: String(state.exhibit.id), limit: "5" });
  const { results } = await api("GET", `recommendations/?${query}`);
  list.replaceChildren(
    ...(results.length
      ? results.map((item) =>
          element("li", { className: "card" }, [
            element("span", { className: "card-title", text: item.exhibit.title }),
            element("span", {
              className: "card-meta",
              text: `${item.exhibit.hall.name} · ${t("walk_minutes", { minutes: minutes(item.walking_minutes) })}`,
            }),
            element("span", { className: "card-tags", text: expectedText(item.expected_emotions) }),
            element("span", { className: "card-reason", text: item.reason }),
          ]),
        )
      : [element("li", { className: "hint", text: t("recommendations_empty") })]),
  );
  list.setAttribute("aria-busy", "false");
}

$("plan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(async () => {
    const route = await api("POST", "routes/", {
      start_exhibit: String(state.exhibit.id),
      time_budget_minutes: Number($("plan-minutes").value),
      step_free: $("plan-step-free").checked,
    });
    const summary = t("route_summary", {
      start: route.start_exhibit.title,
      stops: route.stops.length,
      total: minutes(route.total_minutes),
    });
    $("route-summary").textContent = route.stops.length ? summary : t("route_empty");
    $("route-stops").replaceChildren(
      ...route.stops.map((stop) =>
        element("li", { className: "stop" }, [
          element("span", {
            className: "stop-title",
            text: t("route_stop", { arrival: minutes(stop.arrival_minute), title: stop.exhibit.title }),
          }),
          element("span", {
            className: "card-meta",
            text: t("route_stop_detail", { hall: stop.exhibit.hall.name, dwell: minutes(stop.dwell_minutes) }),
          }),
        ]),
      ),
    );
    $("route").hidden = false;
    $("route").scrollIntoView({ block: "nearest" });
    setStatus(route.stops.length ? summary : t("route_empty"));
  });
});

$("again").addEventListener("click", () => {
  showError(null);
  setStatus("");
  showSelfie();
});

// --- my journey --------------------------------------------------------------------------------------

async function showJourney() {
  show("journey");
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

// --- my data -----------------------------------------------------------------------------------------

function showData() {
  const on = state.visitor.consent_emotion_analysis;
  $("data-consent").textContent = t(on ? "data_consent_on" : "data_consent_off");
  $("withdraw").hidden = !on;
  $("give").hidden = on;
  $("delete-confirm").hidden = true;
  $("delete-data").setAttribute("aria-expanded", "false");
  show("data");
}

for (const [id, consent] of [["withdraw", false], ["give", true]]) {
  $(id).addEventListener("click", () =>
    guarded(async () => {
      state.visitor = await api("PATCH", "visitors/me/", { consent_emotion_analysis: consent });
      showData();
      setStatus(t("status_saved"));
      $(consent ? "withdraw" : "give").focus();
    }),
  );
}

$("export").addEventListener("click", () =>
  guarded(async () => {
    const blob = await download("visitors/me/export/");
    const link = element("a", { attrs: { href: URL.createObjectURL(blob), download: "my-museum-guide-data.json" } });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }),
);

$("delete-data").addEventListener("click", () => {
  $("delete-confirm").hidden = false;
  $("delete-data").setAttribute("aria-expanded", "true");
  $("delete-no").focus();
});

$("delete-no").addEventListener("click", () => {
  $("delete-confirm").hidden = true;
  $("delete-data").setAttribute("aria-expanded", "false");
  $("delete-data").focus();
});

$("delete-yes").addEventListener("click", () =>
  guarded(async () => {
    await api("DELETE", "visitors/me/");
    token.clear();
    state.visitor = null;
    state.photo = null;
    show("deleted");
  }),
);

$("start-again").addEventListener("click", () => guarded(showConsent));

// --- navigation and start ----------------------------------------------------------------------------

for (const button of document.querySelectorAll("#nav button")) {
  button.addEventListener("click", () =>
    guarded(async () => {
      setStatus("");
      if (button.dataset.nav === "journey") await showJourney();
      else if (button.dataset.nav === "data") showData();
      else if (state.exhibit) showSelfie();
      else await showExhibits();
    }),
  );
}

async function start() {
  if (token.get()) {
    try {
      state.visitor = await api("GET", "visitors/me/");
    } catch (error) {
      if (!(error instanceof ApiError) || !AUTH_CODES.has(error.code)) throw error;
      token.clear(); // erased elsewhere or expired: start as a new visitor
    }
  }
  if (!state.visitor) await showConsent();
  else if (!state.visitor.desired_emotions.length) await showEmotions();
  else if (state.exhibit) showSelfie();
  else await showExhibits();
}

guarded(start);
