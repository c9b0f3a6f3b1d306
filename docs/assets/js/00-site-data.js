/* Shared by the scripts below (they are joined into assets/site.js):
 * window.siteData() returns the dates and addresses embedded in the page by
 * scripts/sitegen/templates/partials/live-status.md.j2, or null;
 * window.onEachPage(fn) runs fn once the page is ready, and again after each
 * of Material's instant-navigation page swaps (which do not reload scripts). */
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

  window.onEachPage = function (fn) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(fn);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  };
})();
