// The UI texts, embedded by the server from visit/texts/<lang>.json: the one place to translate.
const TEXTS = JSON.parse(document.getElementById("visit-texts").textContent);

function fill(template, vars = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** A UI text by key, with {placeholders} filled from `vars`. */
export function t(key, vars) {
  const template = TEXTS.ui[key];
  if (template === undefined) {
    console.warn(`visit: missing text "${key}"`);
    return key;
  }
  return fill(template, vars);
}

/** The name of an emotion label for choosing ("Surprised"); unknown labels read as themselves. */
export function emotionName(label) {
  return TEXTS.emotions[label] ?? label;
}

/** What choosing a wish means ("Wonder and discovery"); empty for labels without a line. */
export function wishHint(label) {
  return TEXTS.wishes?.[label] ?? "";
}

/** The label as an expression with its article ("a surprised"), for "The camera saw … expression". */
export function expressionPhrase(label) {
  return TEXTS.expressions[label] ?? fill(TEXTS.expressions._fallback, { label });
}

/** The plain-language message for an API error code. */
export function errorMessage(code) {
  return TEXTS.errors[code] ?? TEXTS.errors.generic;
}

/** The language the UI texts are in (for number and date formatting). */
export const uiLanguage = document.documentElement.lang || "en";
