"""Atom feeds (RFC 4287) of the change notes: one per edition and one for the whole site.

Written by hand (a feed of a few short entries needs no library). Every value
comes from ``changes.yaml`` and ``data/site.yaml``: ids are ``tag:`` URIs
(RFC 4151) built from the notes' dates, ``updated`` is the latest note's date
(else the notice's), so the same sources always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from .model import Change, Edition, Site
from .textfmt import md

TAG_AUTHORITY = "crs-tdxh.github.io,2026"  # tag: URIs: a domain and a date it was held (RFC 4151); never change it
TAG_BASE = f"tag:{TAG_AUTHORITY}:kjgzzr"
SITE_FEED = "changes.xml"
ANCHOR = "#" + quote("更新记录")  # the 更新记录 heading of 时间安排


def feed_path(edition: Edition) -> str:
    """The edition's feed, below the site root: changes-2027.xml.

    Beside the site feed at the root, not in /2027/: Material for MkDocs reads
    the sitemap.xml of the folder of every <link rel="alternate"> (for its
    language selector), and only the root has one.
    """
    return f"changes-{edition.key}.xml"


def site_url(root: Path) -> str:
    """``site_url`` of mkdocs.yml, ending in / (read as text: the file has MkDocs-only YAML tags)."""
    try:
        text = (Path(root) / "mkdocs.yml").read_text(encoding="utf-8")
    except OSError:
        text = ""
    match = re.search(r"(?m)^site_url:\s*['\"]?([^'\"\s#]+)", text)
    url = match.group(1) if match else "https://crs-tdxh.github.io/kjgzzr/"
    return url if url.endswith("/") else url + "/"


def webcal(base_url: str, path: str) -> str:
    """The subscription address of a calendar file: webcal://host/…/file.ics."""
    return re.sub(r"^https?://", "webcal://", base_url) + path


def entry_ids(edition: Edition) -> dict[int, str]:
    """A stable id for each note (by position in ``edition.changes``): its date and its order within that date."""
    ids: dict[int, str] = {}
    oldest_first = list(reversed(range(len(edition.changes))))
    counts: dict[dt.date, int] = {}
    for index in oldest_first:
        day = edition.changes[index].date
        counts[day] = counts.get(day, 0) + 1
        ids[index] = f"{TAG_BASE}/{edition.key}/changes/{day.isoformat()}-{counts[day]}"
    return ids


def _time(day: dt.date) -> str:
    """00:00 Beijing time of a date, as RFC 3339."""
    return f"{day.isoformat()}T00:00:00+08:00"


def _entry(edition: Edition, change: Change, entry_id: str, link: str, prefix: str = "") -> list[str]:
    summary = change.note.strip().splitlines()[0] if change.note.strip() else ""
    short = summary if len(summary) <= 40 else summary[:39] + "…"
    return [
        "  <entry>",
        f"    <id>{escape(entry_id)}</id>",
        f"    <title>{escape(f'{prefix}{md(change.date)}更新：{short}')}</title>",
        f"    <updated>{_time(change.date)}</updated>",
        f"    <link rel=\"alternate\" type=\"text/html\" href={quoteattr(link)}/>",
        f"    <content type=\"text\">{escape(change.note.strip())}</content>",
        "  </entry>",
    ]


def _feed(feed_id: str, title: str, subtitle: str, self_url: str, page_url: str, updated: dt.date,
          author: str, entries: list[list[str]]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"  <id>{escape(feed_id)}</id>",
        f"  <title>{escape(title)}</title>",
        f"  <subtitle>{escape(subtitle)}</subtitle>",
        f"  <updated>{_time(updated)}</updated>",
        f"  <author><name>{escape(author)}</name></author>",
        f"  <link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(self_url)}/>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url)}/>",
    ]
    for entry in entries:
        lines += entry
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def edition_feed(site: Site, edition: Edition, base_url: str) -> bytes:
    page = f"{base_url}{edition.key}/timeline/{ANCHOR}"
    ids = entry_ids(edition)
    latest = edition.changes[0].date if edition.changes else edition.document.date
    return _feed(
        f"{TAG_BASE}/{edition.key}/changes",
        f"{edition.key}年{site.info.name}·更新记录",
        f"{edition.document.issuer}{edition.document.number}发布后，日期、联系人、样表等的每一次更新。",
        base_url + feed_path(edition), page, latest, site.info.office.name,
        [_entry(edition, c, ids[i], page) for i, c in enumerate(edition.changes)],
    )


def whole_site_feed(site: Site, base_url: str) -> bytes:
    """Every edition's notes, newest first (the same entry ids as in the edition feeds)."""
    items = []
    for edition in site.editions:
        ids = entry_ids(edition)
        for i, change in enumerate(edition.changes):
            items.append((change.date, edition.year, -i, edition, change, ids[i]))
    items.sort(key=lambda t: t[:3], reverse=True)
    latest = items[0][0] if items else site.current.document.date
    entries = [_entry(e, c, entry_id, f"{base_url}{e.key}/timeline/{ANCHOR}", prefix=f"{e.key}年·")
               for _, _, _, e, c, entry_id in items]
    return _feed(f"{TAG_BASE}/changes", f"{site.info.name}·更新记录",
                 "各年通知发布后的每一次更新：日期、联系人、样表等的改动和读者要做的事。",
                 base_url + SITE_FEED, base_url, latest, site.info.office.name, entries)


def write_feeds(site: Site, out_dir: Path, base_url: str) -> list[str]:
    """Write every feed under ``out_dir``; return their paths below the site root."""
    written = []
    for edition in site.editions:
        target = Path(out_dir) / feed_path(edition)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(edition_feed(site, edition, base_url))
        written.append(feed_path(edition))
    (Path(out_dir) / SITE_FEED).write_bytes(whole_site_feed(site, base_url))
    return written + [SITE_FEED]
