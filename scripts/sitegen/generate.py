"""Write the complete Markdown source of the site into one folder.

This is the engine-independent step: it reads ``data/`` and ``docs/`` and
writes plain Markdown pages, assets and downloads. MkDocs (through
``scripts/hooks.py``) or any successor engine then only has to turn that
folder into HTML.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import mdedit
from .feeds import SITE_FEED, feed_path, site_url, webcal, write_feeds
from .history import with_history
from .errors import DataError, Problem
from .load import load_site
from .model import TIMEZONE, Edition, Site
from .outputs import Download, produce_all
from .pages import page_names, render_pages
from .textfmt import cn_date, due_text, phone_display, tel_href

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Generated:
    site: Site
    downloads: dict[str, dict[str, Download]]  # edition key -> download key -> Download
    updated: dt.date
    files: list[str]
    nav: list


def updated_date(root: Path, site: Site) -> dt.date:
    """The site's "last updated" date: SOURCE_DATE_EPOCH, else the last git commit, else the notice date.

    Never the clock, so that the same commit always builds the same bytes.
    """
    epoch = source_epoch(root)
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).astimezone(TIMEZONE).date()
    return site.current.document.date


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


def timeline_data(edition: Edition) -> dict:
    """The dates the browser needs for the live status (embedded as JSON)."""
    return {
        "timezone": "Asia/Shanghai",
        "campaign": {"start": edition.document.campaign.start.isoformat(), "end": edition.document.campaign.end.isoformat()},
        "stages": [
            {"key": s.key, "name": s.name, "start": s.start.isoformat(), "end": s.end.isoformat()} for s in edition.stages
        ],
        "deadlines": [deadline_data(edition, d) for d in edition.deadlines],
    }


def deadline_data(edition: Edition, d) -> dict:
    """One deadline for the live status: when, what, where it goes and whom to ask (all from data/)."""
    office = edition.contact(d.contact)
    return {
        "key": d.key, "audience": d.audience, "what": d.what, "due": d.due.isoformat(),
        "due_kind": d.due_kind, "due_text": due_text(d),
        "channel": d.channel, "address": edition.channel_of(d),
        "suggested": list(d.suggested),
        "office": office.name, "people": list(office.people),
        "phone": phone_display(office.phones[0]) if office.phones else "",
        "tel": tel_href(office.phones[0]) if office.phones else "",
    }


def drafts_wanted() -> bool:
    """Whether drafts are built: SITEGEN_DRAFTS=1 (make serve, the PR preview); off for what gets published."""
    return os.environ.get("SITEGEN_DRAFTS", "") == "1"


def generate(out_dir: Path, root: Path = ROOT, *, drafts: bool | None = None, only: set[str] | None = None) -> Generated:
    """Check the data, then write pages, assets and downloads of every edition into ``out_dir``.

    ``drafts`` (default: SITEGEN_DRAFTS) includes ``status: draft`` editions.
    ``only`` (a set of edition keys) regenerates just those editions' downloads
    and keeps the others' files from ``out_dir`` (a live-reloading server
    after an edit in one year's folder).

    Files are written only when their bytes change, and files no longer
    produced are removed, so a live-reloading server settles after one pass.
    Nothing is written when the data has errors (DataError is raised first).
    """
    root = Path(root)
    out_dir = Path(out_dir)
    site = load_site(root, drafts=drafts_wanted() if drafts is None else drafts)
    # Which facts changed with a change note: read from git once per edition (nothing outside git).
    site = Site(site.info, [with_history(root, e) for e in site.editions])
    updated = updated_date(root, site)
    docs_dir = root / "docs"
    check_docs_folders(site, root)
    base_url = site_url(root)

    with tempfile.TemporaryDirectory(prefix="sitegen-") as tmp:
        staging = Path(tmp)
        downloads: dict[str, dict[str, Download]] = {}
        for edition in site.editions:
            reuse = only is not None and edition.key not in only and (out_dir / STAMP).is_file()
            downloads[edition.key] = (
                reuse_downloads(edition, out_dir, staging) if reuse else None
            ) or produce_all(edition, staging)
        write_feeds(site, staging, base_url)
        pages = render_site(site, docs_dir, downloads, updated, base_url)
        for rel, text in pages.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        copy_assets(docs_dir, staging, [e.key for e in site.editions])
        nav = navigation(site, pages)
        (staging / NAV_FILE).write_text(json.dumps(nav, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (staging / DOWNLOADS_FILE).write_text(json.dumps(
            {k: {key: dataclasses.asdict(d) for key, d in v.items()} for k, v in downloads.items()},
            ensure_ascii=False, indent=1, default=str, sort_keys=True) + "\n", encoding="utf-8")
        files = sync_tree(staging, out_dir, keep=(STAMP, PLACEHOLDER))
    return Generated(site=site, downloads=downloads, updated=updated, files=files, nav=nav)


NAV_FILE = ".sitegen-nav.json"  # the navigation, for the engine (dot files are not pages)
DOWNLOADS_FILE = ".sitegen-downloads.json"  # what each edition's downloads are, to reuse them


def reuse_downloads(edition: Edition, out_dir: Path, staging: Path) -> dict[str, Download] | None:
    """The downloads of an unchanged edition, copied from the last generation; None when they cannot be reused."""
    try:
        recorded = json.loads((out_dir / DOWNLOADS_FILE).read_text(encoding="utf-8"))[edition.key]
    except (OSError, ValueError, KeyError):
        return None
    found: dict[str, Download] = {}
    for key, fields in recorded.items():
        source = out_dir / fields["path"]
        if not source.is_file():
            return None
        target = staging / fields["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        fields = {**fields, "date": dt.date.fromisoformat(fields["date"]) if fields.get("date") else None}
        found[key] = Download(**fields)
    return found


def check_docs_folders(site: Site, root: Path) -> None:
    """Every edition has its docs/<year>/ with the pages site.yaml lists; no stray year folders."""
    problems: list[Problem] = []
    docs = root / "docs"
    for edition in site.editions:
        folder = docs / edition.key
        if not folder.is_dir():
            problems.append(Problem(f"docs/{edition.key}", None, "",
                                    f"缺少 {edition.key} 年的页面文件夹 docs/{edition.key}/（make edition 会一并复制）"))
            continue
        for spec in site.info.pages:
            if not (folder / spec.file).is_file():
                problems.append(Problem(f"docs/{edition.key}/{spec.file}", None, "",
                                        f"data/site.yaml 的 pages 列出了 {spec.file}，但 docs/{edition.key}/ 中没有这个文件"))
    known = {e.key for e in site.editions}
    for folder in sorted(docs.iterdir()) if docs.is_dir() else []:
        if folder.is_dir() and re.fullmatch(r"[0-9]{4}", folder.name) and folder.name not in known:
            if not (root / "data" / folder.name).is_dir():
                problems.append(Problem(f"docs/{folder.name}", None, "",
                                        f"有 docs/{folder.name}/ 却没有 data/{folder.name}/；每年的通知要两个文件夹都有"))
    if problems:
        raise DataError(problems)


def banner_for(site: Site, edition: Edition, page: str) -> str | None:
    """The block an edition's page opens with: archived or draft; None for the current edition."""
    state = site.state_of(edition)
    home = mdedit.relative_source("index.md", page)
    current = site.current
    if state == "archived":
        return (
            '<div class="edition-banner edition-banner--archived" role="note" markdown>\n'
            f"**这是 {edition.key} 年的通知，已归档。**该年活动已于{cn_date(edition.document.campaign.end)}结束，"
            f"本页内容不再更新。[查看 {current.key} 年的通知]({home})\n</div>"
        )
    if state == "draft":
        return (
            '<div class="edition-banner edition-banner--draft" role="note" markdown>\n'
            f"**草稿：**{edition.key} 年的通知尚未发布，本页只在预览中出现，正式网站上没有。"
            f"当前发布的是 [{current.key} 年的通知]({home})。\n</div>"
        )
    return None


def page_title(spec_title: str, meta_title: str | None, edition: Edition, state: str) -> str:
    """The <title> of an edition's page: 通知（2027年）, with 已结束 / 草稿 where it applies."""
    base = meta_title or spec_title
    mark = {"archived": "，已结束", "draft": "，草稿"}.get(state, "")
    return f"{base}（{edition.key}年{mark}）"


# How strongly search ranks each kind of page (Material's per-page boost).
SEARCH_BOOST = {"current": None, "draft": 0.5, "archived": 0.2}


def last_change(site: Site) -> dt.date | None:
    """The date of the newest change note of any edition (what 最近更新 means to readers); None without notes."""
    dates = [e.changes[0].date for e in site.editions if e.changes]
    return max(dates) if dates else None


def render_site(site: Site, docs_dir: Path, downloads: dict[str, dict[str, Download]], updated: dt.date,
                base_url: str = "") -> dict[str, str]:
    """Every page: each edition's, the site-wide ones, and the current edition's home at the root."""
    by_name: dict[str, Edition] = {}
    names: list[str] = []
    for edition in site.editions:
        for name in page_names(docs_dir / edition.key, docs_dir):
            by_name[name] = edition
            names.append(name)
    site_pages = page_names(docs_dir, docs_dir, recursive=False)

    def context_for(name: str) -> dict:
        edition = by_name.get(name)
        common = {"site": site, "updated": updated, "editions": site.editions, "current": site.current,
                  "state_of": site.state_of, "base_url": base_url, "site_feed": SITE_FEED,
                  "webcal": lambda path: webcal(base_url, path),
                  "last_change": last_change(site) or updated}
        if edition is None:
            return {**common, "edition": site.current, "doc": site.current.document, "feed": feed_path(site.current),
                    "downloads": downloads.get(site.current.key, {}), "timeline": timeline_data(site.current),
                    "edition_state": "current"}
        return {**common, "edition": edition, "doc": edition.document, "downloads": downloads.get(edition.key, {}),
                "timeline": timeline_data(edition), "edition_state": site.state_of(edition),
                "feed": feed_path(edition)}

    rendered = render_pages(docs_dir, names + site_pages, context_for)
    titles = {spec.file: spec.title for spec in site.info.pages}
    pages: dict[str, str] = {}
    for name, text in rendered.items():
        edition = by_name.get(name)
        if edition is None:
            pages[name] = text
            continue
        state = site.state_of(edition)
        meta, _ = mdedit.split_front_matter(text)
        file_name = name.split("/", 1)[1]
        changes: dict = {"title": page_title(titles.get(file_name, ""), meta.get("title"), edition, state),
                         "feed": feed_path(edition)}  # overrides/main.html links it in <head>
        if SEARCH_BOOST[state] is not None:
            changes["search"] = {"boost": SEARCH_BOOST[state]}
        if state == "current" and file_name == "index.md":
            changes["search"] = {"exclude": True}  # the same text is at the site root
        text = mdedit.update_front_matter(text, **changes)
        banner = banner_for(site, edition, name)
        if banner:
            text = mdedit.insert_after_front_matter(text, banner)
        pages[name] = text
        if state == "current" and file_name == "index.md":
            pages["index.md"] = root_home(rendered[name], edition, changes["title"], feed_path(edition))
    return pages


def root_home(text: str, edition: Edition, title: str, feed: str | None = None) -> str:
    """The current edition's home page as the site root: the same page, links moved, plus 历年通知."""
    text = mdedit.rebase_links(text, edition.key)
    text = mdedit.update_front_matter(text, title=title, **({"feed": feed} if feed else {}))
    return mdedit.append(text, "往年的通知见“[历年通知](editions.md)”。\n{: .editions-link }")


def navigation(site: Site, pages: dict[str, str]) -> list:
    """The site's navigation as MkDocs writes ``nav:``: the current edition first, then 历年通知 and the site pages."""

    def edition_items(edition: Edition, with_home: bool) -> list:
        items = []
        for spec in site.info.pages:
            name = f"{edition.key}/{spec.file}"
            if name in pages and (with_home or spec.file != "index.md"):
                items.append({spec.title: name})
        extra = sorted(n for n in pages if n.startswith(edition.key + "/") and n.count("/") == 1
                       and n.split("/", 1)[1] not in {s.file for s in site.info.pages})
        items += [{mdedit.split_front_matter(pages[n])[0].get("title") or n: n} for n in extra]
        return items

    current = site.current
    nav: list = [{"首页": "index.md"}] + edition_items(current, with_home=False)
    history: list = ["editions.md"] if "editions.md" in pages else []
    for edition in site.editions:
        if edition is current:
            continue
        label = f"{edition.key}年（{'草稿' if edition.is_draft else '已结束'}）"
        history.append({label: edition_items(edition, with_home=True)})
    if len(history) == 1:
        nav.append({"历年通知": history[0]})
    elif history:
        nav.append({"历年通知": history})
    # Site-wide pages last: 关于本站, 无障碍声明, then any other in file-name order.
    order = {"about.md": 0, "accessibility.md": 1}
    rest = sorted((n for n in pages if "/" not in n and n not in ("index.md", "editions.md")),
                  key=lambda n: (order.get(n, 9), n))
    nav += [{mdedit.split_front_matter(pages[n])[0].get("title") or n: n} for n in rest]
    return nav


# Each folder's files are joined, in file-name order, into one file, so a page
# loads one stylesheet and one script of ours however many sources they have.
BUNDLES = {"assets/css": "assets/site.css", "assets/js": "assets/site.js"}
# Scripts that pages write inline (pages.py, inline_script): not copied as files.
INLINE = "assets/inline"


def copy_assets(docs_dir: Path, staging: Path, editions: list[str]) -> None:
    """Copy every non-Markdown file of docs/ (of the built editions only) and join the bundled folders."""
    for path in sorted(docs_dir.rglob("*")):
        rel = path.relative_to(docs_dir)
        if not path.is_file() or path.suffix == ".md" or rel.parent.as_posix() in (*BUNDLES, INLINE):
            continue
        if re.fullmatch(r"[0-9]{4}", rel.parts[0]) and rel.parts[0] not in editions:
            continue  # a draft left out of what gets published
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


def sync_tree(source: Path, target: Path, keep: tuple[str, ...] = ()) -> list[str]:
    """Make ``target`` hold exactly the files of ``source`` (and ``keep``), touching only what differs."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()}
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in wanted and rel not in keep:
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
# Tracked in git so that build/docs (mkdocs.yml docs_dir) exists in a fresh
# clone: MkDocs and ProperDocs validate docs_dir before the hook generates it.
PLACEHOLDER = ".gitkeep"


def _digest(paths) -> str:
    import hashlib

    digest = hashlib.sha256()
    for base, folder in paths:
        if not folder.exists():
            continue
        files = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(root: Path, drafts: bool | None = None) -> dict:
    """Digests of the inputs of ``generate``: one for what every edition shares, one per edition folder."""
    root = Path(root)
    drafts = drafts_wanted() if drafts is None else drafts
    shared = [(root, root / "data" / "site.yaml"), (Path(__file__).parent.parent, Path(__file__).parent)]
    docs = root / "docs"
    if docs.is_dir():
        shared += [(root, p) for p in sorted(docs.iterdir()) if not re.fullmatch(r"[0-9]{4}", p.name)]
    years = sorted({p.name for base in ("data", "docs") if (root / base).is_dir()
                    for p in (root / base).iterdir() if p.is_dir() and re.fullmatch(r"[0-9]{4}", p.name)})
    editions = {y: _digest([(root, root / "data" / y), (root, docs / y)]) for y in years}
    return {"shared": _digest(shared) + f"/{source_epoch(root)}/{int(drafts)}", "editions": editions}


def ensure_generated(out_dir: Path, root: Path = ROOT, drafts: bool | None = None) -> bool:
    """Generate unless ``out_dir`` already holds the output of these inputs. True if it generated.

    When only some editions' folders changed, only their downloads are made
    again (pages are always rendered: that is fast).
    """
    stamp = Path(out_dir) / STAMP
    current = fingerprint(Path(root), drafts)
    try:
        previous = json.loads(stamp.read_text())
    except (OSError, ValueError):
        previous = None
    if previous == current:
        return False
    only = None
    if previous and previous.get("shared") == current["shared"] and set(previous.get("editions", {})) == set(current["editions"]):
        only = {k for k, v in current["editions"].items() if previous["editions"].get(k) != v}
    generate(out_dir, root, drafts=drafts, only=only)
    write_stamp(out_dir, root, drafts)
    return True


def write_stamp(out_dir: Path, root: Path, drafts: bool | None = None) -> None:
    """Mark ``out_dir`` as the output of the current inputs."""
    (Path(out_dir) / STAMP).write_text(json.dumps(fingerprint(Path(root), drafts), sort_keys=True))
