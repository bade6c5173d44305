/* The exhibit admin page's emotion profile: one stacked bar from the report API (same numbers as the reports). */
(function () {
  "use strict";
  const R = window.MuseumReports;

  async function draw(box) {
    const canvas = box.querySelector("canvas");
    const message = box.querySelector("[data-message]");
    try {
      const response = await fetch(box.dataset.emotionProfile, { credentials: "same-origin", headers: { Accept: "application/json" } });
      const report = await response.json();
      if (!response.ok) throw new Error(report.detail || `HTTP ${response.status}`);
      const group = report.groups[0];
      if (!group) {
        message.textContent = "No expressions recorded at this exhibit yet.";
      } else if (group.suppressed) {
        message.textContent = `Fewer than ${report.min_group_size} visitors: withheld so that nobody can be singled out.`;
      } else {
        // The chart gets its own fixed-height holder so the message below keeps its line.
        const holder = document.createElement("div");
        holder.style.position = "relative";
        holder.style.height = "110px";
        canvas.before(holder);
        holder.appendChild(canvas);
        box.style.height = "auto";
        canvas.hidden = false;
        R.mixChart(canvas, { labels: report.labels, groups: [{ ...group, name: `${group.events} events` }] });
        message.textContent = `${group.events} events from ${group.visitors} visitors; mean confidence ${R.percent(group.mean_confidence)}. Expressed emotions (what the camera saw), not felt ones.`;
      }
    } catch (error) {
      message.textContent = `Emotion profile unavailable: ${error.message}`;
    }
  }

  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("[data-emotion-profile]").forEach(draw));
})();
