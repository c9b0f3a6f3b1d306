"""The built home pages open in Chromium and show the primary audience's deadlines:
each edition's own home (/<year>/) and, for the current edition, the site root."""

import pytest

pytestmark = pytest.mark.browser


def homes(site_model, site_data) -> list[str]:
    paths = [f"{site_data.key}/"]
    if site_data.key == site_model.current.key:
        paths.append("")  # the site root shows a copy of the current edition's home
    return paths


def test_home_page_shows_member_deadlines(browser, server, site_model, site_data):
    deadlines = site_data.deadlines_for(site_data.primary.key)
    assert deadlines, f"{site_data.key}: the primary audience has no deadlines"
    page = browser.new_page(viewport={"width": 390, "height": 844})
    for path in homes(site_model, site_data):
        page.goto(server + path)
        text = page.inner_text("main")
        for deadline in deadlines:
            assert f"{deadline.due.month}月{deadline.due.day}日" in text, f"/{path}: {deadline.key}"
    page.close()
