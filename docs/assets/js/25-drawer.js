/* Same-page links in the navigation drawer close it (issue 11 item 6).
 *
 * On a phone the site navigation is the theme's drawer: the checkbox
 * #__drawer (input[data-md-toggle=drawer]); unchecked, it is closed. The
 * theme closes it only when the address's #fragment changes to an element
 * it can find, and it looks the fragment up without decoding it, so the
 * Chinese headings' anchors (#活动三个阶段) and a second tap on the same
 * entry left the drawer open over the page the reader asked to see.
 *
 * Here a tap (or Enter) on a link in the drawer that points to the page
 * already open closes the drawer: with a #fragment, the browser then scrolls
 * to it as usual and focus moves to the target (for keyboard and screen
 * reader users, whose focus would otherwise stay in the closed drawer);
 * without one (the current page's own entry), the page is not loaded again
 * but scrolled to the top. Links to other pages are left alone (the page
 * that loads starts with the drawer closed), as is a link something else
 * already handled (the theme's instant navigation, if it is turned on).
 * Closing goes through the checkbox's click(), so the theme and the header
 * button's aria-expanded hear of it (a change event). No inline handlers
 * (CSP), no dependencies.
 */
(function () {
  "use strict";

  function drawer() {
    return document.getElementById("__drawer");
  }

  function withoutIndex(path) {
    return path.replace(/\/index\.html$/, "/");
  }

  function samePage(link) {
    return link.protocol === location.protocol && link.host === location.host &&
      withoutIndex(link.pathname) === withoutIndex(location.pathname) && link.search === location.search;
  }

  function close() {
    var box = drawer();
    if (box && box.checked) box.click();
  }

  function target(hash) {
    var id;
    try {
      id = decodeURIComponent(hash.slice(1));
    } catch (e) {
      id = hash.slice(1);
    }
    return id ? document.getElementById(id) : null;
  }

  function focusTarget(hash) {
    var el = target(hash);
    if (!el) return;
    if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(el.tagName)) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var box = drawer();
    if (!box || !box.checked) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target && event.target.closest && event.target.closest(".md-sidebar--primary a[href]");
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) return;
    if (!samePage(link)) return;
    var hash = link.hash;
    close();
    if (hash) {
      // The browser follows the link (scrolls to the anchor) after this handler; then move focus there.
      setTimeout(function () { focusTarget(hash); }, 0);
      return;
    }
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (location.hash && history.pushState) history.pushState(null, "", link.href);
    window.scrollTo(0, 0);
  });
})();
