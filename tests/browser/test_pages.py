"""Every built page (and the 404 page) on a WeChat phone (390 × 844) and a
desktop (1366 × 768): no errors, no request leaves the site, nothing to
scroll sideways on the phone, readable text, targets big enough to tap, and
axe-core (from node_modules, never a CDN) with the WCAG 2.1 A and AA rules
finds nothing, footer included, both as the page opens and with the search
dialog open and showing results.

The definitions (visible text, body text, standalone target, inline link)
are in pagecheck.py; the measurements come from the ``audits`` fixture
(pagefixtures.py), which loads each page once per window.
"""

import pytest

from pagecheck import (
    AXE_JS, AXE_TAGS, MIN_BODY_PX, MIN_INLINE_LINK_PX, MIN_TARGET_PX, MIN_TEXT_PX, WINDOWS, dump, open_page, run_axe,
)
from pagefixtures import audits, pages, pages_server, screenshot_dir, search_probe  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

WINDOW_NAMES = list(WINDOWS)


def each(audits, window):
    return [a for (w, _), a in sorted(audits.items()) if w == window]


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_every_page_was_audited(audits, pages, window):
    audited = {a.page for a in each(audits, window)}
    assert set(pages) | {"404"} == audited
    # the search probe found something, so the search dialog was audited with results
    assert all(a.search_results > 0 for a in each(audits, window)), {a.page: a.search_results for a in each(audits, window)}


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_no_console_errors(audits, window):
    errors = {a.page: a.visit.console_errors for a in each(audits, window) if a.visit.console_errors}
    assert not errors, dump(errors)


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_no_failed_requests(audits, window):
    failed = {a.page: a.visit.failed_requests for a in each(audits, window) if a.visit.failed_requests}
    assert not failed, dump(failed)


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_no_request_leaves_the_site(audits, window):
    foreign = {a.page: a.visit.foreign_requests for a in each(audits, window) if a.visit.foreign_requests}
    assert not foreign, dump(foreign)
    # and the recording works: every page asked its own server for its stylesheet
    for a in each(audits, window):
        assert any(url.endswith(".css") for url in a.visit.requests), a.page


def test_no_horizontal_scrolling_on_the_phone(audits):
    wide = {
        a.page: {"page width": a.layout["scrollWidth"], "window": a.layout["clientWidth"], "sticking out": a.layout["wide"]}
        for a in each(audits, "mobile")
        if a.layout["scrollWidth"] > a.layout["clientWidth"]
    }
    assert not wide, dump(wide)
    assert all(a.layout["clientWidth"] == WINDOWS["mobile"]["viewport"]["width"] for a in each(audits, "mobile"))


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_no_visible_text_under_12_px(audits, window):
    small = {a.page: a.layout["smallText"] for a in each(audits, window) if a.layout["smallText"]}
    assert not small, f"text under {MIN_TEXT_PX} px:\n" + dump(small)


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_body_text_at_least_16_px(audits, window):
    small = {a.page: a.layout["smallBody"] for a in each(audits, window) if a.layout["smallBody"]}
    assert not small, f"body text under {MIN_BODY_PX} px:\n" + dump(small)


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_standalone_links_and_buttons_are_44_px(audits, window):
    too_small = {
        a.page: [f"{t['what']} {t['width']}×{t['height']}" for t in a.layout["targets"]
                 if not t["inline"] and (t["width"] < MIN_TARGET_PX - 0.5 or t["height"] < MIN_TARGET_PX - 0.5)]
        for a in each(audits, window)
    }
    too_small = {k: v for k, v in too_small.items() if v}
    assert not too_small, f"standalone targets under {MIN_TARGET_PX} × {MIN_TARGET_PX} px:\n" + dump(too_small)
    # the rule has something to check: the contact page's phone and e-mail links are standalone
    assert any(not t["inline"] for a in each(audits, window) for t in a.layout["targets"])


@pytest.mark.parametrize("window", WINDOW_NAMES)
def test_links_in_sentences_are_underlined_and_24_px_tall(audits, window):
    bad = {
        a.page: [f"{t['what']} {t['width']}×{t['height']} underlined={t['underlined']}" for t in a.layout["targets"]
                 if t["inline"] and (not t["underlined"] or t["height"] < MIN_INLINE_LINK_PX - 0.5)]
        for a in each(audits, window)
    }
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, dump(bad)
    assert any(t["inline"] for a in each(audits, window) for t in a.layout["targets"])


def test_axe_is_the_local_package():
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `make node` (npm ci)"
    assert AXE_TAGS == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("window", list(WINDOWS))
def test_no_axe_violations(audits, window):
    found = {a.page: a.axe for (w, _), a in sorted(audits.items()) if w == window and a.axe}
    assert not found, dump(found)


@pytest.mark.parametrize("window", list(WINDOWS))
def test_no_axe_violations_with_search_open(audits, window):
    found = {a.page: a.axe_search for (w, _), a in sorted(audits.items()) if w == window and a.axe_search}
    assert not found, dump(found)


def test_axe_catches_a_real_violation(browser, server):
    """The harness can fail: an image without a text alternative is reported."""
    context = browser.new_context(**WINDOWS["desktop"], bypass_csp=True)  # run_axe injects axe-core inline
    page, _ = open_page(context, server)
    page.evaluate("""() => { const i = document.createElement('img'); i.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        i.width = 20; i.height = 20; document.querySelector('article').prepend(i); }""")
    assert "image-alt" in {v["id"] for v in run_axe(page)}
    context.close()
