"""Shared pieces of the browser quality suite (issue 5): the two windows, the
list of built pages, loading a page while recording what it asks the network
for, and the in-page measurements.

The definitions the tests assert are written out here once:

* "visible text": a text node whose element is rendered (checkVisibility with
  visibility and opacity), whose glyph box is at least 2 × 2 px, lies at least
  partly inside the page horizontally (an off-canvas drawer does not count)
  and is not clipped away by a 1-px box (the screen-reader-only pattern).
* "body text": visible text inside the page content (<article>), apart from
  superscripts and subscripts.
* "standalone target": in the content, every button, form control, summary
  and element with role=button or a tabindex; and every link that has no
  letters or digits of its own (an icon such as the section "#" link) or whose
  block has no sentence text besides links (a link on its own line, or a row
  of links such as a phone number and an e-mail address). These must be at
  least 44 × 44 CSS px.
* "inline link": any other link, i.e. one that sits in a sentence. WCAG 2.5.8
  exempts these from target size; we require them to be underlined (WCAG
  1.4.1, not colour alone) and at least 24 px tall (2.5.8's own minimum).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# WeChat's in-app browser on an iPhone-sized Android phone.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 "
    "MMWEBSDK/20230405 MMWEBID/2585 MicroMessenger/8.0.35.2360(0x28002339) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
WINDOWS = {
    "mobile": dict(
        viewport={"width": 390, "height": 844}, user_agent=WECHAT_UA, device_scale_factor=3,
        is_mobile=True, has_touch=True, locale="zh-CN",
    ),
    "desktop": dict(viewport={"width": 1366, "height": 768}, locale="zh-CN"),
}

MIN_TEXT_PX = 12
MIN_BODY_PX = 16
MIN_TARGET_PX = 44
MIN_INLINE_LINK_PX = 24


def site_pages(site_dir: Path) -> list[str]:
    """Every built page as a URL path relative to the site root ("", "2021/notice/", "about/", …), 404 excluded."""
    pages = []
    for html in sorted(site_dir.rglob("*.html")):
        rel = html.relative_to(site_dir).as_posix()
        if rel == "404.html":
            continue
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


def nav_titles(site, root: Path) -> set[str]:
    """The titles the site's navigation lists at its top level, from the sources (not from the built pages).

    The generator writes the navigation from data/site.yaml's ``pages:`` (the
    current edition's pages, its home as 首页 at the root) followed by the
    site-wide pages of docs/ (历年通知, 关于本站, 无障碍声明 …, by the
    ``title`` of their front matter).
    """
    from sitegen.mdedit import split_front_matter

    titles = {spec.title for spec in site.info.pages}
    for source in sorted((root / "docs").glob("*.md")):
        meta, _ = split_front_matter(source.read_text(encoding="utf-8"))
        titles.add(meta.get("title") or source.stem)
    assert len(titles) >= 5, titles
    return titles


@dataclass
class Visit:
    """What one page did while it was open."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def open_page(context, url: str, *, expect_status: int = 200):
    """Open ``url`` in a new tab, recording errors and every request; returns (page, visit).

    Requests to any host but the page's own are refused (and recorded), so a
    test never waits on the network and a stray request cannot pass unseen.
    """
    visit = Visit(url)
    origin = urlsplit(url).netloc
    page = context.new_page()

    def route(route):
        target = urlsplit(route.request.url)
        if target.scheme in ("http", "https", "ws", "wss") and target.netloc != origin:
            visit.foreign_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", route)
    def console(message):
        # Chromium logs the 404 status of the 404 page itself; that one is expected.
        own_status = expect_status != 200 and message.location.get("url") == url and str(expect_status) in message.text
        if message.type == "error" and not own_status:
            visit.console_errors.append(f"console.{message.type}: {message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on("request", lambda r: visit.requests.append(r.url))
    page.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.url} ({r.failure})")
            if r.url not in visit.foreign_requests else None)

    def response(r):
        main = r.request.is_navigation_request() and r.request.frame == page.main_frame
        wanted = expect_status if main else 200
        if r.status >= 400 and r.status != wanted:
            visit.failed_requests.append(f"{r.url} (HTTP {r.status})")

    page.on("response", response)
    answer = page.goto(url, wait_until="load")
    assert answer is not None and answer.status == expect_status, f"{url}: HTTP {answer and answer.status}"
    page.wait_for_load_state("networkidle")
    return page, visit


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A + AA violations on the page as it is now.

    axe-core goes in as an inline script, which the site's CSP refuses: open
    the page in a context made with ``bypass_csp=True``.
    """
    # Let fades finish (the search dialog fades in): axe measures colours as they are drawn.
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running'"
        " || a.effect.getComputedTiming().endTime === Infinity)"
    )
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def open_search(page, query: str) -> None:
    """Open the site's search the way a reader does and type ``query`` (Chinese via the IME).

    The header's 打开搜索 button opens Material's search box (MkDocs,
    ProperDocs) or the site's own dialog (Zensical); both have the same parts
    (.md-search__input, .md-search-result__…). On a wide screen Material shows
    its search box in the header instead of the button.
    """
    button = page.locator(".md-header").get_by_role("button", name="打开搜索")
    touch = page.evaluate("matchMedia('(pointer: coarse)').matches")
    if button.is_visible():
        button.tap() if touch else button.click()
    else:
        page.locator(".md-search__input").click()
    page.locator(".md-search__input").wait_for(state="visible")
    page.locator(".md-search__input").fill("")
    page.keyboard.press("End")  # the theme reacts on keyup: results of an earlier query go away
    page.wait_for_function("() => !/\\d/.test(document.querySelector('.md-search-result__meta').textContent)")
    # An IME commits the word at once (insertText), then releases a key; the
    # theme searches on keyup. Typed a character at a time, the answer to 田
    # alone (没有找到…) could pass for the answer to 田鹏 on a busy machine.
    page.keyboard.insert_text(query)
    page.keyboard.press("End")
    page.wait_for_function(
        "q => { const m = document.querySelector('.md-search-result__meta');"
        " return document.querySelector('.md-search__input').value === q && m && /\\d|没有/.test(m.textContent); }",
        arg=query,
    )
    # The answer to the whole query may come after one to an earlier keystroke: wait until the list stays the same.
    page.wait_for_function(
        """() => new Promise(done => {
            const list = () => document.querySelector('.md-search-result').innerHTML;
            let last = list(), quiet = 0;
            const tick = setInterval(() => {
              const now = list();
              quiet = now === last ? quiet + 1 : 0;
              last = now;
              if (quiet >= 4) { clearInterval(tick); done(true); }
            }, 50);
        })"""
    )
    # The status line counts the results before the theme draws them (in the next frames, as the list
    # scrolls into view): a count above 0 waits for the first drawn result.
    page.wait_for_function(
        """() => { const m = document.querySelector('.md-search-result__meta').textContent.match(/\\d+/);
          return !m || m[0] === '0' || document.querySelector('.md-search-result__item') !== null; }"""
    )


def search_results(page) -> list[dict]:
    """The result list as shown: one entry per page, with its link and the titles under it."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__list > .md-search-result__item')].map(item => {
            const links = [...item.querySelectorAll('a.md-search-result__link')];
            return {
              href: links.length ? new URL(links[0].href).pathname : '',
              titles: links.map(a => (a.querySelector('h1, h2, h3') || a).innerText.trim()),
            };
        })"""
    )


MEASURE_JS = r"""
() => {
  const vw = document.documentElement.clientWidth;
  const article = document.querySelector('article');
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const parent = el.parentElement;
    return (parent && parent !== document.body ? describe_short(parent) + ' > ' : '') + s;
  };
  const describe_short = el => el.tagName.toLowerCase() + (el.classList.length ? '.' + el.classList[0] : '');
  const clipped = el => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const cs = getComputedStyle(a);
      const r = a.getBoundingClientRect();
      const clips = cs.overflow !== 'visible' || cs.clip !== 'auto' || cs.clipPath !== 'none';
      if (clips && (r.width < 2 || r.height < 2)) return true;
    }
    return false;
  };
  const out = {
    scrollWidth: document.documentElement.scrollWidth, clientWidth: vw, wide: [],
    smallText: [], smallBody: [], targets: [],
  };
  if (out.scrollWidth > vw) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > vw + 1 && r.left < vw && el.checkVisibility({visibilityProperty: true}))
        out.wide.push(describe(el) + ' (right edge ' + Math.round(r.right) + ' px)');
    }
    out.wide = out.wide.slice(-8);
  }
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.data.replace(/\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || !el || seen.has(el) || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(el.tagName)) continue;
    seen.add(el);
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const r = range.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= 0 || r.left >= vw || clipped(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const label = `${describe(el)} “${text.slice(0, 24)}” ${size.toFixed(1)} px`;
    if (size < %(min_text)s) out.smallText.push(label);
    if (article && article.contains(el) && size < %(min_body)s && !el.closest('sup, sub')) out.smallBody.push(label);
  }
  if (article) {
    const blockOf = el => {
      let b = el.parentElement;
      while (b && b !== article && /^(inline|contents)/.test(getComputedStyle(b).display)) b = b.parentElement;
      return b || article;
    };
    const sentenceText = block => {
      let s = '';
      const w = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      while (w.nextNode()) {
        const p = w.currentNode.parentElement;
        if (p && p.closest('a, button, input, select, textarea, label, summary, script, style')) continue;
        s += w.currentNode.data;
      }
      return s.replace(/[\s\p{P}\p{S}]/gu, '');
    };
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
    for (const el of article.querySelectorAll(selector)) {
      if (!el.checkVisibility({visibilityProperty: true})) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const own = el.textContent.replace(/\s+/g, '');
      const iconOnly = !/[\p{L}\p{N}]/u.test(own);
      const inline = el.tagName === 'A' && !iconOnly && sentenceText(blockOf(el)).length > 0;
      out.targets.push({
        what: `${describe(el)} “${own.slice(0, 24)}”`, inline,
        width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10,
        underlined: getComputedStyle(el).textDecorationLine.includes('underline'),
      });
    }
  }
  return out;
}
""" % {"min_text": MIN_TEXT_PX, "min_body": MIN_BODY_PX}


def measure(page) -> dict:
    return page.evaluate(MEASURE_JS)


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)
