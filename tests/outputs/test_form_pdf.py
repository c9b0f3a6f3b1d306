"""The sample table as PDF: real text, every font embedded and subset, A4, ≤ 300 KB,
dates and identifier from the data, and a clear stop when no Chinese font exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from formfiles import ROOT, expected_labels, pdf_file, pdf_pages, pdf_text, produced, squash, tool
from sitegen.build import BuildError
from sitegen.outputs import form_layout, form_pdf


def test_produce_reports_a_stable_ascii_url_and_the_chinese_file_name(site_data):
    item, path, _ = produced()["form-pdf"]
    assert item.key == "form-pdf" and item.format == "PDF 文档"
    assert item.path == f"downloads/form-{site_data.document.date.year}.pdf" and item.path.isascii()
    assert item.file_name == f"{site_data.key}年{site_data.form.file_name}.pdf"
    assert item.date == site_data.document.date or any(c.date == item.date for c in site_data.history)
    assert path.read_bytes().startswith(b"%PDF-")


def test_a4_pages_as_announced_and_small():
    item, path, _ = produced()["form-pdf"]
    info = tool("pdfinfo", str(path))
    assert re.search(r"Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)", info)
    assert pdf_pages(path) == item.pages == produced()["form-docx"][0].pages
    assert path.stat().st_size <= form_pdf.MAX_BYTES == 300 * 1024


def test_every_label_is_searchable_text(site_data):
    text = squash(pdf_text(pdf_file()))
    missing = [label for label in expected_labels(site_data) if squash(label) not in text]
    assert not missing


def test_page_numbers_between_dashes():
    for page in range(1, pdf_pages(pdf_file()) + 1):
        assert f"—{page}—" in squash(pdf_text(pdf_file(), page))


def test_all_fonts_are_embedded_subset_chinese_fonts():
    lines = tool("pdffonts", str(pdf_file())).splitlines()[2:]
    assert lines, "no fonts in the PDF"
    known = [re.sub(r"[\s_-]", "", n).lower() for role in form_layout.FONTS.values() for n in role.candidates]
    for line in lines:
        name, emb, sub, uni = re.match(r"(\S+)\s.*?\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line).groups()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line
        base = re.sub(r"[\s_-]", "", name.split("+", 1)[-1]).lower()
        assert any(k in base for k in known), f"{name} is not one of the CJK faces"


def test_metadata_and_identifier_come_from_the_data(site_data):
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_file()))
    meta = reader.metadata
    d = site_data.document.date
    assert meta["/CreationDate"] == meta["/ModDate"] == f"D:{d:%Y%m%d}090000+08'00"
    assert meta["/Title"] == site_data.form.title
    assert meta["/Author"] == site_data.document.issuer
    assert reader.trailer["/ID"][0] == form_pdf.identifier(form_layout.form_layout(site_data)).decode()


def test_two_renders_are_byte_identical(site_data, tmp_path):
    form_pdf._render.cache_clear()  # a second real render, not the one cached for the page count
    item = form_pdf.produce(site_data, tmp_path)[0]
    assert (tmp_path / item.path).read_bytes() == pdf_file().read_bytes()


def test_fonts_are_chosen_from_what_is_installed():
    fonts = form_pdf.choose_fonts({"仿宋_GB2312", "黑体", "Noto Serif CJK SC", "Noto Sans CJK SC"})
    assert fonts["body"] == ("仿宋_GB2312", 400)
    assert fonts["heading"] == ("黑体", 400)
    assert fonts["title"] == ("Noto Serif CJK SC", 700)  # no 小标宋 or 宋体: a bold Song face stands in
    assert form_pdf.choose_fonts({"方正小标宋简体", "仿宋"})["title"] == ("方正小标宋简体", 400)
    only_noto = form_pdf.choose_fonts({"Noto Serif CJK SC"})
    assert only_noto["heading"] == only_noto["body"] == ("Noto Serif CJK SC", 400)


def test_without_a_chinese_font_the_producer_stops_with_a_clear_message(site_data, tmp_path, monkeypatch):
    monkeypatch.setattr(form_pdf, "font_lister", lambda: {"DejaVu Sans", "DejaVu Serif"})
    with pytest.raises(BuildError, match="make system") as caught:
        form_pdf.produce(site_data, tmp_path)
    assert "中文字体" in str(caught.value)
    assert not list(tmp_path.rglob("*.pdf"))


def test_without_a_chinese_font_the_build_command_fails(tmp_path):
    """End to end: fontconfig sees no font at all, `sitegen generate` exits non-zero and says why."""
    empty = tmp_path / "fonts"
    empty.mkdir()
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{empty}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "PYTHONPATH": str(ROOT / "scripts")}
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", "--root", str(ROOT), "generate", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode != 0
    assert "中文字体" in run.stderr and "make system" in run.stderr
    assert not (tmp_path / "out" / "downloads").exists() or not list((tmp_path / "out").rglob("*.pdf"))



# --- Fonts: free simplified-Chinese faces (Fandol), never Japanese glyph forms --------------
def _pdf_font_names(path) -> list[str]:
    return [line.split()[0].split("+", 1)[-1] for line in tool("pdffonts", str(path)).splitlines()[2:]]


def test_the_pdf_is_set_in_fandol_fang_song_and_hei():
    """scripts/setup/system-packages.sh unpacks them; without them the PDF would be set in Noto."""
    names = _pdf_font_names(pdf_file())
    assert any(n.startswith("FandolFang") for n in names), names  # body: 仿宋
    assert any(n.startswith("FandolHei") for n in names), names  # 一、二、 headings: 黑体
    assert any(n.startswith("FandolSong") for n in names), names  # title and page numbers: 宋体
    assert not [n for n in names if "JP" in n or "KR" in n]


def test_fandol_has_simplified_chinese_forms_and_fontconfig_does_not_fall_back_to_japanese():
    from fontTools.ttLib import TTFont

    for family in ("FandolFang", "FandolHei", "FandolSong"):
        # 直 角 骨 are drawn differently in Japanese and Chinese fonts: the face itself must have them.
        match = tool("fc-match", "--format=%{family}\n%{file}", f"{family}:lang=zh-cn:charset=76f4 89d2 9aa8")
        found, file = match.splitlines()
        assert family in found.split(","), match
        cff = TTFont(file, lazy=True)["CFF "].cff
        ros = cff.topDictIndex[0].ROS
        assert ros[:2] == ("Adobe", "GB1"), ros  # the simplified-Chinese character collection


def test_a_jp_sc_distinguishing_glyph_is_set_in_fandol(tmp_path):
    from weasyprint import HTML

    fonts = form_pdf.choose_fonts(form_pdf.font_lister())
    html = form_pdf.render_html(form_layout.form_layout(_site()), fonts)
    html = html.replace("</body>", '<p class="s-body">直角骨</p><p class="s-heading">直角骨</p></body>')
    target = tmp_path / "glyphs.pdf"
    HTML(string=html).write_pdf(target)
    names = _pdf_font_names(target)
    assert names and all(n.startswith("Fandol") for n in names), names


def _site():
    from formfiles import site

    return site()


def test_creator_and_producer_name_the_society_not_the_build(site_data):
    from pypdf import PdfReader

    meta = PdfReader(str(pdf_file())).metadata
    assert meta["/Creator"] == meta["/Producer"] == site_data.document.issuer
    raw = pdf_file().read_bytes()
    for word in (b"WeasyPrint", b"sitegen", b"form.yaml"):
        assert word not in raw
