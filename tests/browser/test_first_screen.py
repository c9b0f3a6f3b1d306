"""首页's first phone screen (issue 11 items 1 and 2).

At 390 × 844 with WeChat's user agent and the clock fixed on the days the
issue names (a week before the first deadline, the day before it, the day
itself, the day after, the last deadline's day, the day after the campaign),
the text inside the first screen says what is due, by when and where to send
it, with the exact wording for that day, and the form's buttons are on it.
The explanation and the "not official text" note come below. Expected texts
are computed from the edition's data (the fixture edition gives other dates).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sitegen import textfmt
from sitegen.model import TIMEZONE

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
WECHAT_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
DAY = dt.timedelta(days=1)
# How near the next deadline must be for a passed one to be left out (docs/assets/inline/live-status.js).
URGENT_DAYS = int(re.search(r"URGENT_DAYS = (\d+);", (ROOT / "docs/assets/inline/live-status.js").read_text(encoding="utf-8"))[1])

# Text nodes inside the page whose whole box lies within the first screen.
FIRST_SCREEN_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector("main") || document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || !node.parentElement.checkVisibility({visibilityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight) out.push(node.textContent);
  }
  return out.join("").replace(/\\s+/g, "");
}"""


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def issue_days(edition) -> dict[str, dt.date]:
    """The issue's days (2021: 5月3日, 5月7日, 5月8日, 5月9日, 6月25日, 7月1日) from the edition's dates."""
    own = edition.deadlines_for(edition.primary.key)
    first, last = own[0].due, own[-1].due
    return {"week-before": first - 5 * DAY, "day-before": first - DAY, "first-due": first,
            "day-after": first + DAY, "last-due": last, "after-campaign": edition.document.campaign.end + DAY}


def expected(edition, day: dt.date) -> dict:
    """What the status box says on ``day``, line by line, from the data."""
    own = edition.deadlines_for(edition.primary.key)
    upcoming = [d for d in own if d.due >= day]
    passed = [d for d in own if d.due < day]
    nxt = upcoming[0] if upcoming else None
    days = (nxt.due - day).days if nxt else None
    lines = []
    passed_line = None
    if passed and (nxt is None or days > URGENT_DAYS):
        p = passed[-1]
        office = edition.contact(p.contact)
        passed_line = (f"已过{textfmt.md(p.due)}截止的{p.what}，如未报送请联系{'、'.join(office.people)}"
                       f"{textfmt.phone_display(office.phones[0])}。")
        lines.append(passed_line)
    if nxt:
        label = "今天截止" if days == 0 else "明天截止" if days == 1 else f"还有{days}天截止"
        lines.append(f"{label}（{textfmt.md(nxt.due)}）：{nxt.what}")
    else:
        lines.append(f"{edition.primary.short}的报送截止时间均已过。")
    return {"next": nxt, "days": days, "lines": lines, "passed": passed_line}


def open_home(browser, url: str, day: dt.date, viewport=PHONE, **options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(9, 0), tzinfo=TIMEZONE))
    page.goto(url)
    page.wait_for_selector('[data-live="status"]:not([hidden]), .live-status--ended', state="attached")
    return context, page


def bottom(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"] + page.locator(selector).first.bounding_box()["height"]


DAYS = ["week-before", "day-before", "first-due", "day-after", "last-due", "after-campaign"]


@pytest.mark.parametrize("which", DAYS)
def test_first_phone_screen_says_what_by_when_to_whom(browser, server, site_model, site_data, which):
    edition = site_data
    day = issue_days(edition)[which]
    context, page = open_home(browser, f"{server}{edition.key}/", day, user_agent=WECHAT_IPHONE,
                              is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        if site_model.state_of(edition) == "archived":
            # an archived edition keeps its static box, on the first screen, whatever the clock says
            assert page.locator('[data-live="status"]').count() == 0
            assert bottom(page, ".live-status--ended") <= PHONE["height"]
            return
        want = expected(edition, day)
        screen = page.evaluate(FIRST_SCREEN_JS)
        box = squeeze(page.locator('[data-live="status"]').inner_text())
        # the day's most urgent fact comes first, in these words
        assert box.startswith(want["lines"][0]), (box, want["lines"])
        for line in want["lines"]:
            assert line in box and line in screen, (line, screen)
        # the stage comes second, and says which day it was computed for
        assert box.index("活动阶段：") > box.index(want["lines"][-1])
        assert f"按北京时间今天（{textfmt.cn_date(day)}）计算" in box
        # what, by when and where to send it: the next deadline's card
        for d in [want["next"]] if want["next"] else []:
            card = squeeze(page.locator(f"#due-{d.key}").inner_text())
            for part in (textfmt.due_text(d), d.what, "发至" + edition.channel_of(d)):
                assert part in card and part in screen, (part, screen)
            assert "is-next" in page.locator(f"#due-{d.key}").get_attribute("class")
        if want["passed"] is None and want["next"] is not None:
            assert "已过" not in box
        # the form: download or fill it, on the first screen
        assert page.locator(".home-actions a[download]").count() == 1
        assert page.get_by_role("link", name="在线填写样表").count() == 1
        assert bottom(page, ".home-actions") <= PHONE["height"]
        # WeChat's one-line download hint sits directly above the buttons, inside the first screen too
        hint = page.locator(".wechat-hint")
        assert hint.count() == 1 and hint.evaluate("h => h.nextElementSibling.matches('.home-actions')")
        # the explanation and the reader note come below
        assert page.locator(".lead").bounding_box()["y"] > bottom(page, ".home-actions")
        assert page.locator(".reader-note").first.bounding_box()["y"] > bottom(page, ".home-actions")
        # the other audience is one tap away, never mixed in
        for a in edition.others:
            link = page.locator(f'.home-first a[href$="#audience-{a.key}"]')
            assert link.count() == 1
            for d in edition.deadlines_for(a.key):
                assert d.what not in screen
            page.goto(link.evaluate("a => a.href"))
            assert page.locator(f"#audience-{a.key}").count() == 1
    finally:
        context.close()


def test_desktop_shows_the_first_block_without_scrolling(browser, server, site_data):
    for day in (issue_days(site_data)["day-after"], issue_days(site_data)["week-before"]):
        context, page = open_home(browser, f"{server}{site_data.key}/", day, viewport=DESKTOP)
        try:
            assert bottom(page, ".home-actions") <= DESKTOP["height"], day
            assert bottom(page, ".home-first") <= DESKTOP["height"], day
        finally:
            context.close()


def test_without_javascript_the_first_screen_lists_every_member_deadline_and_claims_nothing(browser, server, site_data):
    context = browser.new_context(viewport=PHONE, user_agent=WECHAT_IPHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}{site_data.key}/")
        first = squeeze(page.locator(".home-first").inner_text())
        for d in site_data.deadlines_for(site_data.primary.key):
            assert textfmt.due_text(d) in first and d.what in first and site_data.channel_of(d) in first
        for word in ("今天", "明天", "还有", "已过", "进行中", "未开始"):
            assert word not in first, word
        assert page.locator(".home-actions a").count() >= 1
    finally:
        context.close()
