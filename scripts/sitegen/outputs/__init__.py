"""Downloadable files generated from the data (one module per format).

Each producer is ``produce(site, out_dir) -> list[Produced]``: it writes its
files under ``out_dir`` (the site root) and says what it wrote. Sizes and
checksums are added by :func:`produce_all`, so every page label is computed
from the bytes actually written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..model import Edition
from ..textfmt import human_size


@dataclass(frozen=True)
class Produced:
    key: str  # stable id used by templates, e.g. "form-docx"
    path: str  # URL path below the site root, ASCII, e.g. "downloads/form-2027.docx"
    file_name: str  # the Chinese name offered when saving (download attribute)
    format: str  # what readers call it: Word 文档, PDF 文档, 日历, 名片
    pages: int | None = None
    # The file's version: the latest change note of a fact it shows, else the notice date (never the clock).
    date: dt.date | None = None


@dataclass(frozen=True)
class Download(Produced):
    size: int = 0
    sha256: str = ""

    @property
    def size_text(self) -> str:
        return human_size(self.size)

    @property
    def facts(self) -> str:
        """Word 文档，23 KB，4 页 (what GOV.UK shows under a download link: type, size, pages)."""
        parts = [self.format, self.size_text]
        if self.pages:
            parts.append(f"{self.pages} 页")
        return "，".join(parts)


def version_date(site: Edition, facts: list[tuple[str, str, str]] | None = None, kinds: tuple[str, ...] = ()) -> dt.date:
    """The date of a file's content: the newest change note of any of its ``facts`` (or facts of ``kinds``),
    else the notice date. From the data only, so the same data always gives the same date."""
    wanted = set(facts or ())
    dates = [c.date for c in site.history
             if c.date is not None and ((c.kind, c.key, c.field) in wanted or c.kind in kinds)]
    return max(dates + [site.document.date])


# Characters Windows, Android or iOS refuse in a file name (browsers would replace them anyway).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_file_name(name: str) -> str:
    """A name from the data made safe to save under: unsafe characters become "_", no leading/trailing dots or spaces."""
    return re.sub(r"\s+", " ", _UNSAFE.sub("_", name)).strip(" .") or "download"


def form_file_name(site: Edition, extension: str) -> str:
    """The sample table's name when saved: <year>年特色亮点活动筹备方案（样表）.docx (the year first, once)."""
    name = site.form.file_name
    return safe_file_name(name if name.startswith(site.key) else f"{site.key}年{name}") + extension


def form_date(site: Edition) -> dt.date:
    """The sample table's version: its rows and the module names are what it shows."""
    return version_date(site, kinds=("form", "module"))


def prodid(site: Edition) -> str:
    """PRODID of the calendars and vCards: who made them, for which year's notice."""
    return f"-//{site.document.issuer}//{site.key}全国科技工作者日活动网站//ZH"


Producer = Callable[[Edition, Path], list[Produced]]


def producers() -> list[Producer]:
    """Every producer, in a fixed order (imported here, lazily, so `sitegen check` stays light)."""
    from . import calendar, form_docx, form_pdf, vcards

    return [form_docx.produce, form_pdf.produce, calendar.produce, vcards.produce]


def produce_all(site: Edition, out_dir: Path) -> dict[str, Download]:
    """Make every download of one edition under ``out_dir/<year>/``; paths in the result start with ``<year>/``."""
    downloads: dict[str, Download] = {}
    edition_dir = Path(out_dir) / site.key
    for produce in producers():
        for item in produce(site, edition_dir):
            data = (edition_dir / item.path).read_bytes()
            downloads[item.key] = Download(
                key=item.key,
                path=f"{site.key}/{item.path}",
                file_name=item.file_name,
                format=item.format,
                pages=item.pages,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                date=item.date or site.document.date,
            )
    return downloads
