"""axe-core (from node_modules, never a CDN) with the WCAG 2.1 A and AA rules
finds nothing on any built page, the 404 page and the footer included, both
as the page opens and with the search dialog open and showing results."""

import pytest

from pagecheck import AXE_JS, AXE_TAGS, WINDOWS, dump

pytestmark = pytest.mark.browser


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
    from pagecheck import open_page, run_axe

    context = browser.new_context(**WINDOWS["desktop"])
    page, _ = open_page(context, server)
    page.evaluate("""() => { const i = document.createElement('img'); i.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        i.width = 20; i.height = 20; document.querySelector('article').prepend(i); }""")
    assert "image-alt" in {v["id"] for v in run_axe(page)}
    context.close()
