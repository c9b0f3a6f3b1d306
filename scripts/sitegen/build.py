"""Build the whole site atomically: ``site/`` is replaced only by a complete build.

validate → generate Markdown and downloads into a temporary folder → the
engine (MkDocs by default; ProperDocs or Zensical with ENGINE=…, see
engines.py) → the same post-build steps for every engine → check the result
→ swap it into ``site/``. Any failure leaves the previous ``site/`` exactly
as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from .generate import ROOT, generate, source_epoch, write_stamp
from .load import load_site
from .model import TIMEZONE
from .postbuild import apply_csp
from .search import index_site
from .errors import BuildError, DataError  # noqa: F401 - BuildError re-exported

# Set before MkDocs and the theme are imported (see build_environment()).
QUIET_THEME = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


@contextlib.contextmanager
def build_environment(root: Path, drafts: bool = False):
    """Silence the theme's end-of-life banner; date the build from git, not the clock.

    SOURCE_DATE_EPOCH (honoured by MkDocs for the sitemap's lastmod and the
    gzip header, and by ``generate`` for "last updated") is taken from the
    environment, else from the last git commit, else from the notice's date,
    so a copy of the sources outside git still builds the same bytes every
    day. The variable is restored afterwards, so one build cannot date the next.
    """
    os.environ.update(QUIET_THEME)
    saved_drafts = os.environ.get("SITEGEN_DRAFTS")
    os.environ["SITEGEN_DRAFTS"] = "1" if drafts else "0"  # the MkDocs hook builds the same editions
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    if not (saved or "").isdigit():
        epoch = source_epoch(root)
        if epoch is not None:
            # Noon in Beijing of the commit's Beijing date: MkDocs dates the
            # sitemap in UTC, the pages say 最近更新 in Beijing time; at noon
            # both name the same day.
            day = dt.datetime.fromtimestamp(epoch, TIMEZONE).date()
            epoch = beijing_noon(day)
        else:
            epoch = notice_epoch(root)
        if epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
        if saved_drafts is None:
            os.environ.pop("SITEGEN_DRAFTS", None)
        else:
            os.environ["SITEGEN_DRAFTS"] = saved_drafts


def notice_epoch(root: Path) -> int | None:
    """Noon (Beijing time) of the notice's date, for sources outside git: the same day in UTC and in Beijing."""
    try:
        site = load_site(root)
    except DataError:
        return None  # build_site reports the errors itself
    return beijing_noon(site.current.document.date)


def beijing_noon(day: dt.date) -> int:
    """12:00 Beijing time (04:00 UTC) of ``day``: the same date in both time zones."""
    return int(dt.datetime.combine(day, dt.time(12), TIMEZONE).timestamp())


def build_site(root: Path = ROOT, site_dir: Path | None = None, drafts: bool | None = None,
               engine: str | None = None) -> Path:
    """Build ``site/``. ``drafts`` (default: SITEGEN_DRAFTS=1) includes draft editions, for previews only.

    ``engine`` (default: MkDocs) is one of engines.ENGINES.
    """
    from . import engines
    from .generate import drafts_wanted

    engine = engines.chosen(engine)
    root = Path(root).resolve()
    site_dir = Path(site_dir or root / "site").resolve()
    drafts = drafts_wanted() if drafts is None else drafts
    with build_environment(root, drafts):
        load_site(root, drafts=drafts)  # fail before any work, with every data error
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".site-build-", dir=site_dir.parent))
        try:
            docs_dir, new_site = work / "docs", work / "site"
            generated = generate(docs_dir, root, drafts=drafts)
            if engine == "mkdocs":
                run_mkdocs(root, docs_dir, new_site, drafts)
            else:
                write_stamp(docs_dir, root, drafts)  # ProperDocs' hook finds the pages made
                engines.run_engine(engine, root, docs_dir, new_site)
            # The engine has built; from here on every step is the same for every engine.
            post_build(new_site, engine, root, drafts)
            check_output(new_site, [d for per in generated.downloads.values() for d in per.values()], engine)
            swap(new_site, site_dir)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return site_dir


def post_build(site_dir: Path, engine: str, root: Path = ROOT, drafts: bool = False) -> None:
    """Steps on the built folder, the same for every engine (the one call site after any engine)."""
    from .engines import WITH_HOOKS, finish_site
    from .perf import optimize_site
    from .postbuild import mend_site
    from .wechathint import place_hints

    finish_site(site_dir, engine)
    if engine not in WITH_HOOKS:  # MkDocs and ProperDocs mended each page in the hook (scripts/hooks.py)
        mend_site(site_dir)  # the theme's invalid attributes
    index_site(site_dir, load_site(root, drafts=drafts), root)  # search (Pagefind), the same on every engine
    place_hints(site_dir)  # the WeChat hint's bar, there from the first paint (sitegen.wechathint)
    optimize_site(site_dir)  # speed (sitegen.perf): purged theme CSS, deferred scripts
    # The CSP hashes each page's inline scripts as they are: keep it last.
    apply_csp(site_dir)


def run_mkdocs(root: Path, docs_dir: Path, site_dir: Path, drafts: bool = False) -> None:
    import jinja2
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    # The hook regenerates only when inputs changed; mark this folder as fresh.
    write_stamp(docs_dir, root, drafts)
    os.environ["SITEGEN_SEARCH_INDEX"] = "later"  # the hook leaves the search index to build_site
    try:
        config = load_config(
            str(root / "mkdocs.yml"), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True
        )
        build(config)
    except MkDocsException as exc:
        raise BuildError(f"MkDocs 构建失败：{exc}") from exc
    except SystemExit as exc:  # mkdocs aborts strict builds this way
        raise BuildError(f"MkDocs 构建失败（exit {exc.code}）") from exc
    except jinja2.TemplateError as exc:  # a theme override (overrides/*.html) is broken
        where = f"{exc.filename}:{exc.lineno}" if isinstance(exc, jinja2.TemplateSyntaxError) else "overrides/"
        raise BuildError(f"主题模板出错（{where}）：{exc}") from exc
    finally:
        os.environ.pop("SITEGEN_SEARCH_INDEX", None)


def check_output(site_dir: Path, downloads=(), engine: str = "mkdocs") -> None:
    """The minimum a publishable site has; anything missing aborts the swap.

    Every download the pages link to must be in the site with the very bytes
    whose size and checksum the pages state.
    """
    import hashlib

    missing = [p for p in ("index.html", "404.html", "sitemap.xml", "pagefind/pagefind.js") if not (site_dir / p).is_file()]
    for item in downloads:
        path = site_dir / item.path
        if not path.is_file():
            missing.append(item.path)
        elif hashlib.sha256(path.read_bytes()).hexdigest() != item.sha256:
            raise BuildError(f"下载文件 {item.path} 与页面上标注的大小和校验值不一致")
    if missing:
        raise BuildError(f"构建结果不完整，缺少：{', '.join(missing)}")


def swap(new_site: Path, site_dir: Path) -> None:
    """Replace site_dir with new_site using renames on the same file system."""
    old = site_dir.with_name(site_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    try:
        new_site.rename(site_dir)
    except OSError:
        if old.exists() and not site_dir.exists():
            old.rename(site_dir)  # put the previous site back
        raise
    if old.exists():
        shutil.rmtree(old)
