"""Inside WeChat a page with download links gets exactly one hint, above its
first download link: a one-line bar (at most 56 px at 390 px) that opens to a
fallback per file type, with copy buttons that put the page's or the file's
address on the clipboard (or, failing that, in a selected field). Cards never
send readers to a mailbox. In a desktop browser nothing shows (issue 11 item 3)."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from sitegen.outputs import calendar
from sitegen.textfmt import phone_display

pytestmark = pytest.mark.browser

WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
WECHAT_ANDROID_UA = (
    "Mozilla/5.0 (Linux; Android 11; Pixel 5 Build/RQ3A.210805.001.A1; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 "
    "MMWEBID/6533 MicroMessenger/8.0.28.2240(0x28001C57) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
PHONE_SAFARI_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
# Pages with download links: calendar (首页, 时间安排), cards (联系方式), the sample table (样表, 如何报送),
# each below its edition's folder ("{year}/"); and the site root, a copy of the current edition's 首页.
PAGES = ["", "{year}/", "{year}/timeline/", "{year}/contacts/", "{year}/form/", "{year}/howto/"]
# The kinds of file each page offers (the hint has a part for each, and none for the others).
KINDS = {"": {"file", "calendar"}, "{year}/": {"file", "calendar"}, "{year}/timeline/": {"calendar"},
         "{year}/contacts/": {"card"}, "{year}/form/": {"file"}, "{year}/howto/": {"file"}}
# Pages without download links: no hint there either.
NO_DOWNLOADS = ["{year}/notice/", "{year}/plan/", "about/"]


def edition_at(site_model, site_data, path: str):
    """The edition a page shows: the site root (and site-wide pages) show the current one."""
    return site_data if "{year}" in path else site_model.current


def url_of(server: str, path: str, edition) -> str:
    return server + path.format(year=edition.key)


DOWNLOAD_LINKS = """() => Array.from(document.querySelectorAll('article a[href]')).filter(a =>
  !a.closest('.wechat-hint') && (a.hasAttribute('download') || /^webcal:/.test(a.getAttribute('href'))
  || /(^|\\/)downloads\\//.test(a.getAttribute('href'))))"""


def phone(browser, ua=WECHAT_UA):
    return browser.new_context(viewport={"width": 390, "height": 844}, user_agent=ua, is_mobile=True, has_touch=True)


@pytest.fixture
def wechat(browser):
    context = phone(browser)
    yield context
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_one_compact_hint_above_the_first_download(wechat, server, site_model, site_data, path):
    edition = edition_at(site_model, site_data, path)
    page = wechat.new_page()
    page.goto(url_of(server, path, edition))
    assert page.evaluate(f"() => ({DOWNLOAD_LINKS})().length") >= 1, "the page should have download links"
    hints = page.locator(".wechat-hint")
    assert hints.count() == 1
    hint = hints.first
    assert hint.is_visible()
    # Collapsed: one line, at most 56 px tall, the body hidden.
    assert hint.evaluate("e => e.tagName") == "DETAILS" and hint.get_attribute("open") is None
    box = hint.bounding_box()
    assert box["height"] <= 56, f"collapsed hint is {box['height']} px tall"
    bar = hint.locator("summary")
    assert bar.evaluate("e => e.getClientRects().length") == 1
    line = bar.evaluate("e => parseFloat(getComputedStyle(e).fontSize) * 1.6")
    assert bar.evaluate("e => e.scrollHeight") <= max(56, line * 1.5)
    assert "微信" in bar.inner_text() and "下载" in bar.inner_text()
    assert not hint.locator(".wechat-hint__body").is_visible()
    # Above the first download link, in the page flow, and not covering it.
    first = page.evaluate_handle(f"() => ({DOWNLOAD_LINKS})()[0]")
    assert page.evaluate("([h, a]) => !!(h.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)",
                         [hint.element_handle(), first])
    assert page.evaluate("([h, a]) => a.getBoundingClientRect().top >= h.getBoundingClientRect().bottom",
                         [hint.element_handle(), first])
    assert hint.evaluate("e => getComputedStyle(e).position") in ("static", "relative")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # Every download link points at the hint's bar.
    assert page.evaluate(f"""() => ({DOWNLOAD_LINKS})().every(a =>
        (a.getAttribute('aria-describedby') || '').split(/\\s+/).includes('wechat-hint-bar'))""")

    # Opens and closes.
    bar.click()
    assert hint.get_attribute("open") is not None
    body = hint.locator(".wechat-hint__body")
    assert body.is_visible() and "在浏览器中打开" in body.inner_text()
    assert hint.bounding_box()["height"] > 100
    kinds = set(hint.locator("[data-kind]").evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert kinds == KINDS[path]
    bar.click()
    assert hint.get_attribute("open") is None and not body.is_visible()
    assert hint.bounding_box()["height"] <= 56
    page.close()


@pytest.mark.parametrize("path", ["", "{year}/form/"])
def test_files_fall_back_to_the_browser_and_the_mailbox(wechat, server, site_model, site_data, path):
    """Word/PDF: the ··· menu, and an e-mail to the member units' mailbox from the data."""
    edition = edition_at(site_model, site_data, path)
    page = wechat.new_page()
    page.goto(url_of(server, path, edition))
    hint = page.locator(".wechat-hint")
    hint.locator("summary").click()
    part = hint.locator("[data-kind=file]")
    assert "Word" in part.inner_text() and "PDF" in part.inner_text()
    mailbox = edition.channel_of(edition.featured)
    parts = urlsplit(part.locator("a[href^='mailto:']").get_attribute("href"))
    assert unquote(parts.path) == mailbox
    query = parse_qs(parts.query)
    assert query["subject"][0].startswith("【索取文件】")
    assert f"{edition.key}年{edition.form.file_name}.docx" in query["subject"][0]
    assert server.rstrip("/") in query["body"][0]
    page.close()


def open_hint(wechat, server, path):
    """A page of the site in WeChat with the clipboard allowed and its hint opened: (page, hint)."""
    wechat.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.rstrip("/"))
    page = wechat.new_page()
    page.goto(f"{server}{path}")
    hint = page.locator(".wechat-hint")
    hint.locator("summary").click()
    return page, hint


def test_cards_give_the_number_and_email_to_copy_not_a_mailbox(wechat, server, site_data):
    page, hint = open_hint(wechat, server, f"{site_data.key}/contacts/")
    text = hint.inner_text()
    assert "索取" not in text and not hint.locator("a[href^='mailto:']").count(), "no card is asked for by e-mail"
    part = hint.locator("[data-kind=card]")
    assert "通讯录" in part.inner_text()
    rows = part.locator("li")
    assert rows.count() == len(site_data.contacts)
    for i, contact in enumerate(site_data.contacts):
        row = rows.nth(i)
        shown = row.inner_text()
        for person in contact.people:
            assert person in shown
        for number in contact.phones:
            assert phone_display(number) in shown
        for email in contact.emails:
            assert email in shown
    # 中国科协's card: copy puts its people, number and mailbox on the clipboard.
    cast = next(i for i, c in enumerate(site_data.contacts) if c.organization != site_data.document.issuer and c.emails)
    contact = site_data.contacts[cast]
    rows.nth(cast).get_by_role("button", name="复制").click()
    status = rows.nth(cast).locator("[aria-live]")
    page.wait_for_function("e => e.textContent.length > 0", arg=status.element_handle())
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert contact.people[0] in copied and contact.emails[0] in copied and contact.name in copied
    page.close()


def test_copy_button_copies_the_page_address(wechat, server, site_data):
    url = f"{server}{site_data.key}/contacts/"
    page, hint = open_hint(wechat, server, f"{site_data.key}/contacts/")
    button = hint.get_by_role("button", name="复制本页链接")
    assert button.is_visible()
    status = hint.locator(".wechat-hint__actions [aria-live]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == ""
    button.click()
    page.wait_for_function("e => e.textContent.length > 0", arg=status.element_handle())
    assert status.inner_text() == "已复制"
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    page.close()


def test_copy_calendar_address_copies_the_file_url(wechat, server, site_data):
    """On 首页 the calendar row copies the .ics file's address, to subscribe to in the phone's calendar."""
    page, hint = open_hint(wechat, server, f"{site_data.key}/")
    part = hint.locator("[data-kind=calendar]")
    assert "订阅" in part.inner_text()
    part.get_by_role("button", name="复制日历地址").first.click()
    page.wait_for_function("e => e.textContent.length > 0", arg=part.locator("[aria-live]").first.element_handle())
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{server}{site_data.key}/{calendar.path_for(site_data, site_data.primary.key)}"
    page.close()


def test_timeline_lists_each_calendar_once_with_the_subscription_address(wechat, server, site_data):
    page = wechat.new_page()
    page.goto(f"{server}{site_data.key}/timeline/")
    hint = page.locator(".wechat-hint")
    hint.locator("summary").click()
    rows = hint.locator("[data-kind=calendar] li")
    assert rows.count() == len(site_data.audiences)
    for i, audience in enumerate(site_data.audiences):
        assert rows.nth(i).inner_text().startswith(calendar.file_name(site_data, audience.key)[:-4])
    page.close()


def test_copy_falls_back_to_execcommand(wechat, server, site_data):
    """Old WebViews lack navigator.clipboard: the button still copies."""
    page = wechat.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                         "window.__copied = null; document.execCommand = function (cmd) {"
                         "  if (cmd !== 'copy') return false;"
                         "  window.__copied = document.activeElement && document.activeElement.value; return true; };")
    url = f"{server}{site_data.key}/contacts/"
    page.goto(url)
    hint = page.locator(".wechat-hint")
    hint.locator("summary").click()
    hint.get_by_role("button", name="复制本页链接").click()
    page.wait_for_function("() => window.__copied !== null")
    assert page.evaluate("() => window.__copied") == url
    assert hint.locator(".wechat-hint__actions [aria-live]").inner_text() == "已复制"
    page.close()


def test_copy_falls_back_to_a_selected_field(wechat, server, site_data):
    """Neither the Clipboard API nor execCommand: the address shows selected in a field, to copy by hand."""
    page = wechat.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});"
                         "document.execCommand = function () { return false; };")
    url = f"{server}{site_data.key}/form/"
    page.goto(url)
    hint = page.locator(".wechat-hint")
    hint.locator("summary").click()
    actions = hint.locator(".wechat-hint__actions")
    field = actions.locator("input")
    assert not field.is_visible()
    actions.get_by_role("button", name="复制本页链接").click()
    field.wait_for(state="visible")
    assert field.input_value() == url
    assert field.get_attribute("readonly") is not None
    assert page.evaluate("() => document.activeElement.value") == url
    assert page.evaluate("() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]") == \
        [0, len(url)]
    assert "长按" in actions.locator("[aria-live]").inner_text()
    page.close()


def test_android_wechat_gets_the_hint_too(browser, server, site_data):
    context = phone(browser, WECHAT_ANDROID_UA)
    page = context.new_page()
    page.goto(f"{server}{site_data.key}/form/")
    assert page.locator(".wechat-hint").count() == 1
    context.close()


@pytest.mark.parametrize("path", NO_DOWNLOADS)
def test_no_hint_on_pages_without_downloads(wechat, server, site_model, site_data, path):
    page = wechat.new_page()
    page.goto(url_of(server, path, edition_at(site_model, site_data, path)))
    assert page.evaluate(f"() => ({DOWNLOAD_LINKS})().length") == 0
    assert page.locator(".wechat-hint").count() == 0
    page.close()


@pytest.mark.parametrize("ua", [CHROME_UA, PHONE_SAFARI_UA])
@pytest.mark.parametrize("path", PAGES)
def test_no_hint_outside_wechat(browser, server, site_model, site_data, path, ua):
    context = browser.new_context(user_agent=ua)
    page = context.new_page()
    page.goto(url_of(server, path, edition_at(site_model, site_data, path)))
    assert page.evaluate(f"() => ({DOWNLOAD_LINKS})().length") >= 1
    assert page.locator(".wechat-hint").count() == 0
    assert "微信" not in page.inner_text("main")
    context.close()


def _hint_box(context, url: str, block_scripts: bool):
    """The hint's bar and where the page's first download link is, with or without the site's scripts."""
    page = context.new_page()
    if block_scripts:  # the moment before the deferred scripts have run, held still
        page.route("**/assets/**/*.js", lambda route: route.abort())
    page.goto(url, wait_until="load")
    found = page.evaluate(f"""() => {{
        const hint = document.querySelector('.wechat-hint');
        const first = ({DOWNLOAD_LINKS})()[0];
        const shown = hint && hint.getClientRects().length > 0;
        return {{shown, bar: shown ? hint.querySelector('summary').textContent : null,
                 top: shown ? Math.round(hint.getBoundingClientRect().top) : null,
                 first: Math.round(first.getBoundingClientRect().top)}};
    }}""")
    page.close()
    return found


@pytest.mark.parametrize("path", PAGES)
def test_the_bar_is_there_before_any_script_so_nothing_moves(wechat, server, site_model, site_data, path):
    """Added by the script after the first paint, the bar pushed the page 54 px down on a slow phone.
    It is in the built page: with the site's scripts held back, WeChat already shows it where it will
    stay, and the first download link is where it will stay."""
    url = url_of(server, path, edition_at(site_model, site_data, path))
    before = _hint_box(wechat, url, block_scripts=True)
    after = _hint_box(wechat, url, block_scripts=False)
    assert before["shown"] and "微信" in before["bar"], before
    assert (before["top"], before["first"]) == (after["top"], after["first"]), (before, after)


def test_the_bar_stays_hidden_outside_wechat_without_scripts(browser, server, site_data):
    context = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=PHONE_SAFARI_UA)
    assert not _hint_box(context, f"{server}{site_data.key}/form/", block_scripts=True)["shown"]
    context.close()


@pytest.mark.parametrize("path", ["", "{year}/contacts/"])
def test_no_layout_shift_in_wechat_on_a_slow_phone(wechat, server, site_model, site_data, path):
    """The case that showed the jump: a phone six times slower than this machine, on 首页 and 联系方式."""
    page = wechat.new_page()
    wechat.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 6})
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(l => { for (const e of l.getEntries())
        if (!e.hadRecentInput) window.__shift += e.value; }).observe({type: 'layout-shift', buffered: true});""")
    page.goto(url_of(server, path, edition_at(site_model, site_data, path)), wait_until="load")
    page.wait_for_timeout(1000)
    assert page.locator(".wechat-hint[data-ready]").count() == 1
    assert page.evaluate("window.__shift") == 0
    page.close()


# The bar's words and its arrow (the theme's ::after of <summary>, absolutely placed at the right).
BAR_LAYOUT = """() => {
  const bar = document.querySelector('.wechat-hint__bar'), arrow = getComputedStyle(bar, '::after');
  const words = document.createRange();
  words.selectNodeContents(bar);
  const box = bar.getBoundingClientRect();
  return {words: words.getBoundingClientRect().right, lines: words.getClientRects().length,
          arrow: box.right - parseFloat(arrow.right) - parseFloat(arrow.width),
          arrowColour: arrow.backgroundColor, textColour: getComputedStyle(bar).color};
}"""


def test_hint_bar_words_stay_clear_of_its_arrow_in_every_text_size_and_contrast(wechat, server):
    page = wechat.new_page()
    page.goto(server)
    seen = {}
    for contrast in ("normal", "high"):
        for size in ("标准", "大", "特大"):
            page.get_by_role("button", name=size, exact=True).click()
            seen[(size, contrast)] = page.evaluate(BAR_LAYOUT)
        page.get_by_role("button", name="高对比度").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    overlapping = {k: v for k, v in seen.items() if v["words"] > v["arrow"]}
    assert not overlapping, overlapping
    # the arrow is drawn in the bar's own text colour (brown on black in high contrast before)
    assert all(v["arrowColour"] == v["textColour"] for v in seen.values()), seen
    page.close()
