// The "where are you?" step's list: every exhibit on display, grouped by hall (halls in floor order),
// sorted by title in the page's language, each with its thumbnail, one line about it, and a link to its page.
import { $, element } from "./dom.js";
import { cardLink, exhibitFrom, exhibitPage, hallLine, loadExhibits } from "./catalogue.js";
import { t, uiLanguage } from "./texts.js";

const collator = new Intl.Collator(uiLanguage, { sensitivity: "base", numeric: true });
const SEARCH_DELAY_MS = 250;

let serial = 0; // the newest search: an older answer arriving late is dropped
let timer = 0;
const list = { chosenId: null, onChoose: () => {} };

/** Halls (floor, then name) each with its exhibits sorted by title. */
function grouped(rows) {
  const halls = new Map();
  for (const row of rows) {
    if (!halls.has(row.hall.id)) halls.set(row.hall.id, { hall: row.hall, rows: [] });
    halls.get(row.hall.id).rows.push(row);
  }
  const groups = [...halls.values()];
  groups.sort((a, b) => a.hall.floor - b.hall.floor || collator.compare(a.hall.name, b.hall.name));
  for (const group of groups) group.rows.sort((a, b) => collator.compare(a.title, b.title) || a.id - b.id);
  return groups;
}

function option(row) {
  const exhibit = exhibitFrom(row);
  const input = element("input", { attrs: { type: "radio", name: "exhibit", value: String(row.id) } });
  input.checked = list.chosenId === row.id;
  input.addEventListener("change", () => {
    list.chosenId = row.id;
    list.onChoose(exhibit);
  });
  // The card's content without its link: a link inside a label would make the whole option one link.
  const content = cardLink(row, row);
  const label = element("label", { className: "option" }, [input, ...content.childNodes]);
  // Named by its text ("About this exhibit" and, for screen readers, the title), not by aria-label: the
  // label of the option stays the only thing labelled with the exhibit's title.
  const about = element("a", { className: "option-about", attrs: { href: exhibitPage(row.slug) } }, [
    t("about_exhibit"),
    element("span", { className: "visually-hidden", text: `: ${row.title}` }),
  ]);
  return element("div", { className: "option-row" }, [label, about]);
}

/** Fill the list with the exhibits matching `search` (every one without a search). */
export async function fillExhibitList(search, chosenId) {
  const mine = ++serial;
  list.chosenId = chosenId;
  const rows = await loadExhibits(search);
  if (mine !== serial) return;
  const groups = grouped(rows).map(({ hall, rows: members }, index) => {
    const id = `exhibit-group-${index}`;
    return element("div", { className: "option-group", attrs: { role: "group", "aria-labelledby": id } }, [
      element("h3", { className: "group-title", text: hallLine(hall), attrs: { id } }),
      ...members.map(option),
    ]);
  });
  $("exhibit-options").replaceChildren(...groups);
  $("exhibit-empty").hidden = rows.length > 0;
  $("exhibit-count").textContent = search ? "" : t("exhibit_count", { count: rows.length });
}

/** Wire the search box; `onChoose(exhibit)` runs when the visitor picks one, `guarded` reports failures. */
export function setUpExhibitList({ onChoose, guarded }) {
  list.onChoose = onChoose;
  $("exhibit-search").addEventListener("input", (event) => {
    clearTimeout(timer);
    timer = setTimeout(() => guarded(() => fillExhibitList(event.target.value.trim(), list.chosenId)), SEARCH_DELAY_MS);
  });
}
