// A planned route as a guide: the ordered list of stops (each a card opening its exhibit's page, with the
// floor changes on the way), "next stop" with a box to tick off each stop seen, and the route drawn on
// the plan of every floor it visits. The list is the content; the plans show the same in pictures.
import { $, element, minutes } from "./dom.js";
import { exhibitsById, exhibitPage, hallLine, thumbnail } from "./catalogue.js";
import { floorFigure, loadFloorPlans } from "./floorplan.js";
import { t } from "./texts.js";

const SEEN_KEY = "museum_guide.route_seen"; // sessionStorage: {route key: [exhibit ids ticked off]}

let current = null; // {route, key, rows} of the route on screen

/** A route is the same route when it starts at the same exhibit and visits the same stops in order. */
function routeKey(route) {
  return [route.start_exhibit.id, ...route.stops.map((stop) => stop.exhibit.id)].join("-");
}

function seenStore() {
  try {
    return JSON.parse(sessionStorage.getItem(SEEN_KEY) ?? "{}");
  } catch {
    return {};
  }
}

function seen(key) {
  return new Set(seenStore()[key] ?? []);
}

function remember(key, ids) {
  // Only the route on screen is kept: ticks of an older route are of no use once it is replaced.
  sessionStorage.setItem(SEEN_KEY, JSON.stringify({ [key]: [...ids] }));
}

/** Forget the ticks (with the rest of the visitor's data, on "delete my data"). */
export function forgetRouteTicks() {
  sessionStorage.removeItem(SEEN_KEY);
}

/** The sentence for walking from `from` floor to `to` floor ("Go up to floor 1 by the stairs or the lift."). */
function floorChange(from, to, stepFree) {
  if (from === to) return null;
  if (to > from) return t(stepFree ? "route_floor_up_lift" : "route_floor_up", { floor: to });
  return t(stepFree ? "route_floor_down_lift" : "route_floor_down", { floor: to });
}

function stopItem(stop, index, { row, change, ticked, onTick }) {
  const title = element("span", {
    className: "stop-title",
    text: t("route_stop", { arrival: minutes(stop.arrival_minute), title: stop.exhibit.title }),
  });
  const text = [title];
  if (change) text.push(element("span", { className: "floor-change", text: change }));
  const detail = t("route_stop_detail", { hall: hallLine(stop.exhibit.hall), dwell: minutes(stop.dwell_minutes) });
  text.push(element("span", { className: "card-meta", text: detail }));
  const link = element("a", { className: "card-link", attrs: { href: exhibitPage(stop.exhibit.slug) } }, [
    thumbnail(row),
    element("span", { className: "card-text" }, text),
  ].filter(Boolean));
  const box = element("input", { attrs: { type: "checkbox", "data-stop": String(index + 1) } });
  box.checked = ticked;
  box.addEventListener("change", () => onTick(stop.exhibit.id, box.checked));
  const tick = element("label", { className: "check stop-seen" }, [
    box,
    element("span", { text: t("route_seen"), attrs: { "aria-hidden": "true" } }),
  ]);
  box.setAttribute("aria-label", t("route_seen_label", { title: stop.exhibit.title }));
  return element("li", { className: ticked ? "stop seen" : "stop" }, [link, tick]);
}

/** "Next stop: …" (with the way there when it is on another floor), or the end of the route. */
function nextLine(route, ticked) {
  const index = route.stops.findIndex((stop) => !ticked.has(stop.exhibit.id));
  if (index < 0) return { index, text: t("route_done") };
  const stop = route.stops[index];
  const before = index === 0 ? route.start_exhibit : route.stops[index - 1].exhibit;
  const change = floorChange(before.hall.floor, stop.exhibit.hall.floor, route.step_free);
  const text = t("route_next", { number: index + 1, title: stop.exhibit.title, hall: hallLine(stop.exhibit.hall) });
  return { index, text: change ? `${text} ${change}` : text };
}

/** Draw the list, the next stop and the plans of `route` (the POST /routes/ answer) into #route. */
export async function showRouteGuide(route) {
  const key = routeKey(route);
  const rows = await exhibitsById();
  current = { route, key, rows };
  render();
  await drawPlans(route, rows);
}

function render() {
  const { route, key, rows } = current;
  const ticked = seen(key);
  const onTick = (id, on) => {
    const ids = seen(key);
    if (on) ids.add(id);
    else ids.delete(id);
    remember(key, ids);
    const focused = document.activeElement?.dataset?.stop;
    render();
    redrawMarks();
    if (focused) document.querySelector(`#route-stops input[data-stop="${focused}"]`)?.focus();
  };
  let floor = route.start_exhibit.hall.floor;
  $("route-stops").replaceChildren(
    ...route.stops.map((stop, index) => {
      const change = floorChange(floor, stop.exhibit.hall.floor, route.step_free);
      floor = stop.exhibit.hall.floor;
      return stopItem(stop, index, { row: rows.get(stop.exhibit.id), change, ticked: ticked.has(stop.exhibit.id), onTick });
    }),
  );
  const next = nextLine(route, ticked);
  $("route-next").hidden = route.stops.length === 0;
  $("route-next").textContent = next.text;
}

/** Stop numbers as runs, for the plan's caption: [1, 2, 3, 7] -> "1–3, 7". */
function numberRuns(numbers) {
  const runs = [];
  for (const number of numbers) {
    const last = runs.at(-1);
    if (last && number === last[1] + 1) last[1] = number;
    else runs.push([number, number]);
  }
  return runs.map(([first, end]) => (first === end ? `${first}` : `${first}–${end}`)).join(", ");
}

let plansSerial = 0;

async function drawPlans(route, rows) {
  const mine = ++plansSerial;
  const figures = $("route-plans");
  figures.replaceChildren();
  if (!route.stops.length) return;
  const venue = rows.get(route.start_exhibit.id)?.venue ?? rows.get(route.stops[0].exhibit.id)?.venue;
  if (venue === undefined) return;
  let floors;
  try {
    floors = await loadFloorPlans(venue);
  } catch (error) {
    console.error(error); // the list says it all; the pictures are a help, not the content
    return;
  }
  if (mine !== plansSerial) return;
  current.floors = floors;
  redrawMarks();
}

/** (Re)draw the plans with the stops' states: seen, next, still to come. */
function redrawMarks() {
  const { route, key, floors } = current;
  if (!floors) return;
  const ticked = seen(key);
  const next = nextLine(route, ticked).index;
  const numbered = route.stops.map((stop, index) => ({
    id: stop.exhibit.id,
    floor: stop.exhibit.hall.floor,
    number: index + 1,
    visited: ticked.has(stop.exhibit.id),
    next: index === next,
  }));
  const visited = new Set([route.start_exhibit.hall.floor, ...numbered.map((stop) => stop.floor)]);
  // "You are here": the last stop ticked off, else where the route starts.
  const last = numbered.findLast((stop) => stop.visited);
  const start = route.start_exhibit;
  const you = last ? { id: last.id, floor: last.floor } : { id: start.id, floor: start.hall.floor };
  const figures = floors
    .filter((plan) => visited.has(plan.floor))
    .map((plan) => {
      const here = plan.floor === you.floor ? you.id : null;
      const startsHere = plan.floor === start.hall.floor;
      const stops = numbered.filter((stop) => stop.floor === plan.floor);
      const list = numberRuns(stops.map((stop) => stop.number));
      const caption = t(stops.length ? "plan_route_caption" : "plan_route_caption_none", { floor: plan.floor, stops: list });
      // The line starts at the exhibit where the route begins (stop 0, not drawn as a numbered stop).
      const line = [...(startsHere ? [{ id: start.id, number: 0, visited: true }] : []), ...stops];
      const figure = floorFigure(plan, { stops: line, here, caption });
      figure.querySelector('[data-stop="0"]')?.remove();
      return figure;
    });
  $("route-plans").replaceChildren(...figures);
}
