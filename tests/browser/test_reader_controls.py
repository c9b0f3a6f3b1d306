"""Reader controls (适老化): text size 标准 / 大 / 特大 and high contrast.

On every page the controls are a labelled group of toggle buttons whose
state a screen reader can read (aria-pressed); they work from the keyboard
with a visible focus, change the text size and colours, are kept across
pages and applied before the page is first painted, and still work when
storage is refused. High contrast reaches WCAG AAA (7:1) for all visible
text. At 200 % zoom (a 390-px phone is then 195 CSS px wide) no page
scrolls sideways and nothing is cut off, in every text size.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SIZES = {"standard": "标准", "large": "大", "xlarge": "特大"}
SCALE = {"standard": 1.0, "large": 1.2, "xlarge": 1.4}
CONTRAST_LABEL = "高对比度"
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN"}
# 390 px at 200 % zoom: half the CSS pixels, twice the device pixels.
ZOOMED = {"viewport": {"width": 195, "height": 422}, "device_scale_factor": 2, "locale": "zh-CN"}
BODY_TEXT = "article.md-content__inner"  # the content's base size; text inside scales with it


def built_pages(site_dir: Path) -> list[str]:
    pages = []
    for html in sorted(site_dir.rglob("index.html")):
        rel = html.relative_to(site_dir).parent.as_posix()
        pages.append("" if rel == "." else rel + "/")
    return pages


@pytest.fixture(scope="module")
def pages(built_site) -> list[str]:
    found = built_pages(built_site)
    assert "" in found and len(found) >= 5, found
    return found


@pytest.fixture(scope="module")
def storage_key(built_site) -> str:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'class="reader-controls"[^>]*data-reader-key="([^"]+)"', html)
    assert found, "home page has no reader controls with a storage key"
    return found.group(1)


def saved(storage_key: str, size: str = "standard", contrast: str = "normal") -> str:
    """An init script that puts a saved choice into localStorage before any page runs."""
    value = json.dumps({"size": size, "contrast": contrast})
    return f"localStorage.setItem({json.dumps(storage_key)}, {json.dumps(value)})"


def state(page) -> dict:
    return page.evaluate("""(bodyText) => ({
      size: document.documentElement.getAttribute("data-text-size"),
      contrast: document.documentElement.getAttribute("data-contrast"),
      pressed: [...document.querySelectorAll(".reader-controls button")]
        .filter(b => b.getAttribute("aria-pressed") === "true").map(b => b.textContent.trim()),
      font: parseFloat(getComputedStyle(document.querySelector(bodyText)).fontSize),
    })""", BODY_TEXT)


def tab_to(page, name: str, limit: int = 40):
    """Press Tab until the button called ``name`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"“{name}” cannot be reached with the Tab key")


def test_every_page_has_labelled_toggle_buttons(browser, server, pages):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    for path in pages:
        page.goto(server + path)
        settings = page.get_by_role("group", name="阅读设置")
        assert settings.count() == 1, f"/{path}: no 阅读设置 group"
        size_group = page.get_by_role("group", name="字号")
        assert size_group.count() == 1, f"/{path}: no 字号 group"
        for label in SIZES.values():
            assert size_group.get_by_role("button", name=label, exact=True).count() == 1, f"/{path}: no “{label}” button"
        assert size_group.get_by_role("button", name=SIZES["standard"], exact=True, pressed=True).count() == 1
        for label in ("大", "特大"):
            assert size_group.get_by_role("button", name=label, exact=True, pressed=False).count() == 1
        assert settings.get_by_role("button", name=CONTRAST_LABEL, pressed=False).count() == 1
        # placed at the top of the content, before the page heading
        order = page.evaluate("""() => {
          const c = document.querySelector(".reader-controls"), h = document.querySelector("article h1");
          return h ? !!(c.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING) : null; }""")
        assert order in (True, None), f"/{path}: controls are not above the page heading"
        # tap targets
        for box in page.eval_on_selector_all(".reader-controls button", "els => els.map(e => e.getBoundingClientRect().toJSON())"):
            assert box["width"] >= 44 and box["height"] >= 44, f"/{path}: control {box} smaller than 44×44"
    context.close()


def test_keyboard_sets_size_and_contrast_and_it_is_kept(browser, server, pages):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(server)
    before = state(page)
    assert before["size"] is None and before["contrast"] is None and before["pressed"] == ["标准"]

    tab_to(page, "特大")
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)] }")
    assert outline[0] != "none" and outline[1] >= 2, f"focused control shows no focus ring: {outline}"
    page.keyboard.press("Enter")
    after = state(page)
    assert after["size"] == "xlarge" and after["pressed"] == ["特大"]
    assert after["font"] == pytest.approx(before["font"] * SCALE["xlarge"], rel=0.02)

    tab_to(page, CONTRAST_LABEL)
    page.keyboard.press("Space")
    after = state(page)
    assert after["contrast"] == "high" and set(after["pressed"]) == {"特大", CONTRAST_LABEL}

    # another page opens with the same settings
    other = next(p for p in pages if p)
    page.goto(server + other)
    kept = state(page)
    assert kept["size"] == "xlarge" and kept["contrast"] == "high"
    assert set(kept["pressed"]) == {"特大", CONTRAST_LABEL}

    # and back: 大, then 标准 and contrast off
    page.get_by_role("button", name="大", exact=True).click()
    assert state(page)["size"] == "large"
    assert state(page)["font"] == pytest.approx(before["font"] * SCALE["large"], rel=0.02)
    page.get_by_role("button", name="标准", exact=True).click()
    page.get_by_role("button", name=CONTRAST_LABEL).click()
    page.goto(server)
    reset = state(page)
    assert reset["size"] is None and reset["contrast"] is None and reset["pressed"] == ["标准"]
    context.close()


@pytest.mark.parametrize("size", ["large", "xlarge"])
def test_saved_settings_apply_before_first_paint(browser, server, site_model, storage_key, size):
    """The attributes are on <html> before <body> exists, so nothing is painted in the default look."""
    context = browser.new_context(**PHONE)
    context.add_init_script(saved(storage_key, size, "high"))
    context.add_init_script("""
      new MutationObserver((changes, observer) => {
        if (document.body) {
          window.__atBody = [document.documentElement.getAttribute("data-text-size"),
                             document.documentElement.getAttribute("data-contrast")];
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    """)
    page = context.new_page()
    page.goto(f"{server}{site_model.current.key}/notice/")
    assert page.evaluate("window.__atBody") == [size, "high"]
    assert set(state(page)["pressed"]) == {SIZES[size], CONTRAST_LABEL}
    context.close()


def test_works_when_storage_is_refused(browser, server):
    context = browser.new_context(**PHONE)
    # as in Safari's private mode: reading works, saving throws
    context.add_init_script("Storage.prototype.setItem = () => { throw new DOMException('denied', 'QuotaExceededError') };")
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server)
    page.get_by_role("button", name="大", exact=True).click()
    assert state(page)["size"] == "large" and state(page)["pressed"] == ["大"]
    assert not errors, errors
    context.close()


def test_hidden_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(server)
    assert page.locator(".reader-controls").count() == 1
    assert not page.locator(".reader-controls").is_visible(), "buttons that cannot work are shown without JavaScript"
    context.close()


CONTRAST_AUDIT = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 }; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c.rgb; } return [255, 255, 255]; };
  const low = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement, s = getComputedStyle(el), r = el.getBoundingClientRect();
    if (s.visibility === "hidden" || r.width < 2 || r.height < 2 || el.closest("[hidden], .md-search, .md-sidebar, .md-dialog, [aria-hidden=true]")) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const fg = parse(s.color); if (!fg) continue;
    const bg = background(el);
    const seen = fg.rgb.map((v, i) => v * fg.a * s.opacity + bg[i] * (1 - fg.a * s.opacity));
    const a = lum(seen), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 7) low.push(`${n.textContent.trim().slice(0, 12)} ${s.color} on rgb(${bg}) = ${ratio.toFixed(2)}`);
  }
  return low;
}"""


def test_high_contrast_is_aaa_on_every_page(browser, server, pages, storage_key):
    context = browser.new_context(**PHONE)
    context.add_init_script(saved(storage_key, "standard", "high"))
    page = context.new_page()
    for path in pages:
        page.goto(server + path)
        colours = page.evaluate("() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('.md-header')).backgroundColor]")
        assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)"], f"/{path}: not black: {colours}"
        low = page.evaluate(CONTRAST_AUDIT)
        assert not low, f"/{path}: text below 7:1 in high contrast: {low[:5]}"
    context.close()


CUT_OFF = """() => {
  const problems = [], root = document.documentElement, vw = root.clientWidth;
  if (root.scrollWidth > vw + 1) problems.push(`page scrolls sideways: ${root.scrollWidth}px in ${vw}px`);
  const name = el => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + ` “${(el.textContent || "").trim().slice(0, 16)}”`;
  const drawerOpen = document.getElementById("__drawer").checked;
  const outside = el => { const r = el.getBoundingClientRect(); return r.right > vw + 1 || r.left < -1; };
  for (const el of document.querySelectorAll("body *")) {
    // the closed menu drawer and the table-of-contents panel that slides into it are off screen by design
    if (!drawerOpen && el.closest(".md-sidebar")) continue;
    if (el.closest(".md-sidebar--primary .md-nav--secondary, .md-search, .md-dialog, .md-top, [hidden]")) continue;
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    if (s.display === "none" || s.visibility === "hidden" || r.width <= 1 || r.height <= 1) continue;
    let inVisuallyHidden = false, inScrollingTable = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const as = getComputedStyle(a);
      if (a.getBoundingClientRect().width <= 1 && as.overflow !== "visible") inVisuallyHidden = true;
      if (a.tagName === "TABLE" && as.overflowX === "auto") inScrollingTable = true;
    }
    if (inVisuallyHidden || inScrollingTable) continue;
    const clips = v => v === "hidden" || v === "clip";
    if (clips(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && s.textOverflow !== "ellipsis" && !el.classList.contains("md-sidebar__scrollwrap"))
      problems.push(`cut off at the side: ${name(el)} ${el.scrollWidth}>${el.clientWidth}`);
    if (clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1 && !el.closest(".md-sidebar"))
      problems.push(`cut off at the bottom: ${name(el)} ${el.scrollHeight}>${el.clientHeight}`);
    // only data tables may scroll inside their own box (WCAG 1.4.10 exception)
    if (["auto", "scroll"].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.tagName !== "TABLE"
        && !el.classList.contains("md-sidebar__scrollwrap"))
      problems.push(`scrolls sideways inside: ${name(el)}`);
    if (outside(el) && !(el.parentElement && outside(el.parentElement)))
      problems.push(`outside the screen: ${name(el)} ${Math.round(r.left)}…${Math.round(r.right)}`);
  }
  return problems;
}"""


@pytest.mark.parametrize("size", list(SIZES))
def test_nothing_cut_off_at_200_percent_zoom(browser, server, site_model, pages, storage_key, size):
    context = browser.new_context(**ZOOMED)
    context.add_init_script(saved(storage_key, size))
    page = context.new_page()
    found = {}
    for path in pages:
        page.goto(server + path)
        problems = page.evaluate(CUT_OFF)
        if problems:
            found[f"/{path}"] = problems[:4]
    # the menu drawer fits, and its links are whole
    page.goto(f"{server}{site_model.current.key}/plan/")
    page.evaluate("() => { const t = document.getElementById('__drawer'); t.checked || t.click(); }")
    page.wait_for_timeout(400)
    drawer = page.evaluate("""() => {
      const d = document.querySelector(".md-sidebar--primary").getBoundingClientRect();
      const links = [...document.querySelectorAll(".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link")]
        .map(a => { const r = a.getBoundingClientRect(); return { text: a.textContent.trim(), right: r.right, cut: a.scrollWidth > a.clientWidth + 1 }; });
      return { right: d.right, vw: document.documentElement.clientWidth, links };
    }""")
    if drawer["right"] > drawer["vw"] - 40:
        found["menu"] = [f"drawer {drawer['right']:.0f}px wide in {drawer['vw']}px leaves nothing to tap to close it"]
    bad = [l["text"] for l in drawer["links"] if l["cut"] or l["right"] > drawer["vw"]]
    if bad:
        found["menu links"] = bad
    assert drawer["links"], "no menu links found"
    context.close()
    assert not found, f"text size {SIZES[size]} at 200 % zoom: {found}"


# Each phone number and e-mail address on a contact card: the lines its text takes.
ADDRESS_LINES = """() => [...document.querySelectorAll('.contact-card a[href^="tel:"], .contact-card a[href^="mailto:"]')]
  .filter(a => !a.search).map(a => {
    const r = document.createRange();
    r.selectNodeContents(a);
    return [a.textContent.trim(), new Set([...r.getClientRects()].map(b => Math.round(b.top))).size];
  })"""


@pytest.mark.parametrize("size", list(SIZES))
def test_phone_numbers_and_addresses_stay_whole_on_a_phone(browser, server, site_model, storage_key, size):
    context = browser.new_context(**PHONE)
    context.add_init_script(saved(storage_key, size))
    page = context.new_page()
    page.goto(f"{server}{site_model.current.key}/contacts/")
    lines = page.evaluate(ADDRESS_LINES)
    assert len(lines) >= 4, lines
    broken = [text for text, count in lines if count > 1]
    assert not broken, f"{SIZES[size]}: broken over lines: {broken}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    context.close()
