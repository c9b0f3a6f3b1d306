"""Browser smoke suite, run on every engine's build (issue 12).

`make test` runs it on MkDocs with the rest of the suite, and again with
SITEGEN_TEST_ENGINE=properdocs and =zensical (tests/conftest.py): every
page and the 404 page open on a WeChat phone without a console error, a
failed request or a request to another host; the header's search button
opens search and each contact's name (田鹏 and the others of 2021, read
from data) finds the contacts page; the reader controls change the text size and contrast and
keep them on the next page; the nav lists the generator's pages in order.
"""

from __future__ import annotations

import json

import pytest

from pagecheck import WINDOWS, dump, open_page, open_search, run_axe, search_results, site_pages
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


def search(page, query: str) -> list[str]:
    """Open search with the header's button, type ``query``; the result links' paths, best first.

    The same on every engine: Material's search box on MkDocs and ProperDocs,
    the site's own dialog on Zensical, both answered by Pagefind.
    """
    open_search(page, query)
    return [r["href"] for r in search_results(page)]


def test_search_finds_every_contact_by_name(phone, server, site_model):
    """Each person of the current edition's contacts (田鹏 among them in 2021) finds 联系方式 among the first 3 pages."""
    people = [person for contact in site_model.current.contacts for person in contact.people]
    assert len(people) >= 2, people
    contacts = f"/{site_model.current.key}/contacts/"
    missed = {}
    for person in people:
        page, visit = open_page(phone, server)
        found = list(dict.fromkeys(search(page, person)))  # one entry per page, best first
        if contacts not in found[:3]:
            missed[person] = found
        assert not visit.console_errors, dump(visit.console_errors)
        page.close()
    assert not missed, dump(missed)


def test_search_dialog_speaks_chinese(phone, server):
    page, _ = open_page(phone, server)
    button = page.locator(".md-header").get_by_role("button", name="打开搜索")
    assert button.evaluate("b => b.tagName") == "BUTTON"
    search(page, "zzqqxxjj")  # in no page
    status = page.inner_text(".md-search-result__meta")
    assert "没有" in status, status
    assert page.get_attribute(".md-search__input", "placeholder") == "搜索"
    assert page.get_attribute(".md-search__input", "aria-label") == "搜索"
    assert not search_results(page)
    page.close()


def test_search_works_from_the_keyboard(phone, server, site_model):
    """Tab reaches the header's 打开搜索 button, Enter opens search with the focus in the box, Escape closes it."""
    page, visit = open_page(phone, server)
    name = "document.activeElement.getAttribute('aria-label')"
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate(name) == "打开搜索":
            break
    assert page.evaluate(name) == "打开搜索"
    button = page.locator(".md-header").get_by_role("button", name="打开搜索")
    assert button.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('.md-search__input')")
    page.wait_for_function("() => document.querySelector('.md-header [aria-label=打开搜索]').getAttribute('aria-expanded') === 'true'")
    person = site_model.current.contacts[0].people[0]
    page.keyboard.type(person)
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for()
    assert person in page.inner_text(".md-search-result__list")
    page.keyboard.press("Escape")
    # Closed: Material's search toggle (MkDocs, ProperDocs) or the site's dialog (Zensical), and the focus left the box.
    page.wait_for_function("""() => !(document.getElementById('__search') || {}).checked
        && !(document.getElementById('site-search') || {}).open
        && !document.activeElement.matches('.md-search__input')""")
    page.wait_for_function("() => document.querySelector('.md-header [aria-label=打开搜索]').getAttribute('aria-expanded') === 'false'")
    assert not visit.console_errors, dump(visit.console_errors)
    page.close()


def test_search_with_results_passes_axe(browser, server, site_model):
    """The search UI with results open (the site's own dialog on Zensical) has no WCAG A/AA violation axe-core finds."""
    context = browser.new_context(**WINDOWS["mobile"], bypass_csp=True)  # axe-core goes in as an inline script
    page, _ = open_page(context, server)
    open_search(page, site_model.current.contacts[0].people[0])
    assert search_results(page)
    violations = run_axe(page)
    assert not violations, dump(violations)
    context.close()


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
    shown = page.evaluate("""() => [...document.querySelectorAll('nav.md-nav--primary > ul > li')]
        .map(li => li.querySelector('.md-nav__link').textContent.trim())""")
    assert shown == titles, (shown, titles)
    page.close()
