"""Build the whole site atomically: ``site/`` is replaced only by a complete build.

validate → generate Markdown and downloads into a temporary folder → MkDocs
→ check the result → swap it into ``site/``. Any failure leaves the previous
``site/`` exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .generate import ROOT, generate, source_epoch
from .load import load_data

# Set before MkDocs and the theme are imported (see build_environment()).
QUIET_THEME = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


class BuildError(Exception):
    pass


def build_environment(root: Path) -> None:
    """Silence the theme's end-of-life banner; date the build from git, not the clock."""
    os.environ.update(QUIET_THEME)
    if "SOURCE_DATE_EPOCH" not in os.environ:
        epoch = source_epoch(root)
        if epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = str(epoch)


def build_site(root: Path = ROOT, site_dir: Path | None = None) -> Path:
    root = Path(root).resolve()
    site_dir = Path(site_dir or root / "site").resolve()
    build_environment(root)
    load_data(root / "data", root)  # fail before any work, with every data error
    work = Path(tempfile.mkdtemp(prefix=".site-build-", dir=site_dir.parent))
    try:
        docs_dir, new_site = work / "docs", work / "site"
        generate(docs_dir, root)
        run_mkdocs(root, docs_dir, new_site)
        check_output(new_site)
        swap(new_site, site_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return site_dir


def run_mkdocs(root: Path, docs_dir: Path, site_dir: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .generate import STAMP, fingerprint

    # The hook regenerates only when inputs changed; mark this folder as fresh.
    (docs_dir / STAMP).write_text(fingerprint(root))
    try:
        config = load_config(
            str(root / "mkdocs.yml"), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True
        )
        build(config)
    except MkDocsException as exc:
        raise BuildError(f"MkDocs 构建失败：{exc}") from exc
    except SystemExit as exc:  # mkdocs aborts strict builds this way
        raise BuildError(f"MkDocs 构建失败（exit {exc.code}）") from exc


def check_output(site_dir: Path) -> None:
    """The minimum a publishable site has; anything missing aborts the swap."""
    missing = [p for p in ("index.html", "404.html", "sitemap.xml", "search/search_index.json") if not (site_dir / p).is_file()]
    if missing:
        raise BuildError(f"构建结果不完整，缺少：{', '.join(missing)}")


def swap(new_site: Path, site_dir: Path) -> None:
    """Replace site_dir with new_site using renames on the same file system."""
    old = site_dir.with_name(site_dir.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if site_dir.exists():
        site_dir.rename(old)
    new_site.rename(site_dir)
    if old.exists():
        shutil.rmtree(old)
