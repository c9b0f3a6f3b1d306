"""The built home page opens in Chromium and shows member units' deadlines."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_shows_member_deadlines(browser, server, site_data):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server)
    text = page.inner_text("main")
    for deadline in site_data.deadlines_for("members"):
        assert f"{deadline.due.month}月{deadline.due.day}日" in text
    page.close()
