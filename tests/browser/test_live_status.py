"""Live status on 首页 and 时间安排, computed in the browser in Beijing time.

The clock is fixed with Playwright's clock API at 07:00 Beijing time on each
sample day, when it is still the previous day in New York: a page that used
the browser's own time zone would show the previous day's status there. The
sample days and the expected texts and day counts are computed here from
each edition's data, not written down.

Only the current edition's status is live. An archived edition's pages show
a static "活动已结束" box, whatever the reader's clock says.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.model import TIMEZONE

pytestmark = pytest.mark.browser

DAY = dt.timedelta(days=1)


def member_deadlines(edition):
    """The deadlines of the audience the status box counts down for (data: ``primary: true``)."""
    return edition.deadlines_for(edition.primary.key)


def sample_days(edition) -> list[dt.date]:
    """Days that cover every state of the status, from the edition's dates:
    a week before anything starts, the day after the first deadline (the
    countdown moves on to the next one), the middle of every stage and the
    day after everything is over."""
    stages = edition.stages
    own = member_deadlines(edition)
    days = {min(stages[0].start, own[0].due) - 7 * DAY, own[0].due + DAY}
    days |= {s.start + (s.end - s.start) // 2 for s in stages}
    days.add(max([stages[-1].end, edition.document.campaign.end] + [d.due for d in own]) + DAY)
    return sorted(days)


def expected_status(edition, day: dt.date) -> str:
    """What docs/assets/inline/live-status.js must say on ``day``."""
    stages = edition.stages
    if day < stages[0].start:
        return "未开始"
    for stage, following in zip(stages, stages[1:] + [None]):
        if stage.start <= day <= stage.end:
            return f"{stage.name}进行中"
        if following is not None and stage.end < day < following.start:
            return f"{stage.name}已结束"
    return "活动已结束"


def expected_next(edition, day: dt.date):
    """The member units' next deadline on ``day`` and the days left. A deadline
    written with 前 counts its own day (the site's reading, stated on 时间安排)."""
    upcoming = [d for d in member_deadlines(edition) if d.due >= day]
    if not upcoming:
        return None, None
    first = min(upcoming, key=lambda d: d.due)
    return first, (first.due - day).days


def due_label(days: int) -> str:
    """The day's most urgent fact: 今天截止, 明天截止, 还有 N 天截止."""
    return "今天截止" if days == 0 else "明天截止" if days == 1 else f"还有 {days} 天截止"


def open_at(browser, url: str, day: dt.date, timezone_id: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id=timezone_id)
    page = context.new_page()
    moment = dt.datetime.combine(day, dt.time(7, 0), tzinfo=TIMEZONE)
    page.clock.set_fixed_time(moment)
    page.goto(url)
    return context, page


def is_archived(site_model, edition) -> bool:
    return site_model.state_of(edition) == "archived"


def test_the_sample_days_are_distinct_cases(site_data):
    """The sample days cover every state the status can take."""
    days = sample_days(site_data)
    states = [expected_status(site_data, d) for d in days]
    assert states[0] == "未开始"
    assert states[-1] == "活动已结束"
    assert {f"{s.name}进行中" for s in site_data.stages} <= set(states)
    # the first day counts down to the first deadline, the second to a later one
    assert expected_next(site_data, days[0])[0] != expected_next(site_data, days[1])[0]
    assert expected_next(site_data, days[0])[0] is not None
    # and on the last day every deadline has passed
    assert expected_next(site_data, days[-1]) == (None, None)
    # the expected dates lie in the edition's year
    assert {d.year for d in days} == {site_data.year}


# Which page shows the box: the site root (a copy of the current edition's
# home), an edition's 首页 and its 时间安排.
KINDS = {"root": "", "home": "{key}/", "timeline": "{key}/timeline/"}


def url_of(server: str, kind: str, edition) -> str:
    return server + KINDS[kind].format(key=edition.key)


def edition_shown(site_model, site_data, kind):
    """The edition a page of this kind shows: the site root always shows the current one."""
    return site_model.current if kind == "root" else site_data


# 首页 in both time zones, 时间安排 in the one that would expose a wrong zone.
CASES = [("root", "Asia/Shanghai"), ("root", "America/New_York"),
         ("home", "America/New_York"), ("timeline", "America/New_York")]


@pytest.mark.parametrize("kind, timezone_id", CASES, ids=[f"{k}-{z.split('/')[1]}" for k, z in CASES])
def test_status_and_days_left(browser, server, site_model, site_data, kind, timezone_id):
    edition = edition_shown(site_model, site_data, kind)
    url = url_of(server, kind, edition)
    problems = {}
    for day in sample_days(edition):
        context, page = open_at(browser, url, day, timezone_id)
        try:
            if is_archived(site_model, edition):
                check_archived_box(page, edition)
                continue
            box = page.locator('[data-live="status"]')
            assert box.count() == 1
            assert box.is_visible()
            assert page.locator('[data-live="stage"]').inner_text() == expected_status(edition, day)
            text = box.inner_text()
            assert f"{day.year}年{day.month}月{day.day}日" in text  # says which day it was computed for
            deadline, days = expected_next(edition, day)
            line = page.locator('[data-live="next"]')
            if deadline is None:
                assert line.get_attribute("data-days") is None
                assert "均已过" in line.inner_text()
            else:
                assert line.get_attribute("data-deadline") == deadline.key
                assert line.get_attribute("data-days") == str(days)
                shown = line.inner_text().replace("\n", "")
                assert shown.startswith(due_label(days)), shown
                assert deadline.what in shown
                assert "前" not in shown.split("：")[0], shown  # never 今天截止 beside 6月25日前
        except AssertionError as exc:
            problems[day.isoformat()] = str(exc)
        finally:
            context.close()
    assert not problems, f"{url} ({timezone_id}): {problems}"


def check_archived_box(page, edition):
    """An archived edition states, without a clock, that its campaign is over."""
    assert page.locator('[data-live="status"]').count() == 0, "an archived edition shows a live status"
    box = page.locator(".live-status--ended")
    assert box.count() == 1
    assert box.is_visible()
    text = box.inner_text()
    assert "活动已结束" in text and edition.key in text, text
    end = edition.document.campaign.end
    assert f"{end.year}年{end.month}月{end.day}日" in text, text


@pytest.mark.parametrize("pick", [0, 2, -1], ids=["first", "third", "last"])
def test_notice_status_is_recomputed(browser, server, site_model, site_data, pick):
    day = sample_days(site_data)[pick]
    context, page = open_at(browser, f"{server}{site_data.key}/notice/", day, "America/New_York")
    try:
        if is_archived(site_model, site_data):
            # archived: the status is written once, and the clock changes nothing
            assert page.locator('[data-live="doc-status"]').count() == 0
            assert "活动已结束（已归档）" in page.locator(".doc-meta").inner_text()
        else:
            assert page.locator('[data-live="doc-status"]').inner_text() == site_data.document.status_on(day)
            assert f"{day.year}年{day.month}月{day.day}日" in page.locator(".doc-meta__basis").inner_text()
    finally:
        context.close()


STATUS_WORDS = ["未开始", "进行中", "活动已结束", "已结束", "还有", "今天", "明天截止", "已过"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_without_javascript_the_timeline_is_complete_and_no_status_is_claimed(browser, server, site_model, site_data, kind):
    edition = edition_shown(site_model, site_data, kind)
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url_of(server, kind, edition))
        main = page.inner_text("main")
        if is_archived(site_model, edition):
            check_archived_box(page, edition)  # a status that stays true: the campaign is over
        else:
            box = page.locator('[data-live="status"]')
            assert box.count() == 1
            assert not box.is_visible()
            assert box.inner_text().strip() == ""
            for word in STATUS_WORDS:
                assert word not in main, f"“{word}” claimed without JavaScript"
        for deadline in member_deadlines(edition):
            assert f"{deadline.due.month}月{deadline.due.day}日" in main
        if kind == "timeline":
            for stage in edition.stages:
                assert stage.name in main
                assert f"{stage.start.year}年{stage.start.month}月{stage.start.day}日" in main
                assert f"{stage.end.year}年{stage.end.month}月{stage.end.day}日" in main
            for deadline in edition.deadlines:
                assert deadline.what in main
    finally:
        context.close()
