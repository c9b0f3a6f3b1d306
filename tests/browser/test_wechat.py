"""Inside WeChat every download link gets a non-blocking hint with a working
copy-link button and an e-mail fallback; in a desktop browser nothing shows."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 11; Pixel 5 Build/RQ3A.210805.001.A1; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 "
    "MMWEBID/6533 MicroMessenger/8.0.28.2240(0x28001C57) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
# Pages with download links: calendar (首页, 时间安排), cards (联系方式), the sample table (样表, 如何报送),
# each below its edition's folder ("{year}/"); and the site root, a copy of the current edition's 首页.
PAGES = ["", "{year}/", "{year}/timeline/", "{year}/contacts/", "{year}/form/", "{year}/howto/"]


def edition_at(site_model, site_data, path: str):
    """The edition a page shows: the site root shows the current one."""
    return site_data if "{year}" in path else site_model.current


def url_of(server: str, path: str, edition) -> str:
    return server + path.format(year=edition.key)

DOWNLOAD_LINKS = """() => Array.from(document.querySelectorAll('main a[href]')).filter(a =>
  !a.closest('.wechat-hint') && (a.hasAttribute('download') || /(^|\\/)downloads\\//.test(a.getAttribute('href'))))"""

# Download links whose aria-describedby does not name a visible hint on the page.
LINKS_WITHOUT_HINT = """() => (%s)().filter(a => {
  const ids = (a.getAttribute('aria-describedby') || '').split(/\\s+/);
  return !ids.some(id => { const h = document.getElementById(id);
    return h && h.classList.contains('wechat-hint') && h.offsetParent !== null; });
}).map(a => a.getAttribute('href'))""" % DOWNLOAD_LINKS


@pytest.fixture
def wechat(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=WECHAT_UA, is_mobile=True,
                                  has_touch=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_hint_next_to_every_download_link_in_wechat(wechat, server, site_model, site_data, path):
    edition = edition_at(site_model, site_data, path)
    page = wechat.new_page()
    page.goto(url_of(server, path, edition))
    links = page.evaluate(f"() => ({DOWNLOAD_LINKS})().length")
    assert links >= 1, "the page should have download links"
    hints = page.locator(".wechat-hint")
    assert hints.count() >= 1
    assert page.evaluate(LINKS_WITHOUT_HINT) == []
    hint = hints.first
    assert hint.is_visible()
    text = hint.inner_text()
    assert "浏览器" in text
    # Non-blocking: part of the page flow, and the download link stays clickable.
    assert hint.evaluate("e => getComputedStyle(e).position") in ("static", "relative")
    first_link = page.locator("main a[href*='downloads/']").first
    first_link.scroll_into_view_if_needed()
    box = first_link.bounding_box()
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('a') ?.getAttribute('href')",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top == first_link.get_attribute("href")
    # the downloads are this edition's own
    assert f"{edition.key}/downloads/" in first_link.evaluate("a => a.href")
    # E-mail fallback to the submission mailbox of the edition's featured deadline, from the data.
    mailbox = edition.channel_of(edition.featured)
    mail = hint.locator("a[href^='mailto:']")
    href = mail.get_attribute("href")
    parts = urlsplit(href)
    assert unquote(parts.path) == mailbox
    query = parse_qs(parts.query)
    assert query["subject"][0].startswith("【索取文件】")
    assert server.rstrip("/") in query["body"][0]
    page.close()


def test_copy_button_copies_the_page_address(wechat, server, site_data):
    wechat.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = wechat.new_page()
    url = f"{server}{site_data.key}/contacts/"
    page.goto(url)
    hint = page.locator(".wechat-hint").first
    button = hint.get_by_role("button", name="复制本页链接")
    assert button.is_visible()
    status = hint.locator("[aria-live]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == ""
    button.click()
    page.wait_for_function("e => e.textContent.length > 0", arg=status.element_handle())
    assert status.inner_text() == "已复制"
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    page.close()


def test_copy_falls_back_without_the_clipboard_api(wechat, server, site_data):
    """Old WebViews lack navigator.clipboard: the button still copies."""
    page = wechat.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                         "window.__copied = null; document.execCommand = function (cmd) {"
                         "  if (cmd !== 'copy') return false;"
                         "  window.__copied = document.activeElement && document.activeElement.value; return true; };")
    url = f"{server}{site_data.key}/contacts/"
    page.goto(url)
    hint = page.locator(".wechat-hint").first
    hint.get_by_role("button", name="复制本页链接").click()
    page.wait_for_function("() => window.__copied !== null")
    assert page.evaluate("() => window.__copied") == url
    assert hint.locator("[aria-live]").inner_text() == "已复制"
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_hint_in_a_desktop_browser(browser, server, site_model, site_data, path):
    context = browser.new_context(user_agent=CHROME_UA)
    page = context.new_page()
    page.goto(url_of(server, path, edition_at(site_model, site_data, path)))
    assert page.evaluate(f"() => ({DOWNLOAD_LINKS})().length") >= 1
    assert page.locator(".wechat-hint").count() == 0
    assert "微信" not in page.inner_text("main")
    context.close()
