// The exhibit card of a QR page (/visit/e/<slug>) and where each screen starts.
// The card is the whole exhibit on the first step; after it, a small header naming the exhibit the visitor
// stands at now, which is the one chosen under "Change exhibit" once they picked another.
import { initialExhibit } from "./api.js";
import { $ } from "./dom.js";

const card = document.querySelector(".exhibit-card");
// The server's card for the QR code's own exhibit, to put back when the visitor returns to it.
const original = card && { where: card.querySelector(".where").textContent, title: $("exhibit-title").textContent, lang: card.lang };

/** Show the card for `exhibit` in view/step: full on the first step, compact after it, hidden off the visit. */
export function updateExhibitCard(view, step, exhibit) {
  if (!card) return;
  card.hidden = view !== "visit" || !exhibit;
  if (card.hidden) return;
  const own = exhibit.id === initialExhibit?.id;
  card.classList.toggle("compact", step !== "consent" || !own);
  // Creator, picture and description belong to the QR code's exhibit: another one shows its title and hall.
  card.classList.toggle("other", !own);
  card.querySelector(".where").textContent = own ? original.where : exhibit.hall;
  $("exhibit-title").textContent = own ? original.title : exhibit.title;
  card.lang = own ? original.lang : exhibit.language;
  card.dataset.exhibit = String(exhibit.id);
}

/**
 * Scroll so that the screen starts at its own heading, not at the page top: only the compact exhibit card, the
 * status line and any error (each when shown) stay above it, so the visitor sees where they are and what
 * happened. The first step of a QR page stays at the top, where the full card introduces the exhibit.
 */
export function scrollToScreen(heading, { top = false } = {}) {
  if (top || !heading) {
    window.scrollTo(0, 0);
    return;
  }
  const header = card?.classList.contains("compact") ? card : null;
  const first = [header, $("status"), $("error"), heading].find((node) => node && node.getClientRects().length > 0);
  const margin = 8; // px: the heading does not touch the screen's edge
  window.scrollTo(0, Math.max(0, window.scrollY + first.getBoundingClientRect().top - margin));
}
