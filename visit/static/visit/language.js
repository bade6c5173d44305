// The app's language: chosen in the header's switcher, remembered in a cookie (so that the server renders
// the next page in it) and as the visitor's language (so that recommendations, routes and the journey
// come back in it). Without a choice the page follows the browser, unless the visitor chose before.
import { api, config } from "./api.js";

const COOKIE = "museum_guide_language";
const YEAR_SECONDS = 365 * 24 * 3600;

/** Remember `code` for the next pages; false when the browser refuses cookies. */
function remember(code) {
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${COOKIE}=${code}; path=/; max-age=${YEAR_SECONDS}; samesite=lax${secure}`;
  return document.cookie.split("; ").includes(`${COOKIE}=${code}`);
}

/** A `?lang=` of a switcher link has done its work once the cookie holds it: keep the address clean. */
export function tidyAddress() {
  const url = new URL(location.href);
  if (!url.searchParams.has("lang") || !document.cookie.split("; ").includes(`${COOKIE}=${config.language}`)) return;
  url.searchParams.delete("lang");
  history.replaceState(history.state, "", url);
}

/** Switch the whole app to `code`: the visitor's record first, then the page, at the same step. */
export async function switchLanguage(code, visitor, link) {
  if (visitor && visitor.language !== code) {
    // If this fails the next page tries again (reconcileLanguage): the visitor's choice is the page's.
    await api("PATCH", "visitors/me/", { language: code }).catch(() => null);
  }
  // A reload keeps history.state, so the same step comes back. Without cookies the link's own ?lang=
  // still renders the page in that language.
  if (remember(code)) location.reload();
  else location.assign(link.href);
}

/**
 * Bring the visitor's stored language and the page's together. Returns the visitor (updated when the
 * page's language was the visitor's own choice), or null when the page reloads in the visitor's language.
 */
export async function reconcileLanguage(visitor) {
  if (visitor.language === config.language) return visitor;
  const rememberable = config.languages.includes(visitor.language);
  if (!config.language_chosen && rememberable && remember(visitor.language)) {
    location.reload(); // the page followed the browser, but this visitor chose a language before
    return null;
  }
  return api("PATCH", "visitors/me/", { language: config.language });
}
