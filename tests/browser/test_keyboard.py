"""Every control can be reached with the Tab key and shows where the focus is.

"Control" = every element the browser would put in the tab order that is
rendered (a[href], button, input, select, textarea, summary, [tabindex] ≥ 0;
not disabled, not inert, not display:none or visibility:hidden, not 0 × 0;
the theme's back-to-top button, shown only while scrolling up, is left out).
Tabbing from the top of the page must land on each of them, and each time
the focused element must be inside the window (not in a closed off-canvas
drawer) and carry a visible focus ring: an outline at least 2 px wide or a
box-shadow. On the phone, the header's menu and search buttons must work
from the keyboard.
"""

import re

import pytest

from pagecheck import WINDOWS, dump, nav_titles, open_page
from pagefixtures import pages, pages_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

DESCRIBE = """
const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (el.classList.length ? '.' + [...el.classList].join('.') : '')
  + ' “' + (el.getAttribute('aria-label') || el.textContent || el.value || '').replace(/\\s+/g, '').slice(0, 20) + '”';
"""

MARK_CONTROLS = DESCRIBE + """
const selector = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable=true]';
const found = [];
for (const el of document.querySelectorAll(selector)) {
  if (el.tabIndex < 0 || el.disabled || el.closest('[inert]') || el.matches('input[type=hidden]')) continue;
  // the theme's "back to top" button shows only while scrolling up, never while tabbing down
  if (el.matches('[data-md-component=top]')) continue;
  if (!el.checkVisibility({visibilityProperty: true})) continue;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  el.dataset.kbd = String(found.length);
  found.push(describe(el));
}
return found;
"""

# Logs every element that receives focus, with its focus ring and position at
# that moment (the browser has already scrolled it into view).
RECORD_FOCUS = DESCRIBE + """
window.__focusLog = [];
document.addEventListener('focusin', e => {
  const el = e.target;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  window.__focusLog.push({
    id: el.dataset.kbd === undefined ? null : Number(el.dataset.kbd),
    what: describe(el),
    ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
  });
}, true);
"""

FOCUS_STATE = DESCRIBE + """
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) return null;
const cs = getComputedStyle(el);
const r = el.getBoundingClientRect();
return {
  what: describe(el),
  ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none',
  inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
};
"""


def tab_through(page) -> tuple[list[str], list[dict]]:
    """Press Tab from the top of the page once per control (and a few more); return controls and focus log."""
    controls = page.evaluate(f"() => {{ {MARK_CONTROLS} }}")
    page.evaluate(f"() => {{ document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); {RECORD_FOCUS} }}")
    for _ in range(len(controls) + 5):
        page.keyboard.press("Tab")
    return controls, page.evaluate("window.__focusLog")


@pytest.mark.parametrize("window", list(WINDOWS))
def test_tab_reaches_every_control_with_a_visible_focus(browser, server, pages_server, pages, window):
    context = browser.new_context(**WINDOWS[window])
    problems = {}
    for key, url, status in [(p, server + p, 200) for p in pages] + [("404", pages_server + "no/such/page/", 404)]:
        page, _ = open_page(context, url, expect_status=status)
        controls, visits = tab_through(page)
        reached = {v["id"] for v in visits if v["id"] is not None}
        missing = [what for i, what in enumerate(controls) if i not in reached]
        no_ring = sorted({v["what"] for v in visits if not v["ring"]})
        hidden = sorted({v["what"] for v in visits if not v["inView"]})
        if missing or no_ring or hidden:
            problems[key] = {"not reached": missing, "no focus ring": no_ring, "focused out of sight": hidden}
        assert len(controls) >= 5, (key, controls)  # the page has links; the marking works
        page.close()
    context.close()
    assert not problems, dump(problems)


def test_phone_menu_and_search_work_from_the_keyboard(browser, server, site_model, root):
    context = browser.new_context(**WINDOWS["mobile"])
    page, _ = open_page(context, server)
    menu = page.locator(".md-header__button[data-toggle='__drawer']")
    search = page.locator(".md-header__button[data-toggle='__search']")
    assert menu.is_visible() and search.is_visible()

    # Tab to the menu button (a few stops after the skip link), open it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.toggle") == "__drawer":
            break
    assert page.evaluate("document.activeElement.dataset.toggle") == "__drawer"
    assert menu.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('__drawer').checked")
    page.wait_for_function("document.querySelector('.md-header__button[data-toggle=__drawer]').getAttribute('aria-expanded') === 'true'")
    # The drawer slides in (a CSS transition): the links are on screen once it has stopped.
    page.wait_for_function("""() => { const d = document.querySelector('.md-sidebar--primary');
      return d.getAnimations({subtree: true}).length === 0 && d.getBoundingClientRect().left >= 0; }""")
    # The following Tab stops are the navigation links, now on screen: all of them.
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(f"() => {{ {FOCUS_STATE} }}")
        inside = page.evaluate("!!document.activeElement.closest('.md-nav--primary')")
        if not inside and reached:
            break
        if inside:
            assert state["inView"], state
            reached.add(page.evaluate("document.activeElement.textContent.trim()"))
    # every page but the current one (the home page, whose entry is its table of contents);
    # its <title> may carry the edition's year: 首页（2021年）
    here = re.sub(r"（\d{4}年[^）]*）$", "", page.title().split(" - ")[0])
    assert here in nav_titles(site_model, root), here
    assert nav_titles(site_model, root) - {here} <= reached, reached
    # Escape closes the drawer and returns to the menu button.
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__drawer').checked")
    assert page.evaluate("document.activeElement.dataset.toggle") == "__drawer"

    # The search button opens the search with the focus in the search box.
    page.keyboard.press("Tab")
    for _ in range(5):
        if page.evaluate("document.activeElement.dataset.toggle") == "__search":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.matches('.md-search__input')")
    query = site_model.current.contacts[-1].people[0]  # the site root is the current edition's home
    page.keyboard.type(query)
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for()
    assert query in page.inner_text(".md-search-result")
    page.keyboard.press("Escape")
    page.wait_for_function("!document.getElementById('__search').checked")
    context.close()
