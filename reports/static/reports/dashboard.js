/* The reports dashboard: every chart is fed by the report API, so it shows the API's numbers. */
(function () {
  "use strict";
  const R = window.MuseumReports;
  const config = JSON.parse(document.getElementById("report-config").textContent);
  const labels = JSON.parse(document.getElementById("report-labels").textContent);
  const form = document.getElementById("filters");
  const errorBox = document.getElementById("error");
  const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
  const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
  const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  function filters() {
    const data = Object.fromEntries(new FormData(form).entries());
    return {
      date_from: data.date_from,
      date_to: data.date_to,
      venue: data.venue,
      hall: data.hall,
      emotion: data.emotion,
    };
  }

  function showError(error) {
    errorBox.hidden = false;
    errorBox.textContent = `Could not load a report: ${error.message}`;
  }

  async function render() {
    const current = filters();
    // A mix of a single emotion says nothing (100% everywhere): the emotion picks the ranking and
    // the highlighted line, while every chart shows the whole mix for the chosen places and days.
    const { emotion, ...places } = current;
    const rankEmotion = emotion || labels[0];
    document.getElementById("top-emotion").textContent = rankEmotion;
    document.querySelectorAll("a[data-csv]").forEach((link) => {
      const params = new URLSearchParams({ group_by: link.dataset.csv, format: "csv" });
      Object.entries(places).forEach(([key, value]) => value && params.set(key, value));
      link.href = `${config.emotions}?${params}`;
    });
    try {
      const [exhibits, hours, weekdays, top] = await Promise.all([
        R.fetchReport(config.emotions, { ...places, group_by: "exhibit" }),
        R.fetchReport(config.emotions, { ...places, group_by: "hour" }),
        R.fetchReport(config.emotions, { ...places, group_by: "weekday" }),
        R.fetchReport(config.top, { ...places, emotion: rankEmotion, limit: 10 }),
      ]);
      const shown = exhibits.groups.filter((group) => !group.suppressed).length;
      document.querySelector("#chart-exhibits").parentElement.style.height = `${Math.max(220, 24 * shown + 90)}px`;
      R.mixChart(document.getElementById("chart-exhibits"), exhibits);
      const hidden = exhibits.groups.filter((group) => group.suppressed).map((group) => group.name);
      document.getElementById("suppressed-exhibits").textContent = hidden.length
        ? `Suppressed (fewer than ${exhibits.min_group_size} visitors): ${hidden.join(", ")}.`
        : "";
      R.timeChart(document.getElementById("chart-hours"), hours, HOURS, HOURS.map((hour) => `${hour}:00`), emotion);
      R.timeChart(document.getElementById("chart-weekdays"), weekdays, WEEKDAYS, WEEKDAY_NAMES, emotion);
      const index = Math.max(0, labels.indexOf(rankEmotion));
      new Chart(document.getElementById("chart-top"), {
        type: "bar",
        data: {
          labels: top.exhibits.map((row) => `${row.rank}. ${row.name}`),
          datasets: [{
            label: `${rankEmotion} share`,
            data: top.exhibits.map((row) => row.share),
            backgroundColor: R.colour(index),
            counts: top.exhibits.map((row) => row.count),
            totals: top.exhibits.map((row) => row.events),
          }],
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { min: 0, ticks: { callback: (value) => R.percent(value) } }, y: { ticks: { autoSkip: false } } },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: (item) => `${R.percent(item.raw)} (${item.dataset.counts[item.dataIndex]} of ${item.dataset.totals[item.dataIndex]} events)`,
              },
            },
          },
        },
      });
      document.body.dataset.ready = "true";
    } catch (error) {
      showError(error);
      document.body.dataset.ready = "error";
    }
  }

  render();
})();
