"""Search loads on demand (overrides/partials/lazy-search.html).

Opening a page fetches neither the search index nor Pagefind's files
(assets/search.js, pagefind/); the first use of search does, once, and the search then
finds pages. A page opened from a search result (?h=…) loads the index at
once, because the theme highlights the searched words with it.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

SEARCH_FILES = ("search/search_index.json", "/workers/search.", "/lunr/", "/pagefind/", "assets/search.js")


def searching(urls: list[str]) -> list[str]:
    return [u for u in urls if any(part in u for part in SEARCH_FILES)]


def open_recording(browser, url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    urls: list[str] = []
    # the context sees the page's requests and its workers' (lunr files)
    context.on("request", lambda r: urls.append(r.url))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)
    return context, page, urls


# The site root, and an edition's notice and contacts ("{year}/": the current edition's folder).
@pytest.mark.parametrize("path", ["", "{year}/notice/", "{year}/contacts/"])
def test_no_search_requests_on_load(browser, server, site_model, path):
    path = path.format(year=site_model.current.key)
    context, page, urls = open_recording(browser, server + path)
    assert urls, "nothing was requested"
    assert not searching(urls), f"/{path} loads search on arrival: {searching(urls)}"
    context.close()


def test_first_search_loads_index_and_finds_pages(browser, server, site_model):
    """Pagefind's files (assets/search.js, pagefind/pagefind.js, its index and fragments) come only
    after the reader opens search; the theme's own search_index.json (settings only) once; its lunr
    worker never. The first query, typed at once (while Pagefind may still be loading), finds 实施方案."""
    current = site_model.current  # the site root shows the current edition, and search ranks it first
    context, page, urls = open_recording(browser, server)
    assert not searching(urls), f"search files before the first use of search: {searching(urls)}"
    query = current.document.theme.split("，")[0]  # 众心向党 (the plan's 节日主题)
    page.keyboard.press("/")  # the theme's shortcut opens search
    page.wait_for_selector("[data-md-component=search-query]:focus")
    # Playwright types CJK text with insertText, as an IME commits it; the IME then releases a key
    # (the theme searches on keyup).
    page.keyboard.type(query)
    page.keyboard.press("End")
    plan_hit = page.locator(f".md-search-result__item a.md-search-result__link[href*='{current.key}/plan/']")
    plan_hit.first.wait_for(timeout=30000)  # generous ceiling for a loaded machine; raises if 实施方案 is not listed
    index = [u for u in urls if u.endswith("search/search_index.json")]
    assert len(index) == 1, f"search index requested {len(index)} times"
    assert any(u.endswith("/assets/search.js") for u in urls), "the site's search script never loaded"
    assert any(u.endswith("/pagefind/pagefind.js") for u in urls), "Pagefind never loaded"
    assert any("/pagefind/index/" in u for u in urls) and any("/pagefind/fragment/" in u for u in urls), searching(urls)
    assert not any("/workers/search." in u or "/lunr/" in u for u in urls), "the theme's lunr worker started"
    assert query in page.inner_text(".md-search-result__list"), "the result does not show the query"
    context.close()


def test_search_button_loads_index(browser, server, site_model):
    context, page, urls = open_recording(browser, f"{server}{site_model.current.key}/timeline/")
    page.locator(".md-header [data-toggle='__search']:visible, .md-header label[for='__search']:visible").first.click()
    page.wait_for_timeout(1500)
    assert any(u.endswith("search/search_index.json") for u in urls), "opening search did not load the index"
    context.close()


def test_arriving_from_a_search_result_highlights(browser, server, site_data):
    word = site_data.document.theme.split("，")[0]
    context, page, urls = open_recording(browser, f"{server}{site_data.key}/plan/?h={word}")
    assert any(u.endswith("search/search_index.json") for u in urls), "?h= page did not load the index"
    page.wait_for_selector("article mark", timeout=60000)
    assert word[:2] in page.inner_text("article mark")
    context.close()
