"""Live status on 首页 and 时间安排, computed in the browser in Beijing time.

The clock is fixed with Playwright's clock API at 07:00 Beijing time on each
date, when it is still the previous day in New York: a page that used the
browser's own time zone would show the previous day's status there. Expected
texts and day counts are computed here from the data, not written down.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.model import TIMEZONE

pytestmark = pytest.mark.browser

DATES = [dt.date(2021, 5, 1), dt.date(2021, 5, 9), dt.date(2021, 5, 20),
         dt.date(2021, 6, 1), dt.date(2021, 6, 20), dt.date(2021, 7, 1)]


def expected_status(site, day: dt.date) -> str:
    stages = site.stages
    if day < stages[0].start:
        return "未开始"
    for stage in stages:
        if stage.start <= day <= stage.end:
            return f"{stage.name}进行中"
    assert day > stages[-1].end, "the test dates fall in no gap between stages"
    return "活动已结束"


def expected_next(site, day: dt.date):
    upcoming = [d for d in site.deadlines_for("members") if d.due >= day]
    if not upcoming:
        return None, None
    first = min(upcoming, key=lambda d: d.due)
    return first, (first.due - day).days


def open_at(browser, url: str, day: dt.date, timezone_id: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id=timezone_id)
    page = context.new_page()
    moment = dt.datetime.combine(day, dt.time(7, 0), tzinfo=TIMEZONE)
    page.clock.set_fixed_time(moment)
    page.goto(url)
    return context, page


def test_the_six_dates_are_distinct_cases(site_data):
    """The chosen dates cover every state the status can take."""
    states = [expected_status(site_data, d) for d in DATES]
    assert states[0] == states[1] == "未开始"
    assert states[-1] == "活动已结束"
    assert {f"{s.name}进行中" for s in site_data.stages} <= set(states)
    # 5月1日 counts down to the plan, 5月9日 (plan passed) to the summary.
    assert expected_next(site_data, DATES[0])[0] != expected_next(site_data, DATES[1])[0]


# 首页 in both time zones, 时间安排 in the one that would expose a wrong zone.
CASES = [(day, path, zone) for day in DATES for path, zone in
         (("", "Asia/Shanghai"), ("", "America/New_York"), ("timeline/", "America/New_York"))]


@pytest.mark.parametrize("day, path, timezone_id", CASES,
                         ids=[f"{d.isoformat()}-{p.strip('/') or 'index'}-{z.split('/')[1]}" for d, p, z in CASES])
def test_status_and_days_left(browser, server, site_data, day, path, timezone_id):
    context, page = open_at(browser, server + path, day, timezone_id)
    try:
        box = page.locator('[data-live="status"]')
        assert box.count() == 1
        assert box.is_visible()
        assert page.locator('[data-live="stage"]').inner_text() == expected_status(site_data, day)
        text = box.inner_text()
        assert f"{day.year}年{day.month}月{day.day}日" in text  # says which day it was computed for
        deadline, days = expected_next(site_data, day)
        line = page.locator('[data-live="next"]')
        if deadline is None:
            assert line.get_attribute("data-days") is None
            assert "均已过" in line.inner_text()
        else:
            assert line.get_attribute("data-deadline") == deadline.key
            assert line.get_attribute("data-days") == str(days)
            assert f"{days} 天" in line.inner_text().replace("\n", "")
            assert deadline.what in line.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("day", [DATES[0], DATES[2], DATES[-1]], ids=lambda d: d.isoformat())
def test_notice_status_is_recomputed(browser, server, site_data, day):
    context, page = open_at(browser, server + "notice/", day, "America/New_York")
    try:
        assert page.locator('[data-live="doc-status"]').inner_text() == site_data.document.status_on(day)
        assert f"{day.year}年{day.month}月{day.day}日" in page.locator(".doc-meta__basis").inner_text()
    finally:
        context.close()


STATUS_WORDS = ["未开始", "进行中", "活动已结束", "已结束", "还有"]


@pytest.mark.parametrize("path", ["", "timeline/"])
def test_without_javascript_the_timeline_is_complete_and_no_status_is_claimed(browser, server, site_data, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server + path)
        box = page.locator('[data-live="status"]')
        assert box.count() == 1
        assert not box.is_visible()
        assert box.inner_text().strip() == ""
        main = page.inner_text("main")
        for word in STATUS_WORDS:
            assert word not in main, f"“{word}” claimed without JavaScript"
        for deadline in site_data.deadlines_for("members"):
            assert f"{deadline.due.month}月{deadline.due.day}日" in main
        if path == "timeline/":
            for stage in site_data.stages:
                assert stage.name in main
                assert f"{stage.start.year}年{stage.start.month}月{stage.start.day}日" in main
                assert f"{stage.end.year}年{stage.end.month}月{stage.end.day}日" in main
            for deadline in site_data.deadlines:
                assert deadline.what in main
    finally:
        context.close()
