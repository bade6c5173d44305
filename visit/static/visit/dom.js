// Small DOM helpers the screens share: lookup, building elements, the status line, the error box, numbers.
import { errorMessage, uiLanguage } from "./texts.js";

export const $ = (id) => document.getElementById(id);

/** A share 0..1 as whole percent. */
export const percent = (share) => Math.round(share * 100);

/** Minutes as the page's language writes numbers. */
export const minutes = (value) => new Intl.NumberFormat(uiLanguage, { maximumFractionDigits: 0 }).format(value);

/** A new element with optional text, class, attributes and children. */
export function element(tag, { text, className, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** The polite status line (announced by screen readers); empty hides it. */
export function setStatus(text) {
  $("status").textContent = text ?? "";
}

/** The alert box with the plain-language message for an error code; null hides it. */
export function showError(code) {
  const box = $("error");
  box.textContent = code ? errorMessage(code) : "";
  box.hidden = !code;
  if (code) box.scrollIntoView({ block: "nearest" });
}
