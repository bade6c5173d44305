/* Chart helpers shared by the reports dashboard and the exhibit admin page (Chart.js, vendored). */
(function () {
  "use strict";
  // Colours are assigned by the label's position in the active model's label list, never by name.
  const PALETTE = ["#d64545", "#8e6c3a", "#7b5ea7", "#f0b429", "#9aa5b1", "#3f7fbf", "#2fa37c", "#e66a9a", "#5c7080"];

  // Axis and legend text dark enough for WCAG AA (Chart.js's default grey is lighter).
  if (window.Chart) window.Chart.defaults.color = "#3e4c59";

  function colour(index) {
    return PALETTE[index % PALETTE.length];
  }

  async function fetchReport(url, params) {
    const query = new URLSearchParams();
    Object.entries(params || {}).forEach(([key, value]) => {
      if (value !== "" && value !== null && value !== undefined) query.set(key, value);
    });
    const response = await fetch(`${url}?${query}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    return body;
  }

  function percent(value) {
    return `${Math.round(value * 1000) / 10}%`;
  }

  /* Stacked horizontal bars: one bar per (non-suppressed) group, one segment per emotion share; emotions
     withheld for privacy (seen on fewer than min_group_size visitors, plus one more) share one grey segment. */
  function mixChart(canvas, report, options) {
    const shown = report.groups.filter((group) => !group.suppressed);
    const withheld = shown.map((group) => {
      const hidden = report.labels.filter((label) => group.emotions[label].share === null);
      if (!hidden.length) return null;
      const visible = report.labels.reduce((sum, label) => sum + (group.emotions[label].share || 0), 0);
      return Math.max(0, 1 - visible);
    });
    const datasets = report.labels.map((label, index) => ({
      label,
      data: shown.map((group) => group.emotions[label].share),
      backgroundColor: colour(index),
      counts: shown.map((group) => group.emotions[label].count),
    }));
    if (withheld.some((share) => share !== null)) {
      datasets.push({
        label: `withheld (< ${report.min_group_size} visitors)`,
        data: withheld,
        backgroundColor: "#d9dee3",
        counts: withheld.map(() => "?"),
      });
    }
    return new Chart(canvas, {
      type: "bar",
      data: { labels: shown.map((group) => group.name), datasets },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, min: 0, max: 1, ticks: { callback: (value) => percent(value) } },
          y: { stacked: true, ticks: { autoSkip: false } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${percent(item.raw)} (${item.dataset.counts[item.dataIndex]} events)`,
            },
          },
        },
        ...(options || {}),
      },
    });
  }

  /* Lines of each emotion's share over ordered keys (the hours with data, weekdays 1-7); gaps where suppressed/empty. */
  function timeChart(canvas, report, keys, keyNames, highlight) {
    const byKey = new Map(report.groups.map((group) => [group.key, group]));
    return new Chart(canvas, {
      type: "line",
      data: {
        labels: keyNames,
        datasets: report.labels.map((label, index) => ({
          label,
          data: keys.map((key) => {
            const group = byKey.get(key);
            return group && !group.suppressed ? group.emotions[label].share : null;
          }),
          borderColor: !highlight || highlight === label ? colour(index) : `${colour(index)}55`,
          backgroundColor: colour(index),
          borderWidth: highlight === label ? 4 : 2,
          spanGaps: false,
          tension: 0.25,
          pointRadius: 2,
        })),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, ticks: { callback: (value) => percent(value) } } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${percent(item.raw)}` } },
        },
      },
    });
  }

  window.MuseumReports = { colour, fetchReport, percent, mixChart, timeChart };
})();
