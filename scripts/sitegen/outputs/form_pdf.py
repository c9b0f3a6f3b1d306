"""特色亮点活动筹备方案（样表） as PDF, rendered by WeasyPrint from the shared form layout.

Why WeasyPrint: it is a pip package (no office suite at build time), lays
out CJK text with Pango/HarfBuzz, embeds only the glyphs used (subset
fonts keep the file far below 300 KB), and writes the same bytes for the
same input once the metadata dates and the file identifier are fixed, which
is done here from the data. Converting the DOCX with LibreOffice would tie
every build to a 500 MB office install and to its font fallback.

The PDF uses the faces the DOCX names when the build machine has them
(小标宋, 仿宋_GB2312/仿宋, 黑体, 宋体) and otherwise the free Fandol faces
(FandolFang, FandolHei, FandolSong: simplified-Chinese forms, GPL v3 with
the font exception), which ``make system`` unpacks; Noto CJK SC is the last
resort. The metadata names the society as creator and producer, not the
program that wrote the file. With no Chinese font at all the build stops with
a message saying so, instead of printing empty boxes.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import subprocess
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from ..model import TIMEZONE, Edition
from ..pages import TEMPLATES
from . import Produced, form_date, form_file_name
from . import form_layout as L
from .pdf_fonts import compact_fonts

KEY = "form-pdf"
FORMAT = "PDF 文档"
EXTENSION = ".pdf"
MAX_BYTES = 300 * 1024  # the task's ceiling; checked by the tests

GENERIC = {"title": "serif", "body": "serif", "heading": "sans-serif", "number": "serif"}


class FontMissing(Exception):
    pass


def url_path(site: Edition) -> str:
    return f"downloads/form-{site.document.date.year}{EXTENSION}"


def installed_cjk_families() -> set[str]:
    """Family names (every localised name) of the fonts fontconfig has for Chinese."""
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    families: set[str] = set()
    for line in out.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return families


def choose_fonts(installed: set[str]) -> dict[str, tuple[str, int]]:
    """For each font role: (family, weight) of the first candidate installed.

    A role with none of its own faces borrows the body face; no Chinese face
    at all raises :class:`FontMissing` naming what to install.
    """
    lowered = {name.lower(): name for name in installed}
    chosen: dict[str, tuple[str, int]] = {}
    for role, spec in L.FONTS.items():
        for name in spec.candidates:
            if name.lower() in lowered:
                weight = spec.fallback_weight if name in spec.fallback else 400
                chosen[role] = (lowered[name.lower()], weight)
                break
    if "body" not in chosen:
        wanted = "、".join(L.FONTS["body"].candidates)
        raise FontMissing(
            "生成 PDF 样表需要中文字体，但本机 fontconfig 找不到（fc-list :lang=zh 中没有 "
            f"{wanted} 中的任何一种）。请运行 `make system` 安装 fonts-noto-cjk 后重试"
            "（no CJK font found; run `make system` to install fonts-noto-cjk）。"
        )
    for role in L.FONTS:
        chosen.setdefault(role, chosen["body"])
    return chosen


# Replaced in tests to simulate a machine without Chinese fonts.
font_lister: Callable[[], set[str]] = installed_cjk_families


def pdf_stamp(day: dt.date) -> str:
    """The document date at 09:00 Beijing time, as W3C date-time for the PDF metadata."""
    return dt.datetime.combine(day, dt.time(9, 0), TIMEZONE).isoformat()


def identifier(layout: L.FormLayout) -> bytes:
    """A file identifier derived from the data (not from the clock or a random source)."""
    return hashlib.md5(f"{layout.title}\0{layout.date.isoformat()}".encode()).hexdigest().encode()


def render_html(layout: L.FormLayout, fonts: dict[str, tuple[str, int]]) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def font(role: str, bold: bool = False) -> str:
        family, weight = fonts[role]
        # The chosen face first, then the others of its role, then the generic family.
        names = [family] + [n for n in L.FONTS[role].candidates if n != family]
        families = ", ".join(f'"{n}"' for n in names) + f", {GENERIC[role]}"
        weight = max(weight, 700 if bold else 400)
        return f"font-family: {families}; font-weight: {weight};"

    line_mm = L.PAGE_NUMBER_LINE * L.PT_TO_MM
    css = Markup(env.get_template("pdf/form.css.j2").render(
        L=L, font=font, number_top=round(L.PAGE_NUMBER_GAP - line_mm / 2, 2)
    ))
    widths = []
    for block in layout.blocks:
        if isinstance(block, L.FieldLine):
            stops = block.stops + [L.TEXT_WIDTH]
            widths = [f"{stops[i + 1] - stops[i]:g}mm" for i in range(len(block.fields))]
    return env.get_template("pdf/form.html.j2").render(
        layout=layout, css=css, stamp=pdf_stamp(layout.date), widths=widths, border_mm=L.BORDER_PT * L.PT_TO_MM
    )


def render(layout: L.FormLayout, fonts: dict[str, tuple[str, int]] | None = None) -> tuple[bytes, int]:
    """The PDF bytes of ``layout`` and the number of pages WeasyPrint laid it out on.

    ``layout.pages`` is not part of the HTML, so the layout's own page count
    (:func:`form_layout.count_pages`) and the PDF written afterwards share one render.
    """
    if fonts is None:
        fonts = choose_fonts(font_lister())
    return _render(render_html(layout, fonts), identifier(layout))


@functools.lru_cache(maxsize=4)
def _render(html: str, pdf_identifier: bytes) -> tuple[bytes, int]:
    from weasyprint import HTML  # imported here: it is slow to import and only needed for this file

    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    data = document.write_pdf(pdf_identifier=pdf_identifier, finisher=_finish)
    return data, len(document.pages)


def _finish(document, pdf) -> None:
    """Shrink the fonts, and let the metadata name the society only, not the program that wrote the file."""
    compact_fonts(document, pdf)
    author = pdf.info.get("Author")
    for key in ("Creator", "Producer"):
        if author is not None:
            pdf.info[key] = author
        else:
            pdf.info.pop(key, None)


def produce(site: Edition, out_dir: Path) -> list[Produced]:
    from ..errors import BuildError

    try:
        layout = L.form_layout(site)
        data, pages = render(layout)
    except (FontMissing, L.LayoutError) as exc:
        raise BuildError(str(exc)) from None
    rel = url_path(site)
    target = Path(out_dir) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return [Produced(key=KEY, path=rel, file_name=form_file_name(site, EXTENSION), format=FORMAT, date=form_date(site),
                      pages=pages)]
