"""The live status is there at the first paint: nothing below it moves (issue 11 item 9).

Loaded at the end of the page, the status script filled the box after the
first paint and pushed the deadline cards down: Lighthouse counted a
cumulative layout shift of 0.153 on 首页, which cost the page its speed
score. The script now stands inline right after the box
(partials/live-status.md.j2, docs/assets/inline/live-status.js). On every day
the issue names, at phone and desktop width:

- the box is filled before the parser has even reached the deadline cards
  below it (a MutationObserver started before the page records it);
- the page's layout shifts add up to nothing;
- the browser paints the status once: a second run (at DOMContentLoaded, to
  mark the cards) does not rebuild it, which would count as a later largest
  paint.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.model import TIMEZONE
from test_first_screen import DESKTOP, PHONE, WECHAT_IPHONE, issue_days

pytestmark = pytest.mark.browser

RECORDER = """
window.__shifts = [];
window.__paints = [];
window.__cardsSeen = null;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
}).observe({type: "layout-shift", buffered: true});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__paints.push(e.element ? e.element.className : "");
}).observe({type: "largest-contentful-paint", buffered: true});
new MutationObserver((records, observer) => {
  const cards = document.querySelector(".deadline-cards");
  if (!cards) return;
  const box = document.querySelector('[data-live="status"]');
  window.__cardsSeen = {boxShown: !!box && !box.hidden, boxText: box ? box.textContent : null};
  observer.disconnect();
}).observe(document, {childList: true, subtree: true});
"""


def load(browser, url: str, day: dt.date, phone: bool):
    options = dict(viewport=PHONE, user_agent=WECHAT_IPHONE, is_mobile=True, has_touch=True) if phone else dict(viewport=DESKTOP)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(9, 0), tzinfo=TIMEZONE))
    page.add_init_script(RECORDER)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)
    return context, page


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
@pytest.mark.parametrize("which", ["week-before", "first-due", "day-after", "last-due", "after-campaign"])
def test_status_is_filled_before_the_cards_below_it_exist(browser, server, site_model, which, phone):
    # the current edition: an archived one's status is static text written at build, with no box to fill
    edition = site_model.current
    day = issue_days(edition)[which]
    context, page = load(browser, f"{server}{edition.key}/", day, phone)
    try:
        seen = page.evaluate("window.__cardsSeen")
        assert seen is not None, "the page has no deadline cards"
        assert seen["boxShown"] and "活动阶段" in seen["boxText"], seen
        shifts = page.evaluate("window.__shifts")
        assert sum(shifts) < 0.001, shifts
        status_paints = [c for c in page.evaluate("window.__paints") if "live-status" in c]
        assert len(status_paints) <= 1, page.evaluate("window.__paints")
        # the second run marked the cards (colour only): passed ones and the next one
        passed = page.locator(".deadline-card.is-passed").count()
        assert passed == sum(1 for d in edition.deadlines_for(edition.primary.key) if d.due < day)
    finally:
        context.close()


def test_timeline_status_does_not_move_the_page(browser, server, site_model):
    edition = site_model.current
    context, page = load(browser, f"{server}{edition.key}/timeline/", issue_days(edition)["day-after"], True)
    try:
        assert page.locator('[data-live="status"]:not([hidden])').count() == 1
        assert sum(page.evaluate("window.__shifts")) < 0.001
    finally:
        context.close()
