// Floor plans drawn from GET /venues/{id}/floor-plan/ (the geometry the admin's sketch uses): halls as
// boxes, exhibits as dots, doors, stairs and lifts, and on top "you are here" and a route's numbered stops.
// Every plan is a figure whose caption says in words what it shows; the list of stops stays the content.
import { publicApi } from "./api.js";
import { element } from "./dom.js";
import { t, uiLanguage } from "./texts.js";

const SVG = "http://www.w3.org/2000/svg";
const BETWEEN_FLOORS = new Set(["stairs", "lift", "escalator", "ramp"]);
const plans = new Map(); // venue id -> Promise of its floors

/** The venue's floors (lowest first), fetched once per page. */
export function loadFloorPlans(venueId) {
  if (!plans.has(venueId)) {
    const request = publicApi(`venues/${venueId}/floor-plan/?lang=${uiLanguage}`).then((body) => body.floors);
    request.catch(() => plans.delete(venueId)); // asked again next time rather than failing for good
    plans.set(venueId, request);
  }
  return plans.get(venueId);
}

function svg(tag, attrs = {}, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

function label(text) {
  return svg("title", {}, [text]);
}

/** Where a passage to another floor leads, for its tooltip and the legend ("Stairs to floor 1"). */
function doorName(door) {
  if (door.kind === "lift") return t("plan_lift", { floor: door.to_floor });
  return t("plan_stairs", { floor: door.to_floor });
}

function doorMark(door, unit) {
  if (!BETWEEN_FLOORS.has(door.kind) || door.kind === "ramp") {
    const side = unit * 0.9;
    return svg("rect", { class: "plan-door", x: door.x - side / 2, y: door.y - side / 2, width: side, height: side });
  }
  // Stairs and lifts: a larger badge with a sign that needs no language (steps, or up and down arrows).
  const size = unit * 3;
  const x = Math.max(0, door.x - size / 2);
  const y = Math.max(0, door.y - size / 2);
  const sign =
    door.kind === "lift"
      ? svg("path", { class: "plan-sign", d: liftSign(x, y, size) })
      : svg("path", { class: "plan-sign", d: stairsSign(x, y, size) });
  return svg("g", { class: `plan-${door.kind}`, "data-kind": door.kind }, [
    label(doorName(door)),
    svg("rect", { x, y, width: size, height: size, rx: size * 0.15 }),
    sign,
  ]);
}

function stairsSign(x, y, size) {
  const step = size / 4;
  let d = `M${x + step * 0.5} ${y + size - step * 0.5}`;
  for (let i = 0; i < 3; i += 1) d += ` h${step} v${-step}`;
  return d;
}

function liftSign(x, y, size) {
  const c = x + size / 2;
  const s = size / 5;
  return `M${c - s} ${y + size * 0.45} L${c} ${y + size * 0.2} L${c + s} ${y + size * 0.45} Z M${c - s} ${
    y + size * 0.55
  } L${c} ${y + size * 0.8} L${c + s} ${y + size * 0.55} Z`;
}

/**
 * One floor as a figure. `stops`: [{id, number, visited, next}] of a route on this floor, in order;
 * `here`: the exhibit id marked "you are here"; `caption`: the text alternative, shown under the plan.
 */
export function floorFigure(plan, { stops = [], here = null, caption }) {
  const unit = Math.max(plan.width_m, plan.height_m) / 60; // marks scale with the plan, as in the admin
  const where = new Map(plan.exhibits.map((exhibit) => [exhibit.id, exhibit]));
  const captionId = `plan-caption-${plan.floor}-${Math.random().toString(36).slice(2, 8)}`;
  const layers = [svg("rect", { class: "plan-floor", x: 0, y: 0, width: plan.width_m, height: plan.height_m })];
  const mark = where.get(here);
  for (const hall of plan.halls) {
    if (!hall.box) continue;
    const { x, y, width, height } = hall.box;
    const own = hall.id === mark?.hall ? " own-hall" : ""; // the hall you are in is tinted
    layers.push(svg("rect", { class: `plan-hall${own}`, x, y, width, height, rx: unit * 0.5 }));
  }
  for (const door of plan.doors) layers.push(doorMark(door, unit));
  for (const exhibit of plan.exhibits) {
    const dot = { class: "plan-exhibit", cx: exhibit.x, cy: exhibit.y, r: unit * 0.55 };
    layers.push(svg("circle", dot, [label(exhibit.title)]));
  }
  const points = stops.map((stop) => ({ ...stop, at: where.get(stop.id) })).filter((stop) => stop.at);
  if (points.length > 1) {
    const path = points.map((stop) => `${stop.at.x},${stop.at.y}`).join(" ");
    layers.push(svg("polyline", { class: "plan-route", points: path, "stroke-width": unit * 0.5 }));
  }
  if (mark) {
    const ring = { class: "plan-here", "data-here": "", cx: mark.x, cy: mark.y, r: unit * 2.2, "stroke-width": unit * 0.6 };
    layers.push(svg("circle", ring, [label(t("plan_you_are_here", { title: mark.title }))]));
  }
  for (const stop of points) {
    const state = stop.visited ? " visited" : stop.next ? " next" : "";
    layers.push(
      svg("g", { class: `plan-stop${state}`, "data-stop": stop.number }, [
        label(`${stop.number}. ${stop.at.title}`),
        svg("circle", { cx: stop.at.x, cy: stop.at.y, r: unit * 1.5 }),
        svg("text", { x: stop.at.x, y: stop.at.y + unit * 0.55, "font-size": unit * 1.5, "text-anchor": "middle" }, [
          String(stop.number),
        ]),
      ]),
    );
  }
  // Hall names last, with a halo (CSS paint-order), so that route marks never hide them.
  for (const hall of plan.halls) {
    if (!hall.box) continue;
    // A long name ("Древнерусское искусство") gets a smaller font rather than running into the next hall;
    // 0.6 em is a generous average glyph width for the sans-serif fonts phones have.
    const size = Math.min(unit * 1.5, (hall.box.width - unit) / (0.6 * hall.name.length));
    const at = { x: hall.box.x + unit * 0.5, y: hall.box.y + unit * 0.4 + size, "font-size": size, "stroke-width": size / 3 };
    layers.push(svg("text", { class: "plan-hall-name", ...at }, [hall.name]));
  }
  const box = `0 0 ${plan.width_m} ${plan.height_m}`;
  const drawing = svg("svg", { viewBox: box, role: "img", "aria-labelledby": captionId }, layers);
  // The legend names each way to another floor once ("Stairs to floor 1 · Lift to floor 1").
  const between = plan.doors.filter((door) => BETWEEN_FLOORS.has(door.kind));
  const legend = [...new Set(between.map(doorName))].join(" · ");
  return element("figure", { className: "floor-plan", attrs: { "data-floor": String(plan.floor) } }, [
    drawing,
    element("figcaption", { attrs: { id: captionId } }, [
      element("span", { text: caption }),
      ...(legend ? [element("span", { className: "plan-legend", text: ` ${legend}.` })] : []),
    ]),
  ]);
}

/** The floor an exhibit stands on, and its plan, or null when the exhibit is not on any plan. */
export function floorOf(floors, exhibitId) {
  return floors.find((plan) => plan.exhibits.some((exhibit) => exhibit.id === exhibitId)) ?? null;
}
