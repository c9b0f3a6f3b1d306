"""The WeChat download hint's bar, written into the built page (issue 11 item 3).

Inside WeChat a page with download links shows one hint, a one-line bar
above its first download link (docs/assets/js/20-wechat.js fills in what it
says when opened). Made by the script after the first paint, the bar pushed
everything below it 54 px down on a slow phone: a layout shift that readers
see as the page jumping as they start to read. So the bar is part of the page
itself, put there at build by :func:`place_hint`:

* ``<details class="wechat-hint" hidden>`` with its ``<summary>``, just above
  the block that holds the page's first download link (the same rule as the
  script always used: the download box, contact card or table around it, else
  the outermost list around it, else its paragraph);
* ``hidden``: nothing shows outside WeChat or without JavaScript. The inline
  script in ``<head>`` (overrides/partials/reader-controls.html) marks
  ``<html data-wechat>`` before the first paint, and a rule in
  assets/css/10-site.css shows the bar from that first paint;
* ``data-pagefind-ignore``: the bar is not a search result.

The pass reads only the HTML, so it is the same for every engine; it is
deterministic and idempotent (a page that has the bar is left alone).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

HINT_ID = "wechat-hint"
BAR_TEXT = "微信里下载不了？点这里看办法"
SHELL = (
    f'<details class="wechat-hint" id="{HINT_ID}" hidden data-pagefind-ignore="all">'
    f'<summary class="wechat-hint__bar" id="{HINT_ID}-bar">{BAR_TEXT}</summary>'
    '<div class="wechat-hint__body"></div></details>\n'
)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_OUTER_CLASSES = {"downloads", "contact-card"}
_LISTS = {"ul", "ol", "dl"}
_BLOCKS = {"p", "li", "dd"}
_DOWNLOAD_HREF = re.compile(r"^webcal:|(^|/)downloads/", re.I)


def is_download(attrs: dict[str, str | None]) -> bool:
    """A link the hint is about: a download attribute, a webcal: address or a file under downloads/."""
    return "download" in attrs or bool(_DOWNLOAD_HREF.search(attrs.get("href") or ""))


class _FirstDownload(HTMLParser):
    """Finds where the block around the first download link inside <article> starts."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.stack: list[tuple[str, set[str], int]] = []  # tag, classes, offset of its "<"
        self.at: int | None = None

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if self.at is not None:
            return
        names = dict(attrs)
        entry = (tag, set((names.get("class") or "").split()), self._pos())
        if tag == "a" and "href" in names and is_download(names) and self._in_article():
            self.at = self._anchor(entry)
            return
        if tag not in _VOID:
            self.stack.append(entry)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed children
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def _in_article(self) -> bool:
        return any(t == "article" for t, _, _ in self.stack)

    def _anchor(self, link: tuple[str, set[str], int]) -> int:
        inside = self.stack[[t for t, _, _ in self.stack].index("article") + 1:]
        for tag, classes, at in reversed(inside):
            if classes & _OUTER_CLASSES or tag == "table":
                return at
        lists = [at for tag, _, at in inside if tag in _LISTS]
        if lists:
            return lists[0]
        blocks = [at for tag, _, at in inside if tag in _BLOCKS]
        return blocks[-1] if blocks else link[2]


def place_hint(html: str) -> str:
    """The page with the hint's bar above its first download link; unchanged when it has none (or has the bar)."""
    if f'id="{HINT_ID}"' in html:
        return html
    finder = _FirstDownload(html)
    finder.feed(html)
    finder.close()
    if finder.at is None:
        return html
    return html[:finder.at] + SHELL + html[finder.at:]


def place_hints(site_dir: Path) -> int:
    """Every page of a built site gets its bar; returns how many pages have one now."""
    count = 0
    for path in sorted(site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        new = place_hint(html)
        if new != html:
            path.write_text(new, encoding="utf-8")
        count += f'id="{HINT_ID}"' in new
    return count
