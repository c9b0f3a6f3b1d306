"""Helpers for the sample-table tests: the files made once per session, tools to read them.

The expected labels are read from ``data/form.yaml`` (and the modules and
stages it refers to) directly, not from the print layout, so a renderer that
drops a row fails even if the layout module itself lost it.
"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_TMP = Path(tempfile.mkdtemp(prefix="form-files-"))
atexit.register(shutil.rmtree, _TMP, True)


@functools.lru_cache(maxsize=None)
def site():
    from sitegen.load import load_site

    return load_site(ROOT).current


@functools.lru_cache(maxsize=None)
def produced() -> dict[str, tuple[object, Path, float]]:
    """{key: (Produced, file, seconds)} for the DOCX and the PDF of the repository's data."""
    from sitegen.outputs import form_docx, form_pdf

    out = _TMP / "out"
    result = {}
    for module in (form_docx, form_pdf):
        start = time.perf_counter()
        (item,) = module.produce(site(), out)
        result[item.key] = (item, out / item.path, time.perf_counter() - start)
    return result


def docx_file() -> Path:
    return produced()["form-docx"][1]


def pdf_file() -> Path:
    return produced()["form-pdf"][1]


def soffice_to_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert with LibreOffice headless, in a private profile so parallel runs do not collide."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run `make system` (libreoffice-writer-nogui)"
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "lo-profile"
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
        capture_output=True, text=True, timeout=240,
    )
    target = out_dir / (docx.stem + ".pdf")
    assert run.returncode == 0 and target.is_file(), f"LibreOffice could not open {docx.name}: {run.stderr}"
    return target


@functools.lru_cache(maxsize=None)
def libreoffice_pdf() -> Path:
    return soffice_to_pdf(docx_file(), _TMP / "lo")


def tool(*args: str) -> str:
    run = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{args[0]} failed: {run.stderr}"
    return run.stdout


def pdf_pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", tool("pdfinfo", str(path)), re.M).group(1))


def pdf_text(path: Path, page: int | None = None, raw: bool = False) -> str:
    """The text of a PDF (or one page); ``raw`` keeps content-stream order instead of reading order."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-raw"] if raw else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return tool(*args, str(path), "-")


def layout_cells(path: Path) -> list[tuple[int, str]]:
    """Every piece of text in reading order with its page: ``pdftotext -layout`` lines cut at gaps of two or
    more spaces (table cells, mostly), white space removed."""
    cells = []
    for page in range(1, pdf_pages(path) + 1):
        text = tool("pdftotext", "-enc", "UTF-8", "-layout", "-f", str(page), "-l", str(page), str(path), "-")
        for line in text.splitlines():
            cells += [(page, squash(cell)) for cell in re.split(r"\s{2,}", line.strip()) if squash(cell)]
    return cells


def page_of(cells: list[tuple[int, str]], text: str, start: int = 0) -> tuple[int, int]:
    """(index, page) of the first cell from ``start`` on that starts with ``text`` (a label may share its
    layout line with the answer beside it, one space apart)."""
    want = squash(text)
    for index in range(start, len(cells)):
        page, cell = cells[index]
        if cell.startswith(want):
            return index, page
    raise AssertionError(f"{text!r} not found after cell {start}")


def basic_tail_pages(cells, site_data) -> dict[str, int]:
    """Pages of the heading and first row of 一、基本信息 and of the last row and the contact group before it."""
    form = site_data.form
    last, contact = form.basic.rows[-1], form.basic.rows[-2]
    assert contact.kind == "contact" and last.inferred, "the checks below read the form as published"
    label_tail = lambda label: label[-(len(label) // 2) :]  # noqa: E731 — the second line of a two-line label
    return {
        "heading": page_of(cells, form.basic.heading)[1],
        "first row": page_of(cells, form.basic.rows[0].label)[1],
        "contact label": page_of(cells, label_tail(contact.label))[1],  # 主办单位 / 联系人
        "last contact field": page_of(cells, contact.fields[-1][-1])[1],  # 电子邮箱
        "last row": page_of(cells, f"［{last.inferred}］")[1],  # 主办单位 / ［邮寄地址］
    }


def activity_pages(cells, site_data, count: int) -> list[tuple[int, int, int]]:
    """For each activity table in order: pages of its caption, its first and its last element label."""
    from sitegen.textfmt import cn_number

    plan = site_data.form.plan
    result, index = [], 0
    for number in range(1, count + 1):
        index, caption = page_of(cells, f"{plan.table_title}{cn_number(number)}", index)
        index, first = page_of(cells, plan.elements[0], index)
        index, last = page_of(cells, plan.elements[-1], index)
        result.append((caption, first, last))
    return result


def gray_page(pdf: Path, page_no: int) -> tuple[int, int, bytes]:
    """One page rendered at 72 dpi (1 px = 1 pt) in grey by pdftoppm: (width, height, one byte a pixel, 0 = ink).

    For where the ink is: Chromium's Type 3 CJK glyph boxes (pdftotext -bbox) reach far above the glyphs."""
    data = subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(page_no), "-l", str(page_no), str(pdf)],
                          capture_output=True, check=True).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    return int(header.group(1)), int(header.group(2)), data[header.end():]


def squash(text: str) -> str:
    """Text without any white space, so line and cell breaks do not matter."""
    return re.sub(r"\s+", "", text)


def expected_labels(site_data) -> list[str]:
    """Every heading, row label, hint, option, field and element of the form definition."""
    form = site_data.form
    labels = [form.title, *form.header_fields, form.basic.heading, form.basic.note,
              form.plan.heading, form.plan.instructions, *form.plan.elements]
    for row in form.basic.rows:
        labels.append(row.shown_label)
        if row.hint:
            labels.append(row.hint)
        labels += [f"□{option}" for option in site_data.form_options(row)]
        for pair in row.fields or []:
            labels += pair
    labels.append("所属阶段")  # each activity caption leaves its stage blank (a copied table stays right)
    labels.append(f"{form.plan.word_limit}字以内")
    return labels


# --- Variants of the data and how full their pages are -----------------------------------
def bigger_site(site_data):
    """The real data with 6 stages, 8 modules and 3 more basic rows (built in code, not YAML)."""
    from dataclasses import replace

    from sitegen.textfmt import cn_number

    stages = [
        replace(site_data.stages[i % len(site_data.stages)], key=f"stage{i + 1}", name=f"第{cn_number(i + 1)}阶段")
        for i in range(6)
    ]
    extra_modules = ["科普惠民", "创新争先", "智库建言"]
    modules = list(site_data.modules)
    for i, name in enumerate(extra_modules[: max(0, 8 - len(modules))]):
        modules.append(replace(modules[i], key=f"extra{i + 1}", name=name, lines={}))
    rows = list(site_data.form.basic.rows)
    template = rows[0]  # a plain text row
    extra_rows = [replace(template, label=label, lines={}) for label in ("活动负责人", "协办单位名称", "经费预算")]
    rows[4:4] = extra_rows
    form = replace(site_data.form, basic=replace(site_data.form.basic, rows=rows))
    return replace(site_data, stages=stages, modules=modules[:8], form=form)


def produce_both(site_data, out: Path) -> dict[str, tuple[object, Path]]:
    """{key: (Produced, file)} for the DOCX and the PDF of ``site_data``."""
    from sitegen.outputs import form_docx, form_pdf

    result = {}
    for module in (form_docx, form_pdf):
        (item,) = module.produce(site_data, out)
        result[item.key] = (item, out / item.path)
    return result


def page_fill(pdf: Path) -> list[float]:
    """For each page, how far down the text block (0–1) the lowest ink reaches, page number left out.

    Pages are rasterised at low resolution (pdftoppm, grey) and scanned bottom up.
    """
    from sitegen.outputs import form_layout as L

    dpi = 30
    mm_per_px = 25.4 / dpi
    fills = []
    for page in range(1, pdf_pages(pdf) + 1):
        run = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                             capture_output=True, timeout=120)
        assert run.returncode == 0, run.stderr
        magic, width, height, _maxval, pixels = run.stdout.split(maxsplit=4)
        assert magic == b"P5"
        width, height = int(width), int(height)
        bottom = L.MARGIN_TOP + L.TEXT_HEIGHT + 1  # the page number sits 7 mm below the text block
        lowest = L.MARGIN_TOP
        for y in range(min(height, int(bottom / mm_per_px)) - 1, -1, -1):
            if min(pixels[y * width : (y + 1) * width]) < 128:
                lowest = y * mm_per_px
                break
        fills.append(max(0.0, (lowest - L.MARGIN_TOP) / L.TEXT_HEIGHT))
    return fills
