// The exhibit's own page (/visit/e/<slug>, what its QR label opens): below the server-rendered card,
// "you are here" on the plan of its floor, and the visitor's own reading at this exhibit, if any.
import { ApiError, initialExhibit, token } from "./api.js";
import { $, element } from "./dom.js";
import { floorFigure, floorOf, loadFloorPlans } from "./floorplan.js";
import { loadEvents, readingSentence, readingTime } from "./journey.js";
import { t } from "./texts.js";

async function drawHere(card) {
  const floors = await loadFloorPlans(Number(card.dataset.venue));
  const plan = floorOf(floors, initialExhibit.id);
  if (!plan) return;
  const caption = t("plan_here_caption", { floor: plan.floor, title: initialExhibit.title });
  $("exhibit-plan").replaceChildren(floorFigure(plan, { here: initialExhibit.id, caption }));
  $("exhibit-plan").hidden = false;
}

async function showOwnReading() {
  if (!token.get()) return; // a first-time visitor has no readings anywhere
  let events;
  try {
    events = await loadEvents();
  } catch (error) {
    if (error instanceof ApiError) return; // no visitor (any more), or the journey is unreachable: no line
    throw error;
  }
  const here = events.find((event) => event.exhibit === initialExhibit.id); // newest first
  if (!here) return;
  $("exhibit-reading").replaceChildren(
    element("span", { text: t("exhibit_your_reading", { reading: readingSentence(here, { capital: false }) }) }),
    element("span", { text: " " }),
    readingTime(here),
  );
  $("exhibit-reading").hidden = false;
}

/** Fill the exhibit page's plan and reading; failures leave the card as the server drew it. */
export function showExhibitPage() {
  const card = document.querySelector(".exhibit-card[data-venue]");
  if (!card || !initialExhibit) return;
  drawHere(card).catch(console.error);
  showOwnReading().catch(console.error);
}
