"""The sample table as Word: read back with python-docx and opened by LibreOffice.

Page set-up after GB/T 9704-2012, the East-Asian font named on every run,
every label and option of data/form.yaml, tick boxes, writable cells,
page-number field, fixed zip dates; LibreOffice opens it and lays it out on
the announced number of pages, page for page like the PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.shared import Mm

from formfiles import (
    docx_file, expected_labels, libreoffice_pdf, pdf_file, pdf_pages, pdf_text, produced, squash, tool,
)
from sitegen.model import TIMEZONE
from sitegen.outputs import form_docx, form_layout

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def document():
    return docx.Document(str(docx_file()))


def all_text(document) -> str:
    """Every w:t of the body, tick-box content controls included (python-docx's cell.text skips w:sdt)."""
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p")))


def basic_table(document):
    """Section 一: the table after the borderless 单位盖章 / 报送时间 row."""
    return document.tables[1]


def runs_of(element):
    return list(element.iter(f"{W}r"))


def test_produce_reports_a_stable_ascii_url_and_the_chinese_file_name(site_data):
    item, path, _ = produced()["form-docx"]
    assert item.key == "form-docx" and item.format == "Word 文档"
    assert item.path == f"downloads/form-{site_data.document.date.year}.docx" and item.path.isascii()
    assert item.file_name == f"{site_data.key}年{site_data.form.file_name}.docx"
    assert item.date == site_data.document.date or any(c.date == item.date for c in site_data.history)
    assert path.read_bytes()[:2] == b"PK"


def test_page_is_a4_portrait_with_gbt9704_margins(document):
    section = document.sections[0]
    mm = lambda length: round(length / Mm(1), 1)  # noqa: E731
    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37.0, 28.0)
    text_width = mm(section.page_width - section.left_margin - section.right_margin)
    text_height = mm(section.page_height - section.top_margin - section.bottom_margin)
    assert (text_width, text_height) == (156.0, 225.0)
    assert len(document.sections) == 1


def test_every_run_names_its_east_asian_font(document):
    parts = [document.element.body]
    section = document.sections[0]
    for story in (section.footer, section.even_page_footer, section.header, section.even_page_header):
        parts.append(story._element)
    allowed = {role.word[0] for role in form_layout.FONTS.values()}
    runs = [r for part in parts for r in runs_of(part)]
    assert len(runs) > 50
    for run in runs:
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, f"run without fonts: {run.xpath('string(.)')!r}"
        assert fonts.get(qn("w:eastAsia")) in allowed, run.xpath("string(.)")
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:eastAsia"))


def test_title_is_xiaobiaosong_and_body_is_fangsong_16pt(document, site_data):
    def font_and_size(paragraph):
        run = paragraph.runs[0]._r
        return run.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")), paragraph.runs[0].font.size.pt

    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert squash(title.text) == squash(site_data.form.title)
    assert font_and_size(title) == ("方正小标宋简体", 22.0)
    note = next(p for p in paragraphs if p.text == site_data.form.basic.note)
    assert font_and_size(note) == ("仿宋_GB2312", 16.0)
    for paragraph in paragraphs:  # outside tables: nothing below 三号 (16 pt)
        assert paragraph.runs[0].font.size.pt >= 16, paragraph.text


def test_font_table_offers_the_fallbacks(document):
    part = next(p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val")) for f in root.findall(qn("w:font"))}
    assert alt["方正小标宋简体"] == "宋体"
    assert alt["仿宋_GB2312"] == "仿宋"


def test_table_text_is_at_least_12pt_and_tables_fit_the_text_block(document):
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= round(156 / 25.4 * 1440) + 1
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for run in runs_of(table._tbl):
            size = run.find(f"{W}rPr/{W}sz")
            assert int(size.get(qn("w:val"))) >= 24, run.xpath("string(.)")


def test_header_basic_and_one_activity_table_per_stage(document, site_data):
    assert len(document.tables) == 2 + len(site_data.stages)
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header == [x for f in site_data.form.header_fields for x in (f"{f}：", "")]
    for table in document.tables[2:]:
        labels = [row.cells[0].text for row in table.rows]
        assert labels == site_data.form.plan.elements
    captions = [p.text for p in document.paragraphs if p.text.startswith(site_data.form.plan.table_title)]
    numbers = "一二三四五六七八九十"[: len(site_data.stages)]
    # No fixed stage: a copied table (一项一表，表格可自行复制) names its own
    assert captions == [f"{site_data.form.plan.table_title}{n}（所属阶段：{form_layout.STAGE_BLANK}）" for n in numbers]
    assert not [s.name for s in site_data.stages if s.name in all_text(document)]


def test_every_label_and_option_of_the_definition_is_in_the_file(document, site_data):
    text = squash(all_text(document))
    missing = [label for label in expected_labels(site_data) if squash(label) not in text]
    assert not missing


def test_choices_are_tick_boxes(document, site_data):
    basic = squash("".join(t.text for t in basic_table(document)._tbl.iter(qn("w:t"))))
    boxes = 0
    for row in site_data.form.basic.rows:
        for option in site_data.form_options(row):
            assert f"□{option}" in basic
        boxes += len(site_data.form_options(row)) + (1 if row.other_blank else 0)
    # merged cells repeat their text in python-docx's grid view: count on the XML instead
    assert basic.count("□") == boxes


def _keeps_with_next(row) -> bool:
    """Every paragraph of the row keeps with the next (how Word keeps a row on the page of the next one)."""
    paragraphs = list(row._tr.iter(qn("w:p")))
    return bool(paragraphs) and all(p.pPr is not None and p.pPr.keepNext_val for p in paragraphs)


def test_rows_have_a_minimum_height_to_write_in_and_never_split(document):
    for table in document.tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            assert row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST and row.height >= Mm(9.5)


def test_each_activity_table_keeps_together_and_no_basic_row_stands_alone(document, site_data):
    """The layout rules behind the page breaks (tests/outputs/test_form_flow.py checks the pages themselves)."""
    basic, *activities = document.tables[1:]
    assert len(activities) == len(site_data.stages)
    for index, table in enumerate(activities):
        keeps = [_keeps_with_next(row) for row in table.rows]
        # every row but the last keeps with the next; the last activity's last row keeps with the closing line
        assert keeps[:-1] == [True] * (len(keeps) - 1) and keeps[-1] == (index == len(activities) - 1), keeps
    keeps = [_keeps_with_next(row) for row in basic.rows]
    assert keeps[0] and keeps[-2] and not keeps[-1], keeps


def test_nothing_forces_a_page_break(document, site_data):
    body = document.element.body
    assert not body.findall(f".//{W}pageBreakBefore")
    assert not [br for br in body.iter(f"{W}br") if br.get(qn("w:type")) == "page"]
    captions = [p for p in document.paragraphs if p.text.startswith(site_data.form.plan.table_title)]
    assert captions and all(p.paragraph_format.keep_with_next for p in captions)


def test_footer_has_a_page_field_between_dashes(document):
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element
        assert "PAGE" in "".join(t.text for t in xml.iter(qn("w:instrText")))
        text = "".join(t.text or "" for t in xml.iter(qn("w:t")))
        assert text.startswith("— ") and text.endswith(" —")


def test_properties_and_zip_dates_come_from_the_data(document, site_data):
    props = document.core_properties
    nine_am = dt.datetime.combine(site_data.document.date, dt.time(9), TIMEZONE)
    assert props.created.replace(tzinfo=dt.timezone.utc) == nine_am
    assert props.modified == props.created
    assert props.title == site_data.form.title and props.author == site_data.document.issuer
    with zipfile.ZipFile(io.BytesIO(docx_file().read_bytes())) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        d = site_data.document.date
        assert {info.date_time for info in z.infolist()} == {(d.year, d.month, d.day, 0, 0, 0)}
        assert not [n for n in names if "thumbnail" in n or n.startswith("customXml")]


def test_two_renders_are_byte_identical(site_data, tmp_path):
    first = form_docx.produce(site_data, tmp_path / "a")[0]
    second = form_docx.produce(site_data, tmp_path / "b")[0]
    assert (tmp_path / "a" / first.path).read_bytes() == (tmp_path / "b" / second.path).read_bytes()
    assert (tmp_path / "a" / first.path).read_bytes() == docx_file().read_bytes()


# --- LibreOffice ---------------------------------------------------------------------
def test_libreoffice_opens_it_on_the_announced_number_of_pages(site_data):
    """The page count on the site comes from the PDF engine; LibreOffice paginates the DOCX alike."""
    item = produced()["form-docx"][0]
    rendered = libreoffice_pdf()
    assert pdf_pages(rendered) == item.pages == pdf_pages(pdf_file())
    assert 3 <= item.pages <= 5  # the blank form as published: 5 pages, an activity table a page
    info = tool("pdfinfo", str(rendered))
    assert "595.3" in info and "841.89" in info  # A4 in points


def test_libreoffice_shows_every_label(site_data):
    text = squash(pdf_text(libreoffice_pdf(), raw=True))  # content order: a label's lines stay together
    missing = [label for label in expected_labels(site_data) if squash(label) not in text]
    assert not missing


def test_word_and_pdf_match_page_for_page(site_data):
    """Each heading, caption and page number sits on the same page in both files."""
    word, pdf = libreoffice_pdf(), pdf_file()
    assert pdf_pages(word) == pdf_pages(pdf)
    form = site_data.form
    markers = [form.basic.heading, form.basic.note, form.plan.heading, form.plan.instructions]
    markers += [f"{form.plan.table_title}{n}" for n in "一二三四五六七八九十"[: len(site_data.stages)]]
    for page in range(1, pdf_pages(pdf) + 1):
        in_word, in_pdf = squash(pdf_text(word, page)), squash(pdf_text(pdf, page))
        for marker in markers:
            assert (squash(marker) in in_word) == (squash(marker) in in_pdf), (page, marker)
        assert f"—{page}—" in in_word and f"—{page}—" in in_pdf


# --- Tick boxes and value cells: the contract the web form's Word export relies on -----------
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"


def _tc_text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def test_every_tick_box_is_a_checkbox_content_control_tagged_row_and_option(document, site_data):
    expected = []
    for row in site_data.form.basic.rows:
        if row.kind == "choice":
            expected += [f"tick:{row.label}:{o}" for o in site_data.form_options(row)]
            expected += [f"tick:{row.label}:其他"] if row.other_blank else []
    sdts = list(document.element.body.iter(qn("w:sdt")))
    tags = [sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) for sdt in sdts]
    assert tags == expected
    for sdt in sdts:
        box = sdt.find(f"{qn('w:sdtPr')}/{W14}checkbox")
        assert [(el.tag[len(W14):], dict((k[len(W14):], v) for k, v in el.attrib.items())) for el in box] == [
            ("checked", {"val": "0"}),
            ("checkedState", {"val": "2611", "font": "MS Gothic"}),
            ("uncheckedState", {"val": "25A1", "font": "MS Gothic"}),
        ]
        runs = sdt.find(qn("w:sdtContent")).findall(qn("w:r"))
        assert len(runs) == 1 and [t.text for t in runs[0].iter(qn("w:t"))] == ["□"]
    # no □ typed as a plain character anywhere: every box can be clicked
    plain = [t for t in document.element.body.iter(qn("w:t")) if "□" in (t.text or "")]
    assert len(plain) == len(sdts)


def test_every_value_cell_is_right_of_its_label_and_holds_one_empty_paragraph(document, site_data):
    """Blank cells: the one right of each label (header, section 一, every activity element)."""
    labels = []
    for table in document.tables:
        for tr in table._tbl.iter(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            for index, tc in enumerate(cells):
                if _tc_text(tc) or tc.find(f".//{qn('w:sdt')}") is not None:
                    continue
                if tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}") is not None and index == 0:
                    continue  # the continuation of a rowspan label
                assert index > 0, "a blank cell with no label on its left"
                paragraphs = tc.findall(qn("w:p"))
                assert len(paragraphs) == 1 and not paragraphs[0].findall(qn("w:r"))
                labels.append(squash(_tc_text(cells[index - 1])))
    form = site_data.form
    expected = [f"{f}：" for f in form.header_fields]
    for row in form.basic.rows:
        if row.kind == "contact":
            expected += [name for pair in row.fields for name in pair]
        elif row.kind != "choice":
            expected.append(row.shown_label)
    expected += form.plan.elements * len(site_data.stages)
    assert labels == expected


def test_nothing_but_the_form_and_page_numbers_is_printed(document, edition_dir):
    """Page 1 has no header of the site's (a hint to tick boxes there was printed, stamped and sent back):
    every header is empty, and the hint stands beside the download on the 样表 page."""
    section = document.sections[0]
    headers = [section.header, section.even_page_header, section.first_page_header]
    assert not [h.paragraphs[0].text for h in headers if h.paragraphs and h.paragraphs[0].text]
    footer = section.footer._element
    assert "PAGE" in "".join(t.text for t in footer.iter(qn("w:instrText")))
    page = (edition_dir / "form" / "index.html").read_text(encoding="utf-8")
    assert "Word 版可用 Word 或 WPS 直接填写（单击□即可勾选）" in page


def test_libreoffice_renders_the_tick_boxes():
    text = squash(pdf_text(libreoffice_pdf()))
    boxes = squash(all_text(docx.Document(str(docx_file())))).count("□")
    assert boxes > 5 and text.count("□") == boxes  # every box, and no other (no hint printed on the form)


def test_seal_area_beside_its_label_is_a_borderless_42mm_square(document, site_data):
    header = document.tables[0]
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in borders} == {"nil"}
    row = header.rows[0]
    assert row.height >= Mm(42)
    cells = row._tr.findall(qn("w:tc"))
    assert _tc_text(cells[0]) == f"{site_data.form.header_fields[0]}："
    width = int(cells[1].find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
    assert width >= round(42 / 25.4 * 1440)


def test_nothing_in_the_file_mentions_how_it_was_made():
    with zipfile.ZipFile(io.BytesIO(docx_file().read_bytes())) as z:
        for name in z.namelist():
            text = z.read(name).decode("utf-8", "replace")
            for word in ("python-docx", "sitegen", "form.yaml", "生成", "<Application", "AppVersion", "Normal.dotm"):
                assert word not in text, (name, word)
