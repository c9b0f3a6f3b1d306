"""Write the complete Markdown source of the site into one folder.

This is the engine-independent step: it reads ``data/`` and ``docs/`` and
writes plain Markdown pages, assets and downloads. MkDocs (through
``scripts/hooks.py``) or any successor engine then only has to turn that
folder into HTML.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .load import load_data
from .model import TIMEZONE, SiteData
from .outputs import Download, produce_all
from .pages import render_pages
from .textfmt import due_text

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Generated:
    site: SiteData
    downloads: dict[str, Download]
    updated: dt.date
    files: list[str]


def updated_date(root: Path, site: SiteData) -> dt.date:
    """The site's "last updated" date: SOURCE_DATE_EPOCH, else the last git commit, else the notice date.

    Never the clock, so that the same commit always builds the same bytes.
    """
    epoch = source_epoch(root)
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).astimezone(TIMEZONE).date()
    return site.document.date


def source_epoch(root: Path) -> int | None:
    """SOURCE_DATE_EPOCH if set, else the time of the last git commit, else None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return int(epoch)
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return int(out) if out.isdigit() else None


def timeline_data(site: SiteData) -> dict:
    """The dates the browser needs for the live status (embedded as JSON)."""
    return {
        "timezone": "Asia/Shanghai",
        "campaign": {"start": site.document.campaign.start.isoformat(), "end": site.document.campaign.end.isoformat()},
        "stages": [
            {"key": s.key, "name": s.name, "start": s.start.isoformat(), "end": s.end.isoformat()} for s in site.stages
        ],
        "deadlines": [
            {"key": d.key, "audience": d.audience, "what": d.what, "due": d.due.isoformat(), "due_text": due_text(d)}
            for d in site.deadlines
        ],
    }


def generate(out_dir: Path, root: Path = ROOT) -> Generated:
    """Check the data, then write pages, assets and downloads into ``out_dir``.

    Files are written only when their bytes change, and files no longer
    produced are removed, so a live-reloading server settles after one pass.
    Nothing is written when the data has errors (DataError is raised first).
    """
    root = Path(root)
    out_dir = Path(out_dir)
    site = load_data(root / "data", root)
    updated = updated_date(root, site)
    docs_dir = root / "docs"

    with tempfile.TemporaryDirectory(prefix="sitegen-") as tmp:
        staging = Path(tmp)
        downloads = produce_all(site, staging, updated)
        context = {
            "downloads": downloads,
            "updated": updated,
            "timeline": timeline_data(site),
        }
        pages = render_pages(site, docs_dir, context)
        for rel, text in pages.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        copy_assets(docs_dir, staging)
        files = sync_tree(staging, out_dir)
    return Generated(site=site, downloads=downloads, updated=updated, files=files)


# Each folder's files are joined, in file-name order, into one file, so a page
# loads one stylesheet and one script of ours however many sources they have.
BUNDLES = {"assets/css": "assets/site.css", "assets/js": "assets/site.js"}


def copy_assets(docs_dir: Path, staging: Path) -> None:
    """Copy every non-Markdown file of docs/ and join the bundled folders."""
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir)
        if not path.is_file() or path.suffix == ".md" or rel.parent.as_posix() in BUNDLES:
            continue
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    for folder, bundle in BUNDLES.items():
        parts = [
            f"/* ---- {part.name} ---- */\n" + part.read_text(encoding="utf-8").rstrip() + "\n"
            for part in sorted((docs_dir / folder).glob("*"))
            if part.is_file()
        ]
        if parts:
            target = staging / bundle
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(parts), encoding="utf-8")


def sync_tree(source: Path, target: Path) -> list[str]:
    """Make ``target`` hold exactly the files of ``source``, touching only what differs."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for rel in sorted(wanted):
        src, dst = source / rel, target / rel
        data = src.read_bytes()
        if dst.is_file() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
    return sorted(wanted)


STAMP = ".sitegen-stamp"


def fingerprint(root: Path) -> str:
    """A digest of every input of ``generate``; equal digests give equal output."""
    import hashlib

    digest = hashlib.sha256()
    sources = [root / "data", root / "docs", Path(__file__).parent]
    for folder in sources:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(str(source_epoch(root)).encode())
    return digest.hexdigest()


def ensure_generated(out_dir: Path, root: Path = ROOT) -> bool:
    """Generate unless ``out_dir`` already holds the output of these inputs. True if it generated."""
    stamp = Path(out_dir) / STAMP
    current = fingerprint(Path(root))
    if stamp.is_file() and stamp.read_text() == current:
        return False
    generate(out_dir, root)
    stamp.write_text(current)
    return True
