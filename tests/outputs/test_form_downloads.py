"""The sample table's download links on 样表 and 首页, and one definition feeding HTML, DOCX and PDF."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urljoin

import docx
import lxml.html
import pytest

from formfiles import pdf_pages, pdf_text, squash
from sitegen import check
from sitegen.build import build_site
from sitegen.outputs import form_docx, form_pdf
from sitegen.textfmt import cn_date, human_size

def download_items(page_file: Path) -> dict[str, object]:
    """The download box's links by file name on disk: each <li> of .downloads, parsed."""
    tree = lxml.html.fromstring(page_file.read_bytes())
    found = {}
    for item in tree.xpath('//div[contains(@class, "downloads")]/ul/li'):
        link = item.xpath("./a")[0]
        found[link.get("href").rsplit("/", 1)[-1]] = item
    return found


def check_links(page_file: Path, edition_dir: Path, site_data) -> None:
    found = download_items(page_file)
    tree = lxml.html.fromstring(page_file.read_bytes())
    box = tree.xpath('//div[contains(@class, "downloads")]')[0]
    about = box.xpath('.//details[contains(@class, "downloads__about")]')
    assert len(about) == 1, "the saved names, the date and the checksums are folded into one details element"
    about_text = about[0].text_content()
    for module, word in ((form_docx, "Word"), (form_pdf, "PDF")):
        rel = module.url_path(site_data)
        assert re.fullmatch(r"downloads/[a-z0-9.-]+", rel), "file names on disk stay ASCII (URLs do not change)"
        item = found[rel.rsplit("/", 1)[-1]]
        link = item.xpath("./a")[0]
        target = Path(urljoin(f"file://{page_file}", link.get("href"))[len("file://"):])
        assert target == edition_dir / rel and target.is_file()
        data = target.read_bytes()
        pages = pdf_pages(edition_dir / form_pdf.url_path(site_data))
        assert link.text_content() == f"样表 {word} 版"
        # GOV.UK style: type, size and page count on the line under the link.
        meta = item.xpath('./span[@class="downloads__meta"]')[0].text_content()
        assert meta == f"{word} 文档，{human_size(len(data))}，{pages} 页"
        # Saved under a readable Chinese name, with the year, from form.yaml.
        name = link.get("download")
        assert name == f"{site_data.key}年{site_data.form.file_name}{module.EXTENSION}"
        # No checksum and no date on the reading path; both in the details, the date the notice's.
        assert hashlib.sha256(data).hexdigest() not in item.text_content()
        assert hashlib.sha256(data).hexdigest() in about_text and name in about_text
    assert cn_date(site_data.document.date) in about_text
    text = box.text_content()
    assert "生成" not in text, "no build date"
    dates = set(re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", text))
    allowed = {cn_date(site_data.document.date)} | {cn_date(c.date) for c in site_data.changes}
    assert dates <= allowed, dates


@pytest.mark.parametrize("page", ["form/index.html", "index.html"])
def test_links_carry_name_format_size_and_pages(edition_dir, site_data, page):
    check_links(edition_dir / page, edition_dir, site_data)


def test_the_site_root_links_the_current_editions_form(built_site, site_model):
    current = site_model.current
    check_links(built_site / "index.html", built_site / current.key, current)


def test_check_mode_renders_without_downloads_and_without_dead_links(root, monkeypatch, site_model):
    rendered = {}
    real = check.render_site

    def capture(*args, **kwargs):
        rendered.update(real(*args, **kwargs))
        return rendered

    monkeypatch.setattr(check, "render_site", capture)
    check.check_all(root)
    names = [f"{e.key}/{page}" for e in site_model.editions for page in ("form.md", "index.md")] + ["index.md"]
    for name in names:
        assert "downloads/form-" not in rendered[name], name


def test_a_module_renamed_in_data_changes_html_docx_and_pdf(project_copy, site_data, tmp_path):
    old = site_data.modules[0].name
    new = "凝心聚力测试"
    modules = project_copy / "data" / site_data.key / "modules.yaml"
    text = modules.read_text(encoding="utf-8")
    assert text.count(f"name: {old}") == 1
    modules.write_text(text.replace(f"name: {old}", f"name: {new}"), encoding="utf-8")

    site_dir = build_site(project_copy, tmp_path / "site", drafts=True) / site_data.key

    page = (site_dir / "form" / "index.html").read_text(encoding="utf-8")
    table = page[page.index('id="form-basic"') : page.index("</table>", page.index('id="form-basic"'))]
    assert new in table and old not in table

    word = docx.Document(str(site_dir / form_docx.url_path(site_data)))
    cells = squash("".join(t.text for t in word.tables[1]._tbl.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
    assert f"□{new}" in cells and old not in cells

    text = squash(pdf_text(site_dir / form_pdf.url_path(site_data)))
    assert f"□{new}" in text and old not in text


def test_the_inferred_label_and_the_stage_blank_read_alike_in_html_docx_and_pdf(edition_dir, site_data):
    """主办单位［邮寄地址］ is the site's completion, marked and explained the same way in all three."""
    from sitegen.outputs import form_layout

    inferred = [row for row in site_data.form.basic.rows if row.inferred]
    page = (edition_dir / "form" / "index.html").read_text(encoding="utf-8")
    seen = re.sub(r'<span class="sr-only">[^<]*</span>', "", page)  # what the page shows, not what it reads out
    text = squash(re.sub(r"<[^>]+>", "", seen))
    word = docx.Document(str(edition_dir / form_docx.url_path(site_data)))
    word_text = squash("".join(t.text or "" for t in word.element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
    pdf = squash(pdf_text(edition_dir / form_pdf.url_path(site_data)))
    for row in inferred:
        assert f'<span class="form-table__inferred" title="本站补全">［{row.inferred}］</span>' in page
        for shown in (text, word_text, pdf):
            assert squash(row.shown_label) in shown
    for shown in (text, word_text, pdf):
        assert (form_layout.INFERRED_NOTE in shown) == bool(inferred)
        assert shown.count(f"（所属阶段：{form_layout.STAGE_BLANK}）") == len(site_data.stages)
    tables = page[page.index('id="form-plan"'):]
    assert not [s.name for s in site_data.stages if s.name in tables[: tables.index("form-sample__limit")]]


def test_about_lists_what_the_site_added_to_the_form(built_site):
    about = squash(re.sub(r"<[^>]+>", "", (built_site / "about" / "index.html").read_text(encoding="utf-8")))
    for added in ("活动表的排法", "所属阶段", "勾选框“□”", "单击□即可勾选”（提示不印在样表上）", "“面向群体”最后一项前的“□”",
                  "主办单位［邮寄地址］", "盖章处", "42毫米", "结尾一句", "FandolFang", "GPLv3", "GPLfontexception"):
        assert added in about, added
