// The visitor web app: consent -> wishes -> exhibit -> selfie -> result, recommendations and a route;
// plus "my journey" and "my data". Plain ES module, no build step; every text comes from texts.js.
// Each screen is a history entry (history.js): Back walks the steps, a reload shows the same one.
import { api, ApiError, config, download, initialExhibit, isAuthError, publicApi, token } from "./api.js";
import { selfieSender } from "./capture.js";
import { exhibitFrom } from "./catalogue.js";
import { setupDeviceMode } from "./device_mode.js";
import { $, element, setStatus, showError } from "./dom.js";
import { scrollToScreen, updateExhibitCard } from "./exhibit_card.js";
import { fillExhibitList, setUpExhibitList } from "./exhibit-list.js";
import { showExhibitPage } from "./exhibit-page.js";
import { currentStep, onStepChange, pushStep, replaceStep } from "./history.js";
import { fillJourney } from "./journey.js";
import { reconcileLanguage, switchLanguage, tidyAddress } from "./language.js";
import { fillReading, loadSuggestions, showRoute } from "./result.js";
import { forgetRouteTicks } from "./route-guide.js";
import { emotionName, t, uiLanguage, wishHint } from "./texts.js";

// Screens that make sense without a visitor; every other one needs the visitor's key.
const OPEN_SCREENS = new Set(["consent", "deleted"]);

const state = {
  visitor: null, // GET /visitors/me/ body
  labels: null, // the active model's labels
  exhibit: initialExhibit, // {id, slug, title, hall, language} the visitor stands at
  capture: null, // the finished capture the result step shows; null when the photo was skipped
  route: null, // {minutes, stepFree} of the route planned on the result step
  photo: null, // the File chosen for the selfie
};
const captures = new Map(); // id -> finished capture, so that Back to an earlier result needs no request

/** Report a failed call in plain words; an expired visitor token sends the visitor back to the start. */
function fail(error) {
  const code = error instanceof ApiError ? error.code : "generic";
  if (!(error instanceof ApiError)) console.error(error);
  setStatus("");
  if (isAuthError(error)) {
    token.clear();
    state.visitor = null;
    go("consent", { replace: true }).then(() => showError(code), console.error);
    return;
  }
  showError(code);
}

/** Show one view (and, in the visit view, one step); move keyboard focus to its heading. */
function show(view, step) {
  for (const panel of document.querySelectorAll("main > section[data-view]")) {
    panel.hidden = panel.dataset.view !== view || (view === "visit" && panel.dataset.step !== step);
  }
  updateExhibitCard(view, step, state.exhibit);
  const nav = $("nav");
  nav.hidden = !state.visitor;
  for (const button of nav.querySelectorAll("button")) {
    if (button.dataset.nav === view) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  const current = document.querySelector("main > section[data-view]:not([hidden])");
  const heading = current?.querySelector("h2");
  heading?.focus({ preventScroll: true });
  scrollToScreen(heading, { top: view === "visit" && step === "consent" });
}

async function guarded(action) {
  showError(null);
  try {
    await action();
  } catch (error) {
    fail(error);
  }
}

function entry(screen) {
  return { screen, exhibit: state.exhibit, captureId: state.capture?.id ?? null, route: state.route };
}

/** Go to a screen as a new step of the visit (Back returns here), or in place of the current one. */
async function go(screen, { replace = false } = {}) {
  const target = !state.visitor && !OPEN_SCREENS.has(screen) ? "consent" : screen;
  (replace || target !== screen ? replaceStep : pushStep)(entry(target));
  await render(target);
}

async function render(screen) {
  setStatus("");
  if (screen === "consent") await showConsent();
  else if (screen === "emotions") await showEmotions();
  else if (screen === "exhibit" || (!state.exhibit && (screen === "selfie" || screen === "result"))) await showExhibits();
  else if (screen === "selfie") showSelfie();
  else if (screen === "result") await showResult();
  else if (screen === "journey") await showJourney();
  else if (screen === "data") showData();
  else if (screen === "deleted") show("deleted");
}

/** The exhibit of a history entry in the page's language (the visitor may have switched since). */
async function localized(exhibit) {
  if (!exhibit || exhibit.language === uiLanguage) return exhibit;
  try {
    return exhibitFrom(await publicApi(`exhibits/${exhibit.id}/?lang=${uiLanguage}`));
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return null; // taken off display meanwhile
    throw error;
  }
}

/** Show the step a history entry holds (Back, Forward, a reload), with its data fetched again. */
async function restore(step) {
  state.exhibit = await localized(step.exhibit);
  state.route = step.route ?? null;
  state.capture = null;
  let screen = !state.visitor && !OPEN_SCREENS.has(step.screen) ? "consent" : step.screen;
  if (step.captureId && state.visitor && screen === "result") {
    state.capture = captures.get(step.captureId) ?? (await fetchCapture(step.captureId));
    if (state.capture) captures.set(state.capture.id, state.capture);
    else screen = "selfie"; // that reading is gone (erased meanwhile): offer a new selfie instead
  }
  replaceStep(entry(screen)); // with the exhibit in this page's language, or what is left of the step
  await render(screen);
}

/** A capture of this visitor, or null when it no longer exists. */
async function fetchCapture(id) {
  try {
    return await api("GET", `captures/${id}/`);
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return null;
    throw error;
  }
}

onStepChange((step) => guarded(() => restore(step)));

// --- consent -----------------------------------------------------------------------------------------

async function showConsent() {
  // A visitor who comes Back here may change their answer; a new one starts unticked.
  $("consent").checked = Boolean(state.visitor?.consent_emotion_analysis);
  show("visit", "consent");
  await loadNotice();
}

/** The notice consent refers to; until it is on screen the consent box stays disabled. */
async function loadNotice() {
  const consent = $("consent");
  consent.disabled = true;
  $("privacy-failed").hidden = true;
  $("privacy-text").hidden = false;
  $("privacy-text").textContent = t("loading");
  let notice;
  try {
    notice = await publicApi(`privacy/?lang=${uiLanguage}`);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    $("privacy-text").hidden = true;
    $("privacy-version").textContent = "";
    $("privacy-failed").hidden = false;
    return false;
  }
  // The notice is plain text wrapped at a fixed width: blank lines separate paragraphs, other breaks don't.
  const paragraphs = notice.text.split(/\n\s*\n/).map((text) => text.replace(/\s*\n\s*/g, " ").trim());
  $("privacy-text").replaceChildren(...paragraphs.filter(Boolean).map((text) => element("p", { text })));
  $("privacy-version").textContent = t("privacy_version", { version: notice.version });
  consent.disabled = false;
  return true;
}

$("privacy-retry").addEventListener("click", () =>
  guarded(async () => {
    $(await loadNotice() ? "consent" : "privacy-retry").focus();
  }),
);

$("consent-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(async () => {
    const consent = $("consent").checked && !$("consent").disabled;
    if (state.visitor) {
      if (consent !== state.visitor.consent_emotion_analysis) {
        state.visitor = await api("PATCH", "visitors/me/", { consent_emotion_analysis: consent });
      }
    } else {
      const created = await api("POST", "visitors/", { consent_emotion_analysis: consent, language: uiLanguage });
      token.set(created.token);
      delete created.token;
      state.visitor = created;
    }
    await go("emotions");
  });
});

// --- desired emotions --------------------------------------------------------------------------------

async function labels() {
  if (!state.labels) state.labels = (await publicApi("emotions/")).labels;
  return state.labels;
}

/** The wishes on offer: what a museum sets out to evoke (config.wishes), among the model's labels. */
async function wishes() {
  const known = await labels();
  const offered = config.wishes.filter((label) => known.includes(label));
  return offered.length ? offered : known; // a model with other labels: offer them all rather than none
}

async function showEmotions() {
  const chosen = new Set(state.visitor.desired_emotions);
  const options = (await wishes()).map((label) =>
    element("label", { className: "chip" }, [
      element("input", { attrs: { type: "checkbox", name: "emotion", value: label } }),
      element("span", {}, [
        element("span", { className: "chip-name", text: emotionName(label) }),
        element("span", { className: "chip-hint", text: wishHint(label) }),
      ]),
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
    await go(state.exhibit ? "selfie" : "exhibit");
  });
});

// --- exhibit -----------------------------------------------------------------------------------------

async function showExhibits() {
  show("visit", "exhibit");
  $("exhibit-search").value = "";
  await fillExhibitList("", state.exhibit?.id ?? null);
}

setUpExhibitList({
  onChoose: (exhibit) => {
    state.exhibit = exhibit;
    replaceStep(entry("exhibit")); // Back to the list, or a reload, shows this choice again
  },
  guarded,
});

$("exhibit-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!document.querySelector("#exhibit-options input:checked") || !state.exhibit) {
    setStatus(t("exhibit_choose_first"));
    return;
  }
  guarded(() => go("selfie"));
});

// --- selfie, upload and polling ----------------------------------------------------------------------

function showSelfie() {
  $("selfie-exhibit").textContent = t("selfie_at", { title: state.exhibit.title });
  $("consent-off").hidden = state.visitor.consent_emotion_analysis;
  sender.reset();
  show("visit", "selfie");
}

$("change-exhibit").addEventListener("click", () => guarded(() => go("exhibit")));

$("consent-on").addEventListener("click", () =>
  guarded(async () => {
    state.visitor = await api("PATCH", "visitors/me/", { consent_emotion_analysis: true });
    $("consent-off").hidden = true;
    setStatus(t("status_saved"));
  }),
);

const sender = selfieSender({
  exhibit: () => state.exhibit,
  finished: async (capture) => {
    captures.set(capture.id, capture);
    // The visitor may have gone elsewhere meanwhile: the reading then waits in "My journey".
    if ($("step-selfie").hidden) return;
    state.capture = capture;
    state.route = null;
    await go("result");
  },
  failed: (error) => {
    if (error instanceof ApiError && error.code === "consent_required") $("consent-off").hidden = false;
    fail(error);
  },
});

$("selfie-input").addEventListener("change", (event) => {
  const [file] = event.target.files;
  state.photo = file ?? null;
  const preview = $("selfie-preview");
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.hidden = !file;
  if (file) preview.src = URL.createObjectURL(file);
  $("selfie-label").textContent = t(file ? "selfie_retake" : "selfie_take");
  sender.choose(file);
  showError(null);
});

$("selfie-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sender.send().catch(fail);
});

$("skip-selfie").addEventListener("click", () => {
  state.capture = null;
  state.route = null;
  guarded(() => go("result"));
});

// --- result, recommendations and route ---------------------------------------------------------------

async function showResult() {
  const capture = state.capture;
  fillReading(capture);
  $("route").hidden = true;
  if (state.route) {
    $("plan-minutes").value = String(state.route.minutes);
    $("plan-step-free").checked = state.route.stepFree;
  }
  show("visit", "result");
  // Independent of each other: a failing list of suggestions must not keep the route from coming back.
  const route = state.route;
  await Promise.all([loadSuggestions(state.exhibit), route ? guarded(() => showRoute(state.exhibit, route)) : null]);
}

$("recommendations-retry").addEventListener("click", () =>
  guarded(async () => {
    $((await loadSuggestions(state.exhibit)) ? "h-recommendations" : "recommendations-retry").focus();
  }),
);

$("plan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  guarded(async () => {
    const settings = { minutes: Number($("plan-minutes").value), stepFree: $("plan-step-free").checked };
    const summary = await showRoute(state.exhibit, settings);
    state.route = settings;
    replaceStep(entry("result")); // the route belongs to this result: a reload or Back shows it again
    $("route").scrollIntoView({ block: "nearest" });
    setStatus(summary);
  });
});

$("again").addEventListener("click", () => guarded(() => go("selfie")));

// --- my journey --------------------------------------------------------------------------------------

async function showJourney() {
  show("journey");
  await fillJourney();
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
    forgetRouteTicks();
    captures.clear();
    Object.assign(state, { visitor: null, photo: null, capture: null, route: null, exhibit: initialExhibit });
    await go("deleted");
  }),
);

$("start-again").addEventListener("click", () => guarded(() => go("consent")));

// --- navigation and start ----------------------------------------------------------------------------

for (const button of document.querySelectorAll("#nav button")) {
  button.addEventListener("click", () =>
    guarded(async () => {
      if (button.dataset.nav === "journey") await go("journey");
      else if (button.dataset.nav === "data") await go("data");
      else await go(state.exhibit ? "selfie" : "exhibit");
    }),
  );
}

for (const link of document.querySelectorAll(".switch a[data-language]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    if (link.dataset.language !== uiLanguage) guarded(() => switchLanguage(link.dataset.language, state.visitor, link));
  });
}

async function start() {
  tidyAddress();
  setupDeviceMode();
  showExhibitPage(); // the QR page's plan and the visitor's reading there, beside whatever step comes
  if (token.get()) {
    try {
      state.visitor = await api("GET", "visitors/me/");
    } catch (error) {
      if (!isAuthError(error)) throw error;
      token.clear(); // erased elsewhere or expired: start as a new visitor
    }
  }
  if (state.visitor) {
    state.visitor = await reconcileLanguage(state.visitor);
    if (!state.visitor) return; // reloading in the language this visitor chose earlier
  }
  const step = currentStep();
  if (step) await restore(step); // a reload, or Back into the app from another page
  else if (!state.visitor) await go("consent", { replace: true });
  else if (!state.visitor.desired_emotions.length) await go("emotions", { replace: true });
  else await go(state.exhibit ? "selfie" : "exhibit", { replace: true });
}

guarded(start);
