/* The site's own search dialog (issue 12): opens it, loads its search on first use.
 *
 * Loaded with the <dialog id="site-search"> of overrides/partials/site-search.html,
 * only on an engine whose theme has no Material search box (Zensical); the
 * header then has a 打开搜索 button with data-site-search-open. MkDocs and
 * ProperDocs pages neither have the dialog nor load this.
 *
 * The button opens the dialog as a modal (the browser keeps focus in it and
 * closes it on Escape); focus goes to the search box, and back to the button
 * when the dialog closes. The search itself (docs/assets/search.js, over
 * Pagefind) is imported on the first opening, as the theme's search box
 * loads its search only when used. The "/" key opens it too, as it opens
 * Material's search box. No inline handlers (CSP), no dependencies.
 */
(function () {
  "use strict";

  var started = null;

  function parts() {
    var dialog = document.getElementById("site-search");
    var button = document.querySelector("[data-site-search-open]");
    return dialog && button && typeof dialog.showModal === "function" ? { dialog: dialog, button: button } : null;
  }

  function start(dialog) {
    if (started) return started;
    var module = new URL(dialog.getAttribute("data-module"), location.href).href;
    started = import(module).then(function (search) {
      search.dialog(dialog, new URL(dialog.getAttribute("data-root"), location.href).href);
    }, function (error) {
      started = null;
      console.warn("search", error);
    });
    return started;
  }

  function open() {
    var found = parts();
    if (!found || found.dialog.open) return;
    found.dialog.showModal();
    found.button.setAttribute("aria-expanded", "true");
    var input = found.dialog.querySelector("input");
    input.focus();
    input.select();
    start(found.dialog);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest && target.closest("[data-site-search-open]")) {
      open();
      return;
    }
    var found = parts();
    if (!found || !found.dialog.open) return;
    // The close button, or a click on the backdrop (outside the dialog's box).
    if ((target.closest && target.closest("[data-site-search-close]")) || target === found.dialog) {
      found.dialog.close();
    }
  });

  document.addEventListener("close", function (event) {
    var found = parts();
    if (!found || event.target !== found.dialog) return;
    found.button.setAttribute("aria-expanded", "false");
    found.button.focus();
  }, true);

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey && parts()) {
      event.preventDefault();
      open();
    }
  });
})();
