/* Reader controls (适老化): text size and high contrast, kept across pages.
 *
 * The buttons come from overrides/partials/reader-controls.html; an inline
 * script in <head> (same partial) has already applied the saved settings to
 * <html> before the first paint. This file keeps the buttons' aria-pressed in
 * step with <html>, handles clicks (buttons are keyboard-operable as they are
 * native <button>s), saves to localStorage and follows changes made in other
 * tabs. Storage failures (private mode, WeChat) only mean the choice is not
 * remembered. No dependencies.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var SIZES = ["standard", "large", "xlarge"];

  function panel() {
    return document.querySelector(".reader-controls");
  }

  function storageKey() {
    var el = panel();
    return (el && el.getAttribute("data-reader-key")) || "kjgzzr:reader";
  }

  function current() {
    var size = root.getAttribute("data-text-size");
    return {
      size: SIZES.indexOf(size) > 0 ? size : "standard",
      contrast: root.getAttribute("data-contrast") === "high" ? "high" : "normal"
    };
  }

  function apply(state) {
    if (state.size === "standard") root.removeAttribute("data-text-size");
    else root.setAttribute("data-text-size", state.size);
    if (state.contrast === "high") root.setAttribute("data-contrast", "high");
    else root.removeAttribute("data-contrast");
    sync();
  }

  function sync() {
    var el = panel();
    if (!el) return;
    var state = current();
    var buttons = el.querySelectorAll("[data-reader-size]");
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].getAttribute("data-reader-size") === state.size;
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    var contrast = el.querySelector("[data-reader-contrast]");
    if (contrast) contrast.setAttribute("aria-pressed", state.contrast === "high" ? "true" : "false");
  }

  function save(state) {
    try {
      localStorage.setItem(storageKey(), JSON.stringify(state));
    } catch (e) {
      /* not remembered, still applied to this page */
    }
  }

  function parse(text) {
    try {
      var state = JSON.parse(text) || {};
      return {
        size: SIZES.indexOf(state.size) >= 0 ? state.size : "standard",
        contrast: state.contrast === "high" ? "high" : "normal"
      };
    } catch (e) {
      return { size: "standard", contrast: "normal" };
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target || !target.closest) return;
    var button = target.closest(".reader-controls button");
    if (!button) return;
    var state = current();
    if (button.hasAttribute("data-reader-size")) {
      state.size = button.getAttribute("data-reader-size");
    } else if (button.hasAttribute("data-reader-contrast")) {
      state.contrast = state.contrast === "high" ? "normal" : "high";
    } else {
      return;
    }
    apply(state);
    save(state);
  });

  /* Another tab changed the setting: follow it. */
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey()) apply(parse(event.newValue));
  });

  sync();
})();
