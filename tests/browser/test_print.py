"""Printing 通知 and 实施方案 with Chromium gives GB/T 9704-2012 pages (docs/assets/print.css).

Each page is printed to PDF as a reader's browser would (CSS page size),
then read back: A4 pages, the whole official text and nothing of the site
around it (navigation, search, footer, reader controls, reader notes), the
text block inside the 37 mm top / 28 mm left / 26 mm right / 35 mm bottom
margins, page numbers below it, and 仿宋 16 pt body / 小标宋 22 pt title.

Horizontal positions come from ``pdftotext -bbox``. Vertical ones come from
the ink of the rendered page (``pdftoppm``), because Chromium embeds the CJK
fonts as Type 3 fonts whose boxes in ``-bbox`` are about 2.6 times the type
size and reach far above the glyphs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from pagecheck import nav_titles

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "outputs"))
import formfiles  # noqa: E402  (tests/outputs: reading PDF pages)

pytestmark = pytest.mark.browser

MM = 72 / 25.4  # points per millimetre
A4 = (210 * MM, 297 * MM)
TOP, LEFT, RIGHT, BOTTOM = 37, 28, 26, 35  # GB/T 9704-2012 margins, mm
TOLERANCE = 1.0  # mm, the standard's own ±1 mm
PAGE_NUMBER_GAP = 7  # mm between the text block and the page number
OFFICIAL_PAGES = ("notice/", "plan/")  # below each edition's folder: /<year>/notice/

# What the site shows on screen around the document, read from the page itself.
SCREEN_TEXT = """() => {
  const official = document.querySelector(".official").cloneNode(true);
  official.querySelectorAll(".headerlink").forEach(a => a.remove());
  const blocks = [...official.querySelectorAll("p, h2, h3, h4")]
    .map(el => el.textContent.replace(/\\s+/g, ""))
    .filter(Boolean);
  const text = sel => [...document.querySelectorAll(sel)].map(el => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(a => a.remove());
    return copy.textContent.trim();
  }).filter(Boolean);
  return {
    official: official.textContent.replace(/\\s+/g, ""),
    blocks,
    title: document.querySelector(".official__title").textContent.replace(/#$/, "").trim(),
    heading: text("article h1"),
    controls: [...document.querySelectorAll(".reader-controls button, .reader-controls__label")].map(b => b.textContent.trim()),
    notes: text(".reader-note"),
    search: document.querySelector("[data-md-component=search-query]")?.getAttribute("placeholder") || "",
  };
}"""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml, whose python/object tags safe_load refuses."""


_IgnoreTags.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


@pytest.fixture(scope="module")
def mkdocs_config(root) -> dict:
    return yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)


@pytest.fixture(scope="module")
def printed(browser, server, site_data, tmp_path_factory) -> dict:
    """path -> (pdf file, what the screen version of the page shows), for the edition under test."""
    out = tmp_path_factory.mktemp(f"print-{site_data.key}")
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    result = {}
    for path in OFFICIAL_PAGES:
        page.goto(f"{server}{site_data.key}/{path}", wait_until="networkidle")
        screen = page.evaluate(SCREEN_TEXT)
        pdf = out / (path.strip("/") + ".pdf")
        page.pdf(path=str(pdf), prefer_css_page_size=True)
        result[path] = (pdf, screen)
    page.close()
    return result


PAGE_NUMBER = re.compile(r"^\s*—\s*\d+\s*—\s*$", re.M)


def pdf_text(pdf: Path, *, page_numbers: bool = False) -> str:
    """The printed text in reading order; page numbers (“— 2 —”) removed so
    that a paragraph running over a page break reads as one."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text if page_numbers else PAGE_NUMBER.sub("", text).replace("\f", "")


def pdf_words(pdf: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page: (word, xMin, yMin, xMax, yMax) in points."""
    xml = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tree = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    pages = []
    for page in tree.iter("page"):
        pages.append([
            (w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
            for w in page.iter("word")
        ])
    return pages


def ink_rows(pdf: Path, page_no: int) -> tuple[int, list[int]]:
    """Render one page at 72 dpi (1 px = 1 pt) in grey; return (width, rows that hold ink)."""
    width, height, pixels = formfiles.gray_page(pdf, page_no)
    rows = [y for y in range(height) if min(pixels[y * width:(y + 1) * width]) < 160]
    return width, rows


@pytest.mark.parametrize("path", OFFICIAL_PAGES)
def test_pages_are_a4(printed, path):
    pdf, _ = printed[path]
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 1
    for number, page in enumerate(reader.pages, 1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1, f"{path} page {number}: {width:.1f} × {height:.1f} pt, not A4"


@pytest.mark.parametrize("path", OFFICIAL_PAGES)
def test_whole_official_text_is_printed(printed, path):
    pdf, screen = printed[path]
    text = squash(pdf_text(pdf))
    assert squash(screen["title"]) in text, f"{path}: official title missing from the print"
    missing = [block for block in screen["blocks"] if block not in text]
    assert not missing, f"{path}: paragraphs of the official text missing from the print: {missing[:3]}"


@pytest.mark.parametrize("path", OFFICIAL_PAGES)
def test_no_site_furniture_in_print(printed, path, mkdocs_config, site_model, root):
    pdf, screen = printed[path]
    text = squash(pdf_text(pdf))
    official = screen["official"]
    unwanted = {f"导航“{label}”": label for label in nav_titles(site_model, root)}
    unwanted["站名"] = site_model.info.name
    unwanted["搜索"] = "搜索"
    if screen["search"]:
        unwanted["搜索框提示"] = screen["search"]
    copyright_text = mkdocs_config.get("copyright") or ""
    for part in re.split(r"\s*[·|]\s*", copyright_text):
        unwanted[f"页脚“{part}”"] = part
    for label in screen["controls"]:
        unwanted[f"阅读设置“{label}”"] = label
    for note in screen["notes"]:
        unwanted["读者说明"] = note[:20]
    for heading in screen["heading"]:
        unwanted["页面标题"] = heading
    assert screen["controls"], "the page has no reader controls to compare with"
    # Words that belong to the document itself (通知, 实施方案, 联系方式 …) are
    # only checked for where the document does not use them.
    found = {what: squash(s) for what, s in unwanted.items() if squash(s) and squash(s) not in official and squash(s) in text}
    assert not found, f"{path}: site text in the print: {found}"


@pytest.mark.parametrize("path", OFFICIAL_PAGES)
def test_text_block_inside_gbt_margins(printed, path):
    pdf, _ = printed[path]
    left_limit = (LEFT - TOLERANCE) * MM
    right_limit = A4[0] - (RIGHT - TOLERANCE) * MM
    top_limit = (TOP - TOLERANCE) * MM
    block_bottom = A4[1] - BOTTOM * MM
    for number, words in enumerate(pdf_words(pdf), 1):
        assert words, f"{path} page {number} is blank"
        left = min(w[1] for w in words)
        right = max(w[3] for w in words)
        assert left >= left_limit, f"{path} page {number}: text starts {left / MM:.1f} mm from the left edge (GB/T: 28 mm)"
        assert abs(left - LEFT * MM) <= TOLERANCE * MM * 2, f"{path} page {number}: left margin {left / MM:.1f} mm, expected 28 mm"
        assert right <= right_limit, f"{path} page {number}: text reaches {(A4[0] - right) / MM:.1f} mm from the right edge (GB/T: 26 mm)"

        width, rows = ink_rows(pdf, number)
        assert rows, f"{path} page {number}: no ink"
        top = rows[0]
        assert top >= top_limit, f"{path} page {number}: printing starts {top / MM:.1f} mm from the top (GB/T: 37 mm)"
        # Everything but the page number stays in the text block; the page
        # number sits about 7 mm below it.
        body = [y for y in rows if y < block_bottom + (PAGE_NUMBER_GAP / 2) * MM]
        footer = [y for y in rows if y >= block_bottom + (PAGE_NUMBER_GAP / 2) * MM]
        assert body and body[-1] <= block_bottom + TOLERANCE * MM, f"{path} page {number}: text runs {(A4[1] - body[-1]) / MM:.1f} mm above the bottom edge (GB/T: 35 mm)"
        assert footer, f"{path} page {number}: no page number below the text block"
        assert abs(footer[0] - (block_bottom + PAGE_NUMBER_GAP * MM)) <= 3 * MM, f"{path} page {number}: page number {(footer[0] - block_bottom) / MM:.1f} mm below the text block (GB/T: 7 mm)"


@pytest.mark.parametrize("path", OFFICIAL_PAGES)
def test_page_numbers_in_gbt_style(printed, path):
    pdf, _ = printed[path]
    pages = PdfReader(str(pdf)).pages
    for number, page in enumerate(pages, 1):
        text = squash(page.extract_text() or "")
        assert f"—{number}—" in text, f"{path} page {number}: no page number “— {number} —”"
    words = pdf_words(pdf)
    for number, page_words in enumerate(words, 1):
        marks = [w for w in page_words if squash(w[0]).strip("—") == str(number) or w[0] == str(number)]
        assert marks, f"{path} page {number}: page number not found"
        x_mid = (marks[-1][1] + marks[-1][3]) / 2
        if number % 2:
            assert x_mid > A4[0] / 2, f"{path} page {number}: odd page number should be on the right"
        else:
            assert x_mid < A4[0] / 2, f"{path} page {number}: even page number should be on the left"


@pytest.mark.parametrize("path", OFFICIAL_PAGES)
def test_print_typefaces_and_sizes(browser, server, site_data, path):
    page = browser.new_page()
    page.emulate_media(media="print")
    page.goto(f"{server}{site_data.key}/{path}", wait_until="networkidle")
    style = page.evaluate("""() => {
      const css = sel => { const el = document.querySelector(sel); const c = getComputedStyle(el);
        return { family: c.fontFamily, size: parseFloat(c.fontSize), line: parseFloat(c.lineHeight), indent: c.textIndent, display: c.display }; };
      return {
        body: css(".official__title ~ p:not([class])"),
        title: css(".official__title"),
        header: getComputedStyle(document.querySelector(".md-header")).display,
        controls: getComputedStyle(document.querySelector(".reader-controls")).display,
      };
    }""")
    page.close()
    px_per_pt = 96 / 72
    body, title = style["body"], style["title"]
    assert body["family"].split(",")[0].strip('" ') == "仿宋_GB2312", body["family"]
    assert "FangSong" in body["family"] and "Noto Serif CJK SC" in body["family"], body["family"]
    assert abs(body["size"] - 16 * px_per_pt) < 0.1, f"body {body['size'] / px_per_pt:.1f} pt, GB/T 3号 is 16 pt"
    # 22 lines in the 225 mm text block
    assert abs(225 * MM / (body["line"] / px_per_pt) - 22) < 0.1
    assert title["family"].split(",")[0].strip('" ') == "方正小标宋简体", title["family"]
    assert abs(title["size"] - 22 * px_per_pt) < 0.1, f"title {title['size'] / px_per_pt:.1f} pt, GB/T 2号 is 22 pt"
    assert style["header"] == "none" and style["controls"] == "none"
