/* Shared by the scripts below (they are joined into assets/site.js):
 * window.siteData() returns the dates and addresses embedded in the page by
 * scripts/sitegen/templates/partials/live-status.md.j2, or null. */
(function () {
  "use strict";

  window.siteData = function () {
    var el = document.getElementById("site-live-data");
    if (!el) return null;
    try {
      return JSON.parse(el.textContent);
    } catch (e) {
      return null;
    }
  };
})();
