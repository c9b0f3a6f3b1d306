"""Site search: a Pagefind index of the built site (issue 11 item 5).

Runs after the site engine (MkDocs today) over the finished ``site/``, so it
does not depend on the engine. Pagefind's extended build cuts Chinese text
into words itself and searches a query of one word as that word.

Pagefind reads a *copy* of each page, prepared for indexing; the published
pages are not changed:

- only the page content (the ``<article>``) is indexed, not the header,
  navigation or footer;
- table cells, definition lists and neighbouring links get a separator
  (；), so that a result's excerpt reads "5月8日；活动筹备方案" and not
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
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import BuildError
from .generate import SEARCH_BOOST
from .model import Site

BUNDLE = "pagefind"
EXCLUDE = ["thead", "caption", ".headerlink", ".reader-controls", "script", "noscript", "[data-search-exclude]"]
SKIP_FILES = {"404.html"}

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
# a separator after these closing tags (cells, terms, descriptions, list items) and between two links
_CELL_END = re.compile(r"</(td|th|dd|li)>")
_TERM_END = re.compile(r"</dt>")
_LINK_LINK = re.compile(r"</a>(\s*)<a\b")


def page_rules(site: Site) -> tuple[set[str], dict[str, float]]:
    """(files left out, boost by folder): the current home copy under <year>/; archived and draft editions lowered."""
    skip = {f"{site.current.key}/index.html"}
    boost = {}
    for edition in site.editions:
        value = SEARCH_BOOST.get(site.state_of(edition))
        if value is not None:
            boost[f"{edition.key}/"] = value
    return skip, boost


def prepare(html: str, boost: float | None) -> str | None:
    """The copy Pagefind reads; None if the page has no content article (nothing to index)."""
    if not _ARTICLE.search(html):
        return None
    meta = f' data-pagefind-meta="boost:{boost}"' if boost is not None else ""
    html = _ARTICLE.sub(lambda m: m.group(0) + " data-pagefind-body" + meta, html, count=1)
    html = _CELL_END.sub(lambda m: f"；</{m.group(1)}>", html)
    html = _TERM_END.sub("：</dt>", html)
    return _LINK_LINK.sub(r"</a>；\1<a", html)


def stub_theme_index(site_dir: Path) -> None:
    """The theme's own index keeps only its settings (its search box needs the file; Pagefind finds the pages)."""
    path = Path(site_dir) / "search" / "search_index.json"
    if path.is_file():
        config = json.loads(path.read_text(encoding="utf-8")).get("config", {})
        path.write_text(json.dumps({"config": config, "docs": []}, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def index_site(site_dir: Path, site: Site) -> Path:
    """Write ``site_dir/pagefind/`` (the index and Pagefind's own scripts); returns that folder."""
    site_dir = Path(site_dir)
    skip, boosts = page_rules(site)
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
