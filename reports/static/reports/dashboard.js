/* The reports dashboard: every number on it comes from the report API (museum_guide.disclosure applied). */
(function () {
  "use strict";
  const R = window.MuseumReports;
  const config = JSON.parse(document.getElementById("report-config").textContent);
  const labels = JSON.parse(document.getElementById("report-labels").textContent);
  const form = document.getElementById("filters");
  const errorBox = document.getElementById("error");
  const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
  const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  // Rows shown before "Show all": a phone screen or two, the rest one tap away.
  const FIRST_ROWS = 10;
  const $ = (id) => document.getElementById(id);
  const number = new Intl.NumberFormat("en");

  function filters() {
    const data = Object.fromEntries(new FormData(form).entries());
    return { date_from: data.date_from, date_to: data.date_to, venue: data.venue, hall: data.hall, emotion: data.emotion };
  }

  function day(iso) {
    // Report days are venue-local dates: format them as dates, never shifted by the browser's time zone.
    return new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }

  function plural(count, word) {
    return `${number.format(count)} ${word}${count === 1 ? "" : "s"}`;
  }

  /* The most common emotion among the shown counts of the selection (place totals), ties by label order.
     It needs no label names in the code, and its cells are the largest, so the ranking is the one least
     moved by the perturbation and the least often withheld. */
  function mostCommon(totals) {
    const sums = labels.map((label) => totals.reduce((sum, group) => sum + (group.emotions[label].count || 0), 0));
    const best = Math.max(...sums);
    return best > 0 ? labels[sums.indexOf(best)] : labels[0];
  }

  function showRange(current, days) {
    const keys = days.groups.map((group) => group.key).sort();
    const first = current.date_from || keys[0];
    const last = current.date_to || keys[keys.length - 1];
    $("range").textContent = first && last ? `${day(first)} – ${day(last)}` : current.date_from || current.date_to ? "" : "all days";
    const derived = [!current.date_from && "first", !current.date_to && "last"].filter(Boolean);
    $("range-note").textContent = derived.length && keys.length ? `(${derived.join(" and ")} day with data)` : "";
    return { first, last };
  }

  function showTotals(totals, k) {
    const shown = totals.groups.filter((group) => !group.suppressed);
    if (!totals.groups.length) {
      $("totals").textContent = "no events";
      return;
    }
    if (!shown.length) {
      $("totals").textContent = `hidden: fewer than ${k} visitors in this selection`;
      return;
    }
    const events = shown.reduce((sum, group) => sum + group.events, 0);
    const visitors = shown.reduce((sum, group) => sum + group.visitors, 0);
    const perVenue = shown.length > 1 ? ` (over ${shown.length} venues)` : "";
    $("totals").textContent = `${plural(events, "event")} from ${plural(visitors, "visitor")}${perVenue}`;
  }

  function showEmpty(title, text) {
    $("empty-title").textContent = title;
    $("empty-text").textContent = text;
    $("empty").hidden = false;
    $("charts").hidden = true;
  }

  function legend(report) {
    const box = $("legend");
    box.replaceChildren(
      ...report.labels.map((label, index) => {
        const item = document.createElement("span");
        item.className = "key";
        item.innerHTML = `<i style="background:${R.colour(index)}"></i>`;
        item.append(label);
        return item;
      }),
    );
    const hidden = document.createElement("span");
    hidden.className = "key";
    hidden.innerHTML = '<i class="withheld"></i>';
    hidden.append(`hidden (fewer than ${report.min_group_size} visitors)`);
    box.append(hidden);
  }

  /* One row per shown exhibit: its name (wrapping, never cut), the ranked emotion's share and count, the
     exhibit's events and visitors, and its whole mix as a stacked bar with a text alternative. */
  function rankingRow(group, rank, report, emotion) {
    const item = document.createElement("li");
    const cell = group.emotions[emotion];
    const head = document.createElement("div");
    head.className = "row-head";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = `${rank}. ${group.name}`;
    const share = document.createElement("strong");
    share.className = "share";
    share.textContent = cell.share === null ? `${emotion}: hidden` : `${emotion} ${R.percent(cell.share)}`;
    head.append(name, share);
    const counts = document.createElement("div");
    counts.className = "counts";
    const emotionCount = cell.count === null ? "" : `${number.format(cell.count)} ${emotion} of `;
    counts.textContent = `${emotionCount}${plural(group.events, "event")} · ${plural(group.visitors, "visitor")}`;
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("role", "img");
    const parts = [];
    let hiddenShare = 1;
    // The ranked emotion's segment comes first, so the bars line up on it and the order is visible.
    const order = [emotion, ...report.labels.filter((label) => label !== emotion)];
    order.forEach((label) => {
      const index = report.labels.indexOf(label);
      const value = group.emotions[label].share;
      if (value === null || value <= 0) return;
      hiddenShare -= value;
      const segment = document.createElement("span");
      segment.style.width = `${value * 100}%`;
      segment.style.background = R.colour(index);
      segment.title = `${label}: ${R.percent(value)} (${group.emotions[label].count} events)`;
      bar.append(segment);
      parts.push(`${label} ${R.percent(value)}`);
    });
    if (report.labels.some((label) => group.emotions[label].share === null)) {
      const segment = document.createElement("span");
      segment.className = "withheld";
      segment.style.width = `${Math.max(0, hiddenShare) * 100}%`;
      segment.title = `hidden: ${R.percent(Math.max(0, hiddenShare))}`;
      bar.append(segment);
      parts.push(`hidden ${R.percent(Math.max(0, hiddenShare))}`);
    }
    bar.setAttribute("aria-label", `Mix: ${parts.join(", ")}`);
    item.append(head, counts, bar);
    return item;
  }

  function showRanking(report, emotion) {
    $("rank-emotion").textContent = emotion;
    legend(report);
    const shown = report.groups.filter((group) => !group.suppressed);
    // Highest share of the chosen emotion first; exhibits where it is hidden for privacy come last.
    const key = (group) => group.emotions[emotion].share;
    shown.sort((a, b) => (key(b) ?? -1) - (key(a) ?? -1) || (b.emotions[emotion].count ?? -1) - (a.emotions[emotion].count ?? -1) || a.name.localeCompare(b.name));
    const list = $("exhibit-ranking");
    list.replaceChildren(...shown.map((group, index) => rankingRow(group, index + 1, report, emotion)));
    const more = $("show-all");
    list.classList.toggle("collapsed", shown.length > FIRST_ROWS);
    more.hidden = shown.length <= FIRST_ROWS;
    more.textContent = `Show all ${shown.length} exhibits`;
    more.onclick = () => {
      list.classList.remove("collapsed");
      more.hidden = true;
    };
    const hidden = report.groups.filter((group) => group.suppressed).map((group) => group.name);
    $("suppressed-exhibits").textContent = hidden.length
      ? `Not shown, fewer than ${report.min_group_size} visitors each (${hidden.length}): ${hidden.join(", ")}.`
      : "";
  }

  /* The hours that have data (shown or not), so a museum open 8-17 gets an 8-17 axis, not 0-23. The axis
     starts after the longest run of hours without data, so an evening event open 20-02 reads 20 ... 2. */
  function hourSpan(report) {
    const hours = [...new Set(report.groups.map((group) => Number(group.key)))].sort((a, b) => a - b);
    if (!hours.length) return [];
    let start = 0;
    let longestGap = -1;
    hours.forEach((hour, index) => {
      const next = index + 1 < hours.length ? hours[index + 1] : hours[0] + 24;
      if (next - hour > longestGap) {
        longestGap = next - hour;
        start = (index + 1) % hours.length;
      }
    });
    if (longestGap === 1) start = 0; // every hour has data: midnight to midnight
    const length = 24 - longestGap + 1;
    return Array.from({ length }, (_, offset) => (hours[start] + offset) % 24);
  }

  async function render() {
    const current = filters();
    const { emotion, ...places } = current;
    document.querySelectorAll("a[data-csv]").forEach((link) => {
      const params = new URLSearchParams({ group_by: link.dataset.csv, format: "csv" });
      Object.entries(places).forEach(([name, value]) => value && params.set(name, value));
      link.href = `${config.emotions}?${params}`;
    });
    try {
      const [exhibits, hours, weekdays, days, totals] = await Promise.all(
        ["exhibit", "hour", "weekday", "day", "venue"].map((group_by) => R.fetchReport(config.emotions, { ...places, group_by })),
      );
      const k = exhibits.min_group_size;
      const range = showRange(current, days);
      showTotals(totals, k);
      $("summary").hidden = false;
      const where = current.venue || current.hall ? "at these places" : "at any venue";
      if (!days.groups.length) {
        const when = range.first && range.last ? `between ${day(range.first)} and ${day(range.last)}` : "yet";
        showEmpty("No data for this range", `No expressions were recorded ${when} ${where}. Try a wider date range or all venues.`);
      } else if (!exhibits.groups.some((group) => !group.suppressed)) {
        showEmpty("Too few visitors to show", `Every exhibit in this range had fewer than ${k} visitors, so nothing can be shown without singling someone out. Try a wider date range.`);
      } else {
        $("empty").hidden = true;
        $("charts").hidden = false;
        const rankEmotion = emotion || mostCommon(totals.groups.filter((group) => !group.suppressed));
        form.querySelector("#emotion option[value='']").textContent = `the most common emotion (${rankEmotion})`;
        showRanking(exhibits, rankEmotion);
        const span = hourSpan(hours);
        R.timeChart($("chart-hours"), hours, span, span.map((hour) => `${hour}:00`), emotion || rankEmotion);
        R.timeChart($("chart-weekdays"), weekdays, WEEKDAYS, WEEKDAY_NAMES, emotion || rankEmotion);
      }
      document.body.dataset.ready = "true";
    } catch (error) {
      errorBox.hidden = false;
      errorBox.textContent = `Could not load a report: ${error.message}`;
      document.body.dataset.ready = "error";
    }
  }

  render();
})();
