"""Content-Security-Policy in Chromium (issue 12, item 6).

Every built page (and the 404 page, served as GitHub Pages does) loads under
its own policy without one violation, also while search runs (the worker
finds 田鹏), the reader controls are pressed and the web form exports Word.
A copy of a built page with a third-party script, a third-party image and an
inline script the build never hashed gets all three refused.

Violations are seen two ways: the ``securitypolicyviolation`` events the
page fires (collected by an init script, which CSP does not govern) and
Chromium's console messages ("Refused to …", "Content Security Policy").
No context here bypasses CSP.
"""

from __future__ import annotations

import pytest

from pagecheck import WECHAT_UA, open_search, search_results, site_pages
from pagefixtures import pages_server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

PHONE = dict(
    viewport={"width": 390, "height": 844}, user_agent=WECHAT_UA, is_mobile=True, has_touch=True,
    locale="zh-CN",
)
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, line: e.lineNumber}));
"""
EVIL = "https://evil.example"


def csp_context(browser, **extra):
    context = browser.new_context(**PHONE, **extra)
    context.add_init_script(COLLECT)
    return context


def watch(page) -> list[str]:
    """Console messages about CSP, and uncaught errors."""
    seen: list[str] = []

    def console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to") or message.type == "error":
            seen.append(f"{message.type}: {text}")

    page.on("console", console)
    page.on("pageerror", lambda e: seen.append(f"uncaught: {e}"))
    return seen


def violations(page) -> list[dict]:
    return page.evaluate("() => window.__csp")


def keep_local(context, origin: str) -> list[str]:
    """Any request that would leave the test server is recorded and answered with a script that marks the page."""
    left: list[str] = []

    def handle(route):
        if not route.request.url.startswith(origin):
            left.append(route.request.url)
            return route.fulfill(status=200, content_type="application/javascript", body="window.__evilRan = true;")
        return route.continue_()

    context.route("**/*", handle)
    return left


def test_every_page_has_no_violation(browser, server, pages_server, built_site):  # noqa: F811
    pages = site_pages(built_site)
    assert "" in pages and len(pages) >= 5, pages
    targets = [server + p for p in pages] + [pages_server + "no/such/page/"]
    context = csp_context(browser)
    left = keep_local(context, server.rstrip("/").rsplit(":", 1)[0])
    report = {}
    for url in targets:
        page = context.new_page()
        seen = watch(page)
        page.goto(url, wait_until="networkidle")
        assert page.evaluate("document.documentElement.classList.contains('reader-js')"), f"{url}: inline head script did not run"
        meta = page.locator('meta[http-equiv="Content-Security-Policy"]')
        assert meta.count() == 1, url
        found = violations(page)
        # 404's own "Failed to load resource: 404" is the page's status, not a violation.
        seen = [s for s in seen if not ("404" in s and "Failed to load resource" in s and "no/such/page" in url)]
        if found or seen:
            report[url] = {"events": found, "console": seen}
        page.close()
    context.close()
    assert not report, report
    assert not left, left


def test_search_worker_and_reader_controls_work_under_csp(browser, server):
    context = csp_context(browser)
    page = context.new_page()
    seen = watch(page)
    page.goto(server, wait_until="networkidle")
    page.get_by_role("button", name="大", exact=True).tap()
    assert page.evaluate("document.documentElement.getAttribute('data-text-size')") == "large"
    page.get_by_role("button", name="高对比度").tap()
    assert page.evaluate("document.documentElement.getAttribute('data-contrast')") == "high"
    page.get_by_role("button", name="标准").tap()
    assert page.evaluate("document.documentElement.getAttribute('data-text-size')") is None
    open_search(page, "田鹏")
    results = search_results(page)
    assert any(r["href"].endswith("/contacts/") for r in results), results
    assert page.evaluate("performance.getEntriesByType('resource').some(e => /\\/pagefind\\//.test(e.name))")
    assert not violations(page) and not seen, (violations(page), seen)
    context.close()


def test_word_export_works_under_csp(browser, server, site_model, tmp_path):
    from docx import Document

    edition = site_model.current
    context = csp_context(browser, accept_downloads=True)
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{server}{edition.key}/form/", wait_until="networkidle")
    page.locator("#form-fill").wait_for(state="visible")
    first = page.locator("#form-fill input[type=text], #form-fill textarea").first
    first.fill("铁道学会CSP测试单位")
    with page.expect_download() as info:
        page.locator('[data-ff="export"]').click()
    target = tmp_path / "export.docx"
    info.value.save_as(str(target))
    text = "\n".join(c.text for t in Document(str(target)).tables for r in t.rows for c in r.cells)
    assert "铁道学会CSP测试单位" in text
    assert page.locator("script[data-ff-src]").count(), "the export code (fflate) loaded from the site"
    assert not violations(page) and not seen, (violations(page), seen)
    context.close()


def test_injected_third_party_and_unhashed_inline_are_refused(browser, server, built_site):
    """A built page with a foreign script, a foreign image and an inline script of its own added afterwards."""
    html = (built_site / "about" / "index.html").read_text(encoding="utf-8")
    injected = (
        f'<script src="{EVIL}/x.js"></script>'
        f'<img id="evil-img" src="{EVIL}/x.png" alt="">'
        "<script>window.__inlineRan = true;</script>"
    )
    tampered = html.replace("</body>", injected + "</body>", 1)
    assert tampered != html
    url = server + "about/"
    context = csp_context(browser)
    left = keep_local(context, server.rstrip("/"))
    context.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=tampered))
    page = context.new_page()
    seen = watch(page)
    page.goto(url, wait_until="networkidle")
    found = violations(page)
    blocked = {(v["directive"], v["blocked"]) for v in found}
    assert ("script-src-elem", f"{EVIL}/x.js") in blocked, found
    assert ("img-src", f"{EVIL}/x.png") in blocked, found
    assert ("script-src-elem", "inline") in blocked, found
    assert not page.evaluate("window.__evilRan === true"), "the third-party script ran"
    assert not page.evaluate("window.__inlineRan === true"), "the unhashed inline script ran"
    assert page.evaluate("document.getElementById('evil-img').naturalWidth") == 0
    assert not left, f"requests to third parties were made at all: {left}"
    logged = [s for s in seen if "Content Security Policy" in s]
    assert any(f"{EVIL}/x.js" in s for s in logged) and any(f"{EVIL}/x.png" in s for s in logged), seen
    # The page's own inline scripts (hashed at build) still ran.
    assert page.evaluate("document.documentElement.classList.contains('reader-js')")
    context.close()


def test_changed_own_inline_script_is_refused(browser, server, built_site):
    """The page's own head script, changed by one character after the build, no longer matches its hash."""
    html = (built_site / "index.html").read_text(encoding="utf-8")
    tampered = html.replace('h.classList.add("reader-js")', 'h.classList.add("reader-js2")', 1)
    assert tampered != html
    context = csp_context(browser)
    context.route(server, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=tampered))
    page = context.new_page()
    page.goto(server, wait_until="networkidle")
    assert not page.evaluate("document.documentElement.classList.contains('reader-js2')")
    assert any(v["directive"] == "script-src-elem" and v["blocked"] == "inline" for v in violations(page))
    context.close()
