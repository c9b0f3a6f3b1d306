"""The sample table flows onto as many pages as its data needs, in Word and in the PDF.

Variants of the data are built in code from the real data (dataclasses.replace
on the frozen model), so these tests do not depend on how the YAML is laid out:
more stages, modules and rows build and add pages; only a single row taller
than a page stops the build, with a message naming that row.
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from formfiles import (
    ROOT, activity_pages, basic_tail_pages, bigger_site, expected_labels, layout_cells, libreoffice_pdf, page_fill,
    pdf_file, pdf_pages, pdf_text, produce_both, produced, soffice_to_pdf, squash,
)
from sitegen.errors import BuildError
from sitegen.outputs import form_docx, form_layout, form_pdf

# Every page but the last reaches at least this far down the text block: none is left nearly empty.
MIN_FILL = 0.5
# How many pages LibreOffice (for the DOCX) may differ from WeasyPrint (the PDF, whose count the site shows).
PAGE_TOLERANCE = 0


@functools.lru_cache(maxsize=None)
def big() -> tuple[object, dict[str, tuple[object, Path]], Path]:
    """The bigger variant's data, its DOCX and PDF, and the DOCX as LibreOffice lays it out."""
    site_data = bigger_site(_site())
    out = Path(tempfile.mkdtemp(prefix="form-big-"))
    files = produce_both(site_data, out)
    return site_data, files, soffice_to_pdf(files["form-docx"][1], out / "lo")


@functools.lru_cache(maxsize=None)
def _site():
    from sitegen.load import load_site

    return load_site(ROOT).current


def teardown_module():
    if big.cache_info().currsize:
        shutil.rmtree(big()[2].parent.parent, ignore_errors=True)


# --- The data as published ------------------------------------------------------------
def test_blank_form_is_about_five_pages_in_both_files():
    pages = produced()["form-pdf"][0].pages
    assert pages == pdf_pages(pdf_file()) == produced()["form-docx"][0].pages
    assert abs(pdf_pages(libreoffice_pdf()) - pages) <= PAGE_TOLERANCE
    assert 3 <= pages <= 5


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_no_page_but_the_last_is_nearly_empty(which):
    pdf = pdf_file() if which == "pdf" else libreoffice_pdf()
    fills = page_fill(pdf)
    assert all(fill >= MIN_FILL for fill in fills[:-1]), [round(f, 2) for f in fills]
    assert fills[-1] > 0.1, "the last page is blank"


def check_breaks(pdf: Path, site_data) -> None:
    """Where the engine broke the pages: no row of 一、基本信息 alone, each activity table on one page."""
    cells = layout_cells(pdf)
    pages = basic_tail_pages(cells, site_data)
    assert pages["heading"] == pages["first row"], pages
    # 主办单位［邮寄地址］ never alone at the head of a page: with the contact group before it
    assert pages["last row"] == pages["last contact field"] == pages["contact label"], pages
    for number, (caption, first, last) in enumerate(activity_pages(cells, site_data, len(site_data.stages)), 1):
        assert caption == first == last, f"{site_data.form.plan.table_title}{number}: pages {caption}, {first}–{last}"


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_pages_break_between_tables_not_inside_them(which, site_data):
    """Rendered by WeasyPrint (the PDF) and by LibreOffice (the DOCX), the blank form as published."""
    check_breaks(pdf_file() if which == "pdf" else libreoffice_pdf(), site_data)


def test_the_pdf_forces_no_page_break(site_data):
    fonts = form_pdf.choose_fonts(form_pdf.font_lister())
    html = form_pdf.render_html(form_layout.form_layout(site_data), fonts)
    assert not re.search(r"break-(before|after):\s*(page|always|left|right)", html)
    assert not re.search(r"page-break-(before|after)", html)
    assert re.search(r"table\.form tr \{ break-inside: auto; \}", html)


def test_the_page_count_is_the_pdf_engine_s(site_data):
    layout = form_layout.form_layout(site_data)
    assert layout.pages == form_pdf.render(layout)[1] == pdf_pages(pdf_file())


# --- More stages, modules and rows -------------------------------------------------------
def test_bigger_variant_has_what_it_says():
    site_data = big()[0]
    assert (len(site_data.stages), len(site_data.modules)) == (6, 8)
    assert len(site_data.form.basic.rows) == len(_site().form.basic.rows) + 3


def test_bigger_variant_builds_on_more_pages_in_both_files():
    site_data, files, word = big()
    (docx_item, docx), (pdf_item, pdf) = files["form-docx"], files["form-pdf"]
    assert docx.read_bytes()[:2] == b"PK" and pdf.read_bytes().startswith(b"%PDF-")
    assert docx_item.pages == pdf_item.pages == pdf_pages(pdf)
    assert pdf_item.pages > produced()["form-pdf"][0].pages
    assert abs(pdf_pages(word) - pdf_pages(pdf)) <= PAGE_TOLERANCE, (pdf_pages(word), pdf_pages(pdf))
    assert pdf.stat().st_size <= form_pdf.MAX_BYTES


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_bigger_variant_shows_every_label_and_page_number(which):
    site_data, files, word = big()
    pdf = files["form-pdf"][1] if which == "pdf" else word
    # Page numbers left out: a row may break across pages, and LibreOffice may break a
    # two-line label with it (Word keeps the label's lines together).
    text = re.sub(r"—\d+—", "", squash(pdf_text(pdf, raw=True)))
    missing = [label for label in expected_labels(site_data) if squash(label) not in text]
    assert not missing
    for n in "一二三四五六":
        assert squash(f"{site_data.form.plan.table_title}{n}") in text
    for page in range(1, pdf_pages(pdf) + 1):
        assert f"—{page}—" in squash(pdf_text(pdf, page))


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_bigger_variant_breaks_pages_between_tables(which):
    site_data, files, word = big()
    check_breaks(files["form-pdf"][1] if which == "pdf" else word, site_data)


@pytest.mark.parametrize("which", ["pdf", "docx"])
def test_bigger_variant_leaves_no_page_nearly_empty(which):
    _, files, word = big()
    fills = page_fill(files["form-pdf"][1] if which == "pdf" else word)
    assert all(fill >= MIN_FILL for fill in fills[:-1]), [round(f, 2) for f in fills]


def test_one_stage_and_one_module_build_too(tmp_path):
    site_data = _site()
    small = replace(site_data, stages=site_data.stages[:1], modules=site_data.modules[:1])
    files = produce_both(small, tmp_path)
    assert files["form-pdf"][0].pages == pdf_pages(files["form-pdf"][1]) >= 1


def test_bigger_variant_renders_byte_identical_twice(tmp_path):
    site_data, files, _ = big()
    form_pdf._render.cache_clear()  # render again for real, not from the page-count cache
    again = produce_both(site_data, tmp_path)
    for key in ("form-docx", "form-pdf"):
        assert again[key][1].read_bytes() == files[key][1].read_bytes(), key


# --- A row that cannot fit any page ---------------------------------------------------------
def _yaml_line(text: str) -> int:
    lines = (ROOT / "data" / _site().key / "form.yaml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def _with_huge_hint(site_data, index: int):
    rows = list(site_data.form.basic.rows)
    rows[index] = replace(rows[index], hint="（" + "请写明主办单位的全称、简称、上级主管部门和统一社会信用代码，" * 20 + "）")
    return replace(site_data, form=replace(site_data.form, basic=replace(site_data.form.basic, rows=rows)))


@pytest.mark.parametrize("module", [form_docx, form_pdf], ids=["docx", "pdf"])
def test_a_row_taller_than_a_page_fails_naming_the_row(module, tmp_path):
    site_data = _site()
    index = 3
    label = site_data.form.basic.rows[index].label
    with pytest.raises(BuildError) as caught:
        module.produce(_with_huge_hint(site_data, index), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"data/{_site().key}/form.yaml:{_yaml_line(f'label: {label}')}: basic.rows[{index}]"), message
    assert f"label “{label}”" in message and "一页也放不下" in message
    height = float(re.search(r"约 (\d+) mm", message).group(1))
    assert height > form_layout.PAGE_ROOM and f"一页最多 {form_layout.PAGE_ROOM:.0f} mm" in message
    assert "hint" in message  # what to shorten
    assert not list(tmp_path.rglob("*.docx")) and not list(tmp_path.rglob("*.pdf"))


def test_a_huge_activity_element_fails_naming_it():
    site_data = _site()
    elements = list(site_data.form.plan.elements)
    elements[2] = "时间" * 400
    plan = replace(site_data.form.plan, elements=elements)
    with pytest.raises(form_layout.LayoutError, match=r"plan\.elements\[2\]（“时间时间.*这一行太高，一页也放不下"):
        form_layout.form_layout(replace(site_data, form=replace(site_data.form, plan=plan)))


def test_a_row_just_under_a_page_still_builds(tmp_path):
    """Tall but placeable: the row gets a page of its own instead of failing the build."""
    site_data = _site()
    rows = list(site_data.form.basic.rows)
    rows[3] = replace(rows[3], hint="（" + "请写明主办单位全称" * 16 + "）")
    tall = replace(site_data, form=replace(site_data.form, basic=replace(site_data.form.basic, rows=rows)))
    table = form_layout.basic_table(tall)
    assert 120 < table.rows[3].height < form_layout.PAGE_ROOM
    files = produce_both(tall, tmp_path)
    assert files["form-pdf"][0].pages == pdf_pages(files["form-pdf"][1]) > produced()["form-pdf"][0].pages - 1
