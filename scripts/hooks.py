"""MkDocs hook: a thin adapter that asks ``sitegen`` for the pages.

All the work (reading data, rendering pages and downloads) is plain Python in
``scripts/sitegen`` and runs without MkDocs. This file only:
- calls it before each build, so ``mkdocs serve`` picks up edits under
  ``data/`` and ``docs/`` (only the edition that changed is made again);
- takes the navigation and the site name from it (``data/site.yaml``, and
  one entry per edition), so ``mkdocs.yml`` names no year;
- hands the search plugin the jieba word list written from data;
- removes the invalid attributes the theme writes outside any template block
  (sitegen/postbuild.py, mend_theme_markup);
- gives each page its Content-Security-Policy (sitegen/postbuild.py) once:
  ``python -m sitegen build`` does it on the finished site for every engine
  (build.post_build), a plain ``mkdocs build`` here in on_post_build, and
  ``mkdocs serve`` / ``properdocs serve`` page by page as each is rendered,
  and again after the live-reload script is added.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import logging

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitegen.errors import BuildError, DataError  # noqa: E402
from sitegen.engines import not_found_links  # noqa: E402
from sitegen.generate import NAV_FILE, ensure_generated  # noqa: E402
from sitegen.load import load_site  # noqa: E402
from sitegen.search import index_site  # noqa: E402
from sitegen.searchdict import FILE_NAME as SEARCH_DICT, write_user_dict  # noqa: E402
from sitegen.postbuild import apply_csp, mend_theme_markup, secure_page  # noqa: E402
from sitegen.wechathint import place_hint, place_hints  # noqa: E402

log = logging.getLogger("mkdocs.hooks.sitegen")


def on_pre_build(config, **kwargs):
    root = Path(config.config_file_path).resolve().parent
    try:
        ensure_generated(Path(config.docs_dir), root)
    except DataError as exc:
        raise PluginError("数据或页面有错误（data errors）：\n" + str(exc)) from None
    except BuildError as exc:  # e.g. no CJK font for the PDF, or the form no longer fits its pages
        raise PluginError(f"生成下载文件失败：{exc}") from None


@event_priority(100)  # before the search plugin's on_config, which loads the dictionary
def on_config(config, **kwargs):
    """Navigation and site name from the generated pages; the jieba word list for search (names stay whole)."""
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config.docs_dir)
    try:
        ensure_generated(docs_dir, root)
    except (DataError, BuildError):
        pass  # on_pre_build reports them with file and line
    nav_file = docs_dir / NAV_FILE
    if nav_file.is_file():
        config.nav = json.loads(nav_file.read_text(encoding="utf-8"))
        # The 404 page's links (overrides/404.html); engines without hooks get them from engines.engine_config.
        config.extra["not_found"] = not_found_links(config.nav, config.site_url)
    try:
        site = load_site(root)
    except DataError:
        return config  # on_pre_build reports the data errors with file and line
    info = site.info
    config.site_name, config.site_description, config.site_author = info.name, info.description, info.office.name
    search = next((p for p in config.plugins.values() if "jieba_dict_user" in getattr(p, "config", {})), None)
    if search is None:
        return config
    path = write_user_dict(site, docs_dir.resolve().parent / SEARCH_DICT)
    search.config.jieba_dict_user = str(path)
    return config


# The command MkDocs/ProperDocs runs ("build", "serve", "gh-deploy"), from on_startup; None when
# build.py calls MkDocs itself. Only `serve` secures page by page: it runs no post-build pass.
_command: str | None = None


def on_startup(command, dirty=False, **kwargs):
    global _command
    _command = command


def _serving() -> bool:
    return _command == "serve"


def _secure(output: str, name: str) -> str:
    if not _serving():
        return output  # the build secures the finished site once (build.post_build or on_post_build)
    try:
        # Search is Pagefind (WebAssembly) on every build, so serve and plain `mkdocs build` allow it too.
        return secure_page(place_hint(output), features=("pagefind",), name=name)
    except BuildError as exc:  # an onclick=… or javascript: link in a page
        raise PluginError(str(exc)) from None


def on_post_build(config, **kwargs):
    """`mkdocs build` / `mkdocs serve` run on their own: index the site for search, then (build) the CSP.

    build_site (and engines.run_engine for ProperDocs) set SITEGEN_SEARCH_INDEX=later:
    their post_build does both on the finished site, once.
    """
    if os.environ.get("SITEGEN_SEARCH_INDEX") == "later":
        return
    root = Path(config.config_file_path).resolve().parent
    site_dir = Path(config.site_dir)
    try:
        index_site(site_dir, load_site(root), root)
    except (DataError, BuildError) as exc:
        raise PluginError(f"搜索索引没有生成：{exc}") from None
    if not _serving():  # serve placed the WeChat bar and secured each page in on_post_page / on_post_template
        place_hints(site_dir)
        try:
            apply_csp(site_dir)
        except BuildError as exc:
            raise PluginError(str(exc)) from None


def on_post_page(output, page=None, **kwargs):
    output = mend_theme_markup(output)
    name = f"docs/{page.file.src_uri}" if page is not None else ""
    return _secure(output, name)


def on_post_template(output, template_name="", **kwargs):  # 404.html (and sitemap.xml, left alone)
    if not template_name.endswith(".html"):
        return output
    return _secure(mend_theme_markup(output), template_name)


def on_serve(server, **kwargs):
    """``mkdocs serve`` adds an inline live-reload script to each page as it sends it (a new one
    every request): hash the page again after that, or the CSP refuses live reload."""
    inject = getattr(server, "_inject_js_into_html", None)
    if inject is None:  # a server without MkDocs 1.6's live reload: nothing to hash
        log.info("sitegen: live-reload injection not found; the preview's CSP may block live reload")
        return server

    def inject_then_secure(content: bytes, epoch) -> bytes:
        html = inject(content, epoch)
        try:
            return secure_page(html.decode("utf-8"), features=("pagefind",)).encode("utf-8")
        except (UnicodeDecodeError, BuildError):
            return html

    server._inject_js_into_html = inject_then_secure
    return server
