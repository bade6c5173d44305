// The catalogue as the cards need it: every exhibit on display (all pages of /exhibits/) in the page's
// language, and one card builder for the exhibit list, suggestions, route stops and the journey.
import { publicApi } from "./api.js";
import { element } from "./dom.js";
import { t, uiLanguage } from "./texts.js";

const PAGE_SIZE = 100; // the API's largest page: the demo venue's 47 exhibits come in one request

let whole = null; // Promise of every exhibit on display, loaded once per page

/** Every exhibit on display matching `search` (all of them without one), following the API's pages. */
export async function loadExhibits(search = "") {
  if (!search && whole) return whole;
  const request = (async () => {
    const rows = [];
    for (let page = 1; ; page += 1) {
      const query = new URLSearchParams({ page_size: String(PAGE_SIZE), page: String(page), lang: uiLanguage });
      if (search) query.set("search", search);
      const body = await publicApi(`exhibits/?${query}`);
      rows.push(...body.results);
      if (!body.next) return rows;
    }
  })();
  if (!search) {
    whole = request;
    request.catch(() => {
      whole = null; // a failed load is tried again next time, not remembered
    });
  }
  return request;
}

/** The exhibits on display by id (null when the catalogue cannot be loaded: cards then stay plain). */
export async function exhibitsById() {
  try {
    return new Map((await loadExhibits()).map((row) => [row.id, row]));
  } catch (error) {
    console.error(error);
    return new Map();
  }
}

/** The hall and floor line of a card ("Maritime Hall, floor 0"). */
export function hallLine(hall) {
  return t("exhibit_hall", { hall: hall.name, floor: hall.floor });
}

/** An exhibit {id, slug, title, hall, language} as the app's state holds it, from a catalogue row. */
export function exhibitFrom(row) {
  return { id: row.id, slug: row.slug, title: row.title, hall: hallLine(row.hall), language: uiLanguage };
}

/** The address of an exhibit's own page (what its QR label opens), next to the app's start page. */
export function exhibitPage(slug) {
  // The header's brand link points at the app's root (/visit/), wherever the site mounts it.
  const root = document.querySelector(".brand")?.getAttribute("href") ?? "/visit/";
  return `${root.replace(/\/?$/, "/")}e/${encodeURIComponent(slug)}`;
}

/** The first sentence of a description, for a one-line summary on a card. */
function firstSentence(text) {
  const match = /^[\s\S]*?[.!?…](\s|$)/.exec(text ?? "");
  return (match ? match[0] : text ?? "").trim();
}

/** The thumbnail of a catalogue row (alt text from `image_alt`), or null when it has no image. */
export function thumbnail(row, className = "thumb") {
  if (!row?.image) return null;
  return element("img", {
    className,
    attrs: { src: row.image, alt: row.image_alt || "", loading: "lazy", width: "72", height: "72" },
  });
}

/**
 * The content of a card: a link to the exhibit's page holding its thumbnail, title, one-line description
 * and hall with floor. `row` is the catalogue row (may be missing: an exhibit taken off display meanwhile);
 * `brief` is what the calling API said ({id, slug, title, hall: {name, floor}}).
 */
export function cardLink(row, brief, { title } = {}) {
  const text = [
    element("span", { className: "card-title", text: title ?? row?.title ?? brief.title }),
  ];
  const summary = firstSentence(row?.description);
  if (summary) text.push(element("span", { className: "card-summary", text: summary }));
  const hall = row?.hall ?? brief?.hall;
  if (hall) text.push(element("span", { className: "card-meta card-hall", text: hallLine(hall) }));
  const parts = [thumbnail(row), element("span", { className: "card-text" }, text)].filter(Boolean);
  const slug = row?.slug ?? brief?.slug;
  if (!slug) return element("span", { className: "card-link" }, parts);
  return element("a", { className: "card-link", attrs: { href: exhibitPage(slug) } }, parts);
}
