"""Downloadable files generated from the data (one module per format).

Each producer is ``produce(site, out_dir) -> list[Produced]``: it writes its
files under ``out_dir`` (the site root) and says what it wrote. Sizes and
checksums are added by :func:`produce_all`, so every page label is computed
from the bytes actually written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
    format: str  # what readers call it: Word, PDF, 日历, 名片
    pages: int | None = None


@dataclass(frozen=True)
class Download(Produced):
    size: int = 0
    sha256: str = ""
    date: dt.date | None = None

    @property
    def size_text(self) -> str:
        return human_size(self.size)

    @property
    def facts(self) -> str:
        """Word，23 KB，2 页"""
        parts = [self.format, self.size_text]
        if self.pages:
            parts.append(f"{self.pages} 页")
        return "，".join(parts)


def prodid(site: Edition) -> str:
    """PRODID of the calendars and vCards: who made them, for which year's notice."""
    return f"-//{site.document.issuer}//{site.key}全国科技工作者日活动网站//ZH"


Producer = Callable[[Edition, Path], list[Produced]]


def producers() -> list[Producer]:
    """Every producer, in a fixed order (imported here, lazily, so `sitegen check` stays light)."""
    from . import calendar, form_docx, form_pdf, vcards

    return [form_docx.produce, form_pdf.produce, calendar.produce, vcards.produce]


def produce_all(site: Edition, out_dir: Path, date: dt.date) -> dict[str, Download]:
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
                date=date,
            )
    return downloads
