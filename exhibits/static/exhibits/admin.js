/* Exhibit admin: the floor plan sketch follows the x/y inputs as staff type (plan metres = SVG units). */
(function () {
  "use strict";
  function follow() {
    const marker = document.querySelector("svg[data-position-preview] [data-this-exhibit]");
    const x = document.getElementById("id_position_x_m");
    const y = document.getElementById("id_position_y_m");
    if (!marker || !x || !y) return;
    const update = () => {
      const valueX = Number.parseFloat(x.value);
      const valueY = Number.parseFloat(y.value);
      if (Number.isFinite(valueX) && valueX >= 0) marker.setAttribute("cx", String(valueX));
      if (Number.isFinite(valueY) && valueY >= 0) marker.setAttribute("cy", String(valueY));
    };
    x.addEventListener("input", update);
    y.addEventListener("input", update);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", follow);
  else follow();
})();
