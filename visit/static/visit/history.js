// One browser history entry per step of the visit, so that Back walks the steps and a reload shows the
// same step again (browsers keep history.state across reloads). An entry holds references only (the
// exhibit, a capture id, the route's settings): the data itself is fetched again from the API, in the
// page's language, and a visitor who erased their data finds nothing of it in the history.

/** Add a step: Back returns to the previous one. */
export function pushStep(entry) {
  history.pushState(entry, "");
}

/** Update the current step (a route planned on the result step is not a step of its own). */
export function replaceStep(entry) {
  history.replaceState(entry, "");
}

/** The step this history entry holds, or null on a fresh arrival. */
export function currentStep() {
  return history.state?.screen ? history.state : null;
}

/** Call `handler(entry)` when the visitor goes Back or Forward to one of the app's steps. */
export function onStepChange(handler) {
  window.addEventListener("popstate", (event) => {
    // A fragment link (the "skip to content" link) makes an entry without a step: nothing to show.
    if (event.state?.screen) handler(event.state);
  });
}
