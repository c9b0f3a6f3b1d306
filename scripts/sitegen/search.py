"""Site search: a Pagefind index of the built site (issue 11 item 5).

Runs after the site engine (MkDocs today) over the finished ``site/``, so it
does not depend on the engine. Pagefind's extended build cuts Chinese text
into words itself and searches a query of one word as that word.

Pagefind reads a *copy* of each page, prepared for indexing; the published
pages are not changed:

- only the page content (the ``<article>``) is indexed, not the header,
  navigation or footer;
- table cells, definition lists and neighbouring links get a separator
  (；), a table caption a colon, so that a result's excerpt reads "5月8日；活动筹备方案" and not
  "5月8日活动筹备方案" run together; table headers, the reader controls and
  the section links ("#") are left out;
- the current edition's home under ``<year>/`` is left out (the site root
  shows the same page), and an archived or draft edition's pages carry a
  lower ``boost`` that the search box multiplies into the score
  (``generate.SEARCH_BOOST``), so the current edition ranks first.

The bundle is written to ``site/pagefind/``. The search box of the theme
talks to it through ``docs/assets/search.js`` (see overrides/partials/lazy-search.html).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import BuildError
from .generate import ROOT, SEARCH_BOOST
from .model import Site

BUNDLE = "pagefind"
# Left out of the index: the web form's fields, checksums, table headers, captions, the
# "write an e-mail" buttons of a contact card and their note (the same words on every card).
# A page leaves out a part of its own with Pagefind's data-pagefind-ignore="all" (with a value:
# md_in_html and Zensical drop a bare attribute, and Zensical strips data-search-exclude, its own
# search's marker).
EXCLUDE = [".form-fill__form", ".downloads__sha", ".contact-card__action[href*='subject=']", ".contact-card .note", "thead", ".headerlink", ".reader-controls", "script", "noscript"]
SKIP_FILES = {"404.html"}
DESCRIPTION_WEIGHT = 3
KEY_WEIGHT = 3

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
_H1_END = re.compile(r"</h1>")
# inline data (the live status's JSON) and scripts are no text of the page
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')
# the web form is shown by JavaScript (hidden until then); its heading and intro are indexed, its fields are not
_HIDDEN_FORM = re.compile(r'(<section class="form-fill"[^>]*?) hidden>')
# A contact card's people answer a search for their names before any other page that repeats them;
_WEIGHTED = [(re.compile(r"<dt>联系人</dt><dd"), "<dt>联系人</dt><dd data-pagefind-weight=\"{w}\"")]
# a separator after these closing tags (cells, terms, descriptions, list items) and between two links
_CELL_END = re.compile(r"</(td|th|dd|li)>")
# ... but none in a cell left empty (a form's blank column): "主办单位；；注" read as a stutter,
_EMPTY_CELL_END = re.compile(r"(<(?:td|th|dd|li)\b[^>]*>)(\s*)；</")
# nor after text that already ends a sentence or a nested cell ("□ 表彰发布；；", "6月30日）。；")
_AFTER_MARK = re.compile(r"([。！？；：，、])((?:[\s\u200b]*<[^>]+>)*[\s\u200b]*)；")
_TERM_END = re.compile(r"</dt>")
# a table's caption leads its rows: "本会会员单位的截止时间：5月8日 …"
_CAPTION_END = re.compile(r"</caption>")
_LINK_LINK = re.compile(r"</a>(\s*)<a\b")


def page_rules(site: Site, root: Path | None = None) -> tuple[set[str], dict[str, float]]:
    """(files left out, boost by folder): the current home copy under <year>/; archived and draft editions
    lowered; a site-wide page's own `search: boost:` (front matter in docs/NAME.md, as for the theme's search)."""
    from . import mdedit

    skip = {f"{site.current.key}/index.html"}
    boost = {}
    for source in sorted(Path(root or ROOT, "docs").glob("*.md")):
        meta, _ = mdedit.split_front_matter(source.read_text(encoding="utf-8"))
        value = (meta.get("search") or {}).get("boost") if isinstance(meta.get("search"), dict) else None
        if value is not None:
            boost[f"{source.stem}/"] = float(value)
    for edition in site.editions:
        value = SEARCH_BOOST.get(site.state_of(edition))
        if value is not None:
            boost[f"{edition.key}/"] = value
    return skip, boost


_TEXT = re.compile(r">([^<>]*[\u4e00-\u9fff][^<>]*)<")
WORD_BREAK = "\u200b"  # zero width: excerpts read as before


def _segment(html: str) -> str:
    """Cut Chinese text into words with jieba and the site's word list (names, modules: sitegen.searchdict).

    Pagefind's own segmenter cuts the same word differently in different
    sentences (报送 was one word on one page of nine, so 如何报送 found
    nothing); with a zero-width break between jieba's words it indexes each
    word whole, as a query of that word is cut. Measured on the query table:
    25 → 28 of 30 first (a space instead: 27, and excerpts full of spaces).
    """
    import jieba

    return _TEXT.sub(lambda m: ">" + WORD_BREAK.join(w for w in jieba.cut(m.group(1)) if w) + "<", html)


def prepare(html: str, boost: float | None) -> str | None:
    """The copy Pagefind reads; None if the page has no content article (nothing to index)."""
    if not _ARTICLE.search(html):
        return None
    meta = f' data-pagefind-meta="boost:{boost}"' if boost is not None else ""
    html = _ARTICLE.sub(lambda m: m.group(0) + " data-pagefind-body" + meta, html, count=1)
    # The page's description (front matter `description`, the theme's <meta>) says what the page is for:
    # indexed under the title, weighted like a heading, never shown as an excerpt's only text.
    description = _DESCRIPTION.search(html)
    if description:
        summary = f'<p data-pagefind-weight="{DESCRIPTION_WEIGHT}">{description.group(1)}</p>'
        html = _H1_END.sub(lambda m: m.group(0) + summary, html, count=1)
    html = _SCRIPT.sub("", html)
    html = _HIDDEN_FORM.sub(r"\1>", html)
    for pattern, replacement in _WEIGHTED:
        html = pattern.sub(replacement.replace("{w}", str(KEY_WEIGHT)), html)
    html = _segment(html)
    html = _CELL_END.sub(lambda m: f"；</{m.group(1)}>", html)
    html = _EMPTY_CELL_END.sub(r"\1\2</", html)
    html = _AFTER_MARK.sub(r"\1\2", html)
    html = _TERM_END.sub("：</dt>", html)
    html = _CAPTION_END.sub("：</caption>", html)
    return _LINK_LINK.sub(r"</a>；\1<a", html)


def stub_theme_index(site_dir: Path) -> None:
    """The theme's own index keeps only its settings (its search box needs the file; Pagefind finds the pages)."""
    path = Path(site_dir) / "search" / "search_index.json"
    if path.is_file():
        config = json.loads(path.read_text(encoding="utf-8")).get("config", {})
        path.write_text(json.dumps({"config": config, "docs": []}, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def index_site(site_dir: Path, site: Site, root: Path | None = None) -> Path:
    """Write ``site_dir/pagefind/`` (the index and Pagefind's own scripts); returns that folder."""
    import jieba

    from .searchdict import user_words

    site_dir = Path(site_dir)
    for word in user_words(site):  # names and module names stay whole (江海洋, not 江 / 海洋)
        jieba.add_word(word)
    skip, boosts = page_rules(site, root)
    out = site_dir / BUNDLE
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix=".search-") as tmp:
        copy = Path(tmp) / "site"
        for html in sorted(site_dir.rglob("*.html")):
            rel = html.relative_to(site_dir).as_posix()
            if rel in SKIP_FILES or rel in skip or rel.startswith(BUNDLE + "/"):
                continue
            boost = next((v for k, v in boosts.items() if rel.startswith(k)), None)
            text = prepare(html.read_text(encoding="utf-8"), boost)
            if text is not None:
                target = copy / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "pagefind", "--site", str(copy), "--output-path", str(out),
                   "--force-language", "zh", "--quiet"]
        for selector in EXCLUDE:
            command += ["--exclude-selectors", selector]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"搜索索引（Pagefind）没有生成：{exc}") from exc
        if result.returncode != 0 or not (out / "pagefind.js").is_file():
            raise BuildError(
                "搜索索引（Pagefind）没有生成。请先安装依赖（make venv，requirements.txt 中的 pagefind）。\n"
                + (result.stderr or result.stdout).strip()[-2000:]
            )
    # Only what the search box loads: the index, the fragments, the search
    # script, its worker and the WebAssembly. Pagefind's own UI bundles are
    # not used (the theme's search box shows the results).
    stub_theme_index(site_dir)
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                 "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"):
        (out / name).unlink(missing_ok=True)
    return out


def read_index(site_dir: Path, word_breaks: bool = False) -> list[dict]:
    """What Pagefind stored for each page (url, content, meta, word_count), read back from its fragment files.

    For tests and for checking a build by hand; the search box never needs it.
    The content is the indexed text, without the zero-width word breaks unless ``word_breaks``.
    """
    import gzip

    pages = []
    for path in sorted((Path(site_dir) / BUNDLE / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        page = json.loads(raw[raw.index(b"{"):])
        if not word_breaks:
            page["content"] = page.get("content", "").replace(WORD_BREAK, "")
        pages.append(page)
    return sorted(pages, key=lambda p: p["url"])
