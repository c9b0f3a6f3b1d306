"""Browser smoke suite, run on every engine's build (issue 12).

`make test` runs it on MkDocs with the rest of the suite, and again with
SITEGEN_TEST_ENGINE=properdocs and =zensical (tests/conftest.py): every
page and the 404 page open on a WeChat phone without a console error, a
failed request or a request to another host; the header's search button
opens search and a contact's name (田鹏 in 2021, read from data) finds the
contacts page; the reader controls change the text size and contrast and
keep them on the next page; the nav lists the generator's pages in order.
"""

from __future__ import annotations

import json

import pytest

from pagecheck import WINDOWS, dump, open_page, open_search, search_results, site_pages
from pagefixtures import pages_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(**WINDOWS["mobile"])
    yield context
    context.close()


def test_every_page_loads_without_errors(phone, server, pages_server, built_site):
    pages = site_pages(built_site)
    assert len(pages) >= 10, pages
    problems = {}
    for path, url, status in [(p, server + p, 200) for p in pages] + [("404", pages_server + "no/such/page/", 404)]:
        page, visit = open_page(phone, url, expect_status=status)
        found = visit.console_errors + visit.failed_requests + visit.foreign_requests
        if found:
            problems[path] = found
        page.close()
    assert not problems, dump(problems)


def test_the_404_page_is_the_sites_own_in_chinese(phone, pages_server):
    page, _ = open_page(phone, pages_server + "no/such/page/", expect_status=404)
    assert page.inner_text("h1") == "页面不存在"
    links = page.locator("article a, .md-content a").evaluate_all("els => els.map(a => a.textContent.trim())")
    assert "返回首页" in links and "查看历年通知" in links, links
    page.close()


def test_search_finds_a_contact_by_name(phone, server, site_model):
    person = site_model.current.contacts[0].people[0]  # 田鹏 in 2021
    page, visit = open_page(phone, server)
    open_search(page, person)
    results = search_results(page)
    assert results, f"no results for {person}"
    contacts = f"/{site_model.current.key}/contacts/"
    assert any(r["href"].endswith(contacts) for r in results[:3]), dump(results)
    assert not visit.console_errors, dump(visit.console_errors)
    page.close()


def test_search_dialog_speaks_chinese(phone, server):
    page, _ = open_page(phone, server)
    open_search(page, "不存在的词语组合")
    assert "没有" in page.inner_text(".md-search-result__meta")
    assert page.get_attribute(".md-search__input", "placeholder") == "搜索"
    page.close()


def test_reader_controls_change_size_and_contrast_and_are_kept(phone, server, site_model):
    page, _ = open_page(phone, server)
    html = page.locator("html")
    page.get_by_role("button", name="特大").click()
    assert html.get_attribute("data-text-size") == "xlarge"
    assert page.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    page.get_by_role("button", name="高对比度").click()
    assert html.get_attribute("data-contrast") == "high"
    page.goto(server + f"{site_model.current.key}/contacts/")
    assert page.locator("html").get_attribute("data-text-size") == "xlarge"
    assert page.locator("html").get_attribute("data-contrast") == "high"
    page.get_by_role("button", name="标准").click()
    page.get_by_role("button", name="高对比度").click()
    standard = page.evaluate("parseFloat(getComputedStyle(document.querySelector('article p')).fontSize)")
    assert size > standard, (size, standard)
    page.close()


def test_nav_lists_the_generators_pages_in_order(phone, server, built_site, root):
    from sitegen.engines import nav_items
    from sitegen.generate import NAV_FILE, generate

    # The generator's navigation, as the hook gives it to MkDocs.
    nav = json.loads((built_site.parent / "nav.json").read_text()) if (built_site.parent / "nav.json").is_file() else None
    if nav is None:
        docs = built_site.parent / "nav-docs"
        generate(docs, root, drafts=True)
        nav = json.loads((docs / NAV_FILE).read_text(encoding="utf-8"))
        (built_site.parent / "nav.json").write_text(json.dumps(nav, ensure_ascii=False))
    titles = [title for title, _ in nav_items(nav)]
    page, _ = open_page(phone, server)
    shown = page.locator("nav.md-nav--primary > ul > li > a, nav.md-nav--primary > ul > li > label, "
                         "nav.md-nav--primary > ul > li > .md-nav__container > a").evaluate_all(
        "els => els.map(e => e.textContent.trim()).filter(Boolean)")
    assert shown == titles, (shown, titles)
    page.close()
