"""The printed layout of 特色亮点活动筹备方案（样表）, shared by the DOCX and the PDF.

Both renderers read the blocks built here (paragraphs and tables with fixed
column widths and row heights, page breaks, fonts and sizes), so the Word
file and the PDF are the same document page for page and neither re-derives
the rows from ``data/form.yaml``.

Page set-up after GB/T 9704-2012 《党政机关公文格式》: A4, top margin 37 mm,
left 28 mm, text block 156 mm × 225 mm; title in 小标宋 二号, body in 仿宋
三号 (16 pt), first-level headings in 黑体, page numbers "— 1 —" in 宋体 四号
7 mm below the text block (odd pages right, even pages left, one character in).
Tables use 仿宋 四号 (14 pt) and nothing below 小四 (12 pt).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field

from ..model import SiteData
from ..textfmt import cn_number, stage_span

PT_TO_MM = 25.4 / 72

# --- Page (millimetres) -------------------------------------------------------
PAGE_WIDTH = 210.0
PAGE_HEIGHT = 297.0
MARGIN_TOP = 37.0
MARGIN_LEFT = 28.0
TEXT_WIDTH = 156.0
TEXT_HEIGHT = 225.0
MARGIN_RIGHT = PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH  # 26 mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT  # 35 mm
PAGE_SLACK = 4.0  # mm kept free on every page for differences between Word, WPS and the PDF engine
PAGE_NUMBER_GAP = 7.0  # centre of the page-number line below the text block
PAGE_NUMBER_SIZE = 14.0  # 四号
PAGE_NUMBER_LINE = 18.0  # pt, exact line height of the page-number line

# --- Tables ------------------------------------------------------------------
BORDER_PT = 0.75
CELL_PAD_X = 1.5  # mm, left and right text inset inside a cell
CELL_PAD_Y = 1.0  # mm, top and bottom
LABEL_WIDTH = 35.0  # first column of every table
SUB_LABEL_WIDTH = 24.0  # 姓名 / 办公电话 … in the contact grid
TEXT_ROW_MIN = 12.0  # a one-line answer (handwriting needs ~10 mm)
TEXT_ROW_FLOOR = 10.0  # never squeeze a row below this to fit a page
CONTACT_ROW_MIN = 10.0
ACTIVITY_ROW_MIN = 12.0
ACTIVITY_ROW_MAX = 28.0
OPTION_GAP = "\u3000\u3000"  # two ideographic spaces between tick-box options
OTHER_BLANK = "＿＿＿＿＿"  # the write-in blank after the last 面向群体 option
TICK_BOX = "□"


@dataclass(frozen=True)
class FontRole:
    """A typeface as the DOCX names it and as the PDF finds it on the build machine.

    ``word`` is what the DOCX asks for (with ``word[1]`` as the alternative
    Word and WPS substitute); ``installed`` is searched in order among the
    fonts fontconfig knows, the first one present is used for the PDF.
    ``fallback`` faces are lighter than the intended one and get ``fallback_weight``.
    """

    word: tuple[str, str]
    installed: tuple[str, ...]
    fallback: tuple[str, ...]
    fallback_weight: int = 400

    @property
    def candidates(self) -> tuple[str, ...]:
        return self.installed + self.fallback


FONTS: dict[str, FontRole] = {
    "title": FontRole(
        word=("方正小标宋简体", "宋体"),
        installed=("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05"),
        fallback=("宋体", "SimSun", "Songti SC", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN"),
        fallback_weight=700,
    ),
    "body": FontRole(
        word=("仿宋_GB2312", "仿宋"),
        installed=("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong"),
        fallback=("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN"),
    ),
    "heading": FontRole(
        word=("黑体", "SimHei"),
        installed=("黑体", "SimHei", "STHeiti"),
        fallback=("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN"),
    ),
    "number": FontRole(
        word=("宋体", "SimSun"),
        installed=("宋体", "SimSun", "Songti SC", "STSong"),
        fallback=("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN"),
    ),
}


@dataclass(frozen=True)
class Style:
    """How a paragraph is set. Sizes and line heights in points."""

    font: str  # a key of FONTS
    size: float
    line: float  # exact line height
    align: str = "left"  # left | center | justify | distribute
    indent_em: float = 0.0  # first-line indent
    before: float = 0.0
    after: float = 0.0
    bold: bool = False


STYLES: dict[str, Style] = {
    "title": Style("title", 22, 32, "center", after=16),  # 二号小标宋
    "fields": Style("body", 16, 28),
    "heading": Style("heading", 16, 28, before=6),  # 黑体三号
    "body": Style("body", 16, 28, "justify", indent_em=2),
    "note": Style("body", 16, 28, "justify", before=6),
    "caption": Style("body", 16, 28, "center", bold=True, after=4),
    "label": Style("body", 14, 20, "center"),  # 四号 in tables
    "hint": Style("body", 12, 17, "center"),  # 小四: the smallest size used
    "cell": Style("body", 14, 20, "left"),
    "footer": Style("number", PAGE_NUMBER_SIZE, PAGE_NUMBER_LINE),
}


@dataclass(frozen=True)
class Line:
    """One line of text in a given style (a paragraph when alone)."""

    text: str
    style: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str
    page_break_before: bool = False
    keep_with_next: bool = False
    role: str = ""  # what it is, for tests and ids: title, heading, note …


@dataclass(frozen=True)
class FieldLine:
    """单位盖章：…  报送时间：… on one line; ``stops`` are x positions in mm."""

    fields: list[str]
    stops: list[float]
    style: str = "fields"


@dataclass(frozen=True)
class Cell:
    lines: list[Line] = field(default_factory=list)  # empty: a blank to fill in
    colspan: int = 1
    rowspan: int = 1
    valign: str = "center"  # center | top
    kind: str = "blank"  # label | sub-label | options | blank

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    height: float  # mm, the minimum (rows grow when filled in)


@dataclass(frozen=True)
class Table:
    key: str
    columns: list[float]  # mm, adding up to TEXT_WIDTH
    rows: list[Row]

    @property
    def height(self) -> float:
        return sum(r.height for r in self.rows)


Block = Paragraph | FieldLine | Table


@dataclass(frozen=True)
class FormLayout:
    title: str
    file_name: str
    subject: str
    author: str
    date: dt.date
    blocks: list[Block]
    pages: int


class LayoutError(ValueError):
    """The form does not fit the planned pages (too many rows for one page)."""


# --- Measuring ------------------------------------------------------------------
def ems(text: str) -> float:
    """Width of ``text`` in ems: CJK, full-width and ambiguous characters are 1 em."""
    width = 0.0
    for char in text:
        width += 1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.55
    return width


def line_count(text: str, width_mm: float, size_pt: float, indent_em: float = 0.0) -> int:
    """Lines ``text`` takes in a column ``width_mm`` wide (explicit breaks kept)."""
    per_line = width_mm / (size_pt * PT_TO_MM)
    # Leave a little room for line-breaking rules (no 。，） at a line start).
    usable = max(per_line - 0.15, 1.0)
    total = 0
    for index, part in enumerate(text.split("\n")):
        need = ems(part) + (indent_em if index == 0 else 0)
        total += max(1, math.ceil(need / usable))
    return total


def paragraph_height(text: str, style_name: str, width: float = TEXT_WIDTH) -> float:
    style = STYLES[style_name]
    lines = line_count(text, width, style.size, style.indent_em)
    return (lines * style.line + style.before + style.after) * PT_TO_MM


def cell_content_height(cell: Cell, width: float) -> float:
    inner = width - 2 * CELL_PAD_X
    height = 0.0
    for line in cell.lines:
        style = STYLES[line.style]
        height += line_count(line.text, inner, style.size) * style.line * PT_TO_MM
    return height + 2 * CELL_PAD_Y


def option_lines(options: list[str], width_mm: float, style_name: str = "cell") -> str:
    """Tick-box options, as many per line as fit, lines joined by "\\n".

    Breaking the lines here (not in Word or the PDF engine) keeps every
    "□ option" whole and makes both files break at the same place.
    """
    style = STYLES[style_name]
    per_line = (width_mm - 2 * CELL_PAD_X) / (style.size * PT_TO_MM) - 0.15
    gap = OPTION_GAP
    lines: list[str] = []
    current = ""
    for item in (f"{TICK_BOX}{o}" for o in options):
        candidate = f"{current}{gap}{item}" if current else item
        if current and ems(candidate) > per_line:
            lines.append(current)
            current = item
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)


def balanced_lines(text: str, width_mm: float, style_name: str) -> str:
    """Break a label that does not fit its column into lines of even length (主办单位 / 联系人)."""
    style = STYLES[style_name]
    lines = line_count(text, width_mm - 2 * CELL_PAD_X, style.size)
    if lines <= 1 or "\n" in text:
        return text
    size = math.ceil(len(text) / lines)
    return "\n".join(text[i : i + size] for i in range(0, len(text), size))


def title_lines(title: str) -> str:
    """Break a title too long for one line after its closing quote, as the source does.

    2021年“全国科技工作者日”
    特色亮点活动筹备方案（样表）
    """
    style = STYLES["title"]
    per_line = TEXT_WIDTH / (style.size * PT_TO_MM) - 0.15
    if ems(title) <= per_line:
        return title
    for cut in range(len(title) - 1, 0, -1):
        if title[cut - 1] in "”」）" and ems(title[:cut]) <= per_line and ems(title[cut:]) <= per_line:
            return f"{title[:cut]}\n{title[cut:]}"
    return title


# --- Building the layout ---------------------------------------------------------
def basic_table(site: SiteData) -> Table:
    form = site.form
    value_width = TEXT_WIDTH - LABEL_WIDTH
    blank_width = (value_width - 2 * SUB_LABEL_WIDTH) / 2
    columns = [LABEL_WIDTH, SUB_LABEL_WIDTH, blank_width, SUB_LABEL_WIDTH, blank_width]
    rows: list[Row] = []
    for row in form.basic.rows:
        label_lines = [Line(balanced_lines(row.label, LABEL_WIDTH, "label"), "label")]
        if row.hint:
            label_lines.append(Line(row.hint, "hint"))
        label = Cell(label_lines, kind="label")
        if row.kind == "contact":
            fields = row.fields or []
            for index, pair in enumerate(fields):
                cells: list[Cell] = []
                if index == 0:
                    cells.append(Cell(label.lines, rowspan=len(fields), kind="label"))
                for name in pair:
                    cells.append(Cell([Line(name, "label")], kind="sub-label"))
                    span = 1 if len(pair) > 1 else 3
                    cells.append(Cell(colspan=span, kind="blank"))
                rows.append(Row(cells, CONTACT_ROW_MIN))
            continue
        if row.kind == "choice":
            options = site.form_options(row)
            if row.other_blank:
                options = options + [OTHER_BLANK]
            value = Cell([Line(option_lines(options, value_width), "cell")], colspan=4, kind="options")
        else:
            value = Cell(colspan=4, kind="blank")
        rows.append(Row([label, value], TEXT_ROW_MIN))
    return Table("basic", columns, _fit_rows(rows, columns))


def _fit_rows(rows: list[Row], columns: list[float]) -> list[Row]:
    """Raise each row to the height its text needs (a rowspan shares its rows)."""
    heights = [r.height for r in rows]
    for r_index, _row, placed in iter_grid(Table("", columns, rows)):
        for col, cell in placed:
            width = sum(columns[col : col + cell.colspan])
            need = cell_content_height(cell, width)
            span = range(r_index, min(r_index + cell.rowspan, len(rows)))
            have = sum(heights[k] for k in span)
            if need > have:
                for k in span:
                    heights[k] += (need - have) / len(span)
    return [Row(row.cells, round(h, 1)) for row, h in zip(rows, heights)]


def activity_table(site: SiteData, index: int, row_height: float) -> Table:
    plan = site.form.plan
    rows = [
        Row([Cell([Line(element, "label")], kind="label"), Cell(kind="blank", valign="top")], row_height)
        for element in plan.elements
    ]
    return Table(f"activity-{index}", [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH], rows)


def activity_caption(site: SiteData, index: int) -> str:
    stage = site.stages[index - 1]
    return f"{site.form.plan.table_title}{cn_number(index)}（{stage.name}，{stage_span(stage)}）"


def limit_text(site: SiteData) -> str:
    return f"原则上每项活动{site.form.plan.word_limit}字以内，一项一表，表格可自行复制。"


def form_layout(site: SiteData) -> FormLayout:
    """The whole sample table as pages of blocks.

    Page 1: title, 单位盖章/报送时间, 一、基本信息 with its table and the 注.
    Page 2: 二、工作方案, its instructions and the first activity table;
    then one activity table per page (一项一表).
    """
    form = site.form
    title = Paragraph(title_lines(form.title), "title", role="title")
    fields = FieldLine([f"{name}：" for name in form.header_fields], [0.0, TEXT_WIDTH / 2][: len(form.header_fields)])
    heading1 = Paragraph(form.basic.heading, "heading", keep_with_next=True, role="heading")
    table1 = basic_table(site)
    note = Paragraph(form.basic.note, "note", role="note")

    page1 = (
        paragraph_height(title.text, "title")
        + paragraph_height("", "fields") * math.ceil(len(form.header_fields) / 2)
        + paragraph_height(heading1.text, "heading")
        + table1.height
        + paragraph_height(note.text, "note")
    )
    if page1 > TEXT_HEIGHT - PAGE_SLACK:
        table1 = _squeeze(table1, page1 - TEXT_HEIGHT + PAGE_SLACK)

    heading2 = Paragraph(form.plan.heading, "heading", page_break_before=True, keep_with_next=True, role="heading")
    instructions = Paragraph(form.plan.instructions, "body", keep_with_next=True, role="instructions")
    captions = [activity_caption(site, i) for i in range(1, len(site.stages) + 1)]
    limit = Paragraph(limit_text(site), "note", role="limit")
    # One activity table per page. The first shares page 2 with the heading and
    # the instructions; the others are all as tall as the last page allows (it
    # ends with the limit line), so that they look alike.
    n = max(len(form.plan.elements), 1)
    blocks: list[Block] = [title, fields, heading1, table1, note, heading2, instructions]
    for index, caption in enumerate(captions, start=1):
        room = TEXT_HEIGHT - PAGE_SLACK - paragraph_height(caption, "caption")
        if index == 1:
            room -= paragraph_height(heading2.text, "heading") + paragraph_height(instructions.text, "body")
        if index > 1 or len(captions) == 1:
            room -= paragraph_height(limit.text, "note")
        row_height = min(ACTIVITY_ROW_MAX, math.floor(room / n * 2) / 2)
        if row_height < ACTIVITY_ROW_MIN:
            raise LayoutError(
                f"data/form.yaml: plan.elements 有 {n} 项，活动表放不进一页"
                f"（每行只剩 {row_height:.1f} mm，至少需要 {ACTIVITY_ROW_MIN:.0f} mm）"
            )
        blocks.append(Paragraph(caption, "caption", page_break_before=index > 1, keep_with_next=True, role="caption"))
        blocks.append(activity_table(site, index, row_height))
    blocks.append(limit)

    return FormLayout(
        title=form.title,
        file_name=form.file_name,
        subject=site.document.title,
        author=site.document.issuer,
        date=site.document.date,
        blocks=blocks,
        pages=1 + max(len(captions), 1),
    )


def _squeeze(table: Table, excess: float) -> Table:
    """Take ``excess`` mm from the blank text rows (never below TEXT_ROW_FLOOR)."""
    blank_rows = [
        i for i, r in enumerate(table.rows) if [c.kind for c in r.cells] == ["label", "blank"] and r.height > TEXT_ROW_FLOOR
    ]
    spare = sum(table.rows[i].height - TEXT_ROW_FLOOR for i in blank_rows)
    if spare < excess:
        raise LayoutError(
            f"data/form.yaml: basic.rows 共 {len(table.rows)} 行，第一页放不下"
            f"（超出 {excess - spare:.0f} mm）；请减少行数或缩短说明文字"
        )
    cut = excess / len(blank_rows)
    rows = [
        Row(r.cells, round(r.height - cut, 1)) if i in blank_rows else r for i, r in enumerate(table.rows)
    ]
    return Table(table.key, table.columns, rows)


def iter_grid(table: Table):
    """Yield (row index, row, [(grid column, cell)]) with rowspans accounted for."""
    taken: dict[tuple[int, int], bool] = {}
    for r_index, row in enumerate(table.rows):
        col = 0
        placed = []
        for cell in row.cells:
            while taken.get((r_index, col)):
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r_index + dr, col + dc)] = True
            col += cell.colspan
        yield r_index, row, placed
