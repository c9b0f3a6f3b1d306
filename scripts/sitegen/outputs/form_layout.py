"""The printed layout of 特色亮点活动筹备方案（样表）, shared by the DOCX and the PDF.

Both renderers read the blocks built here (paragraphs and tables with fixed
column widths and minimum row heights, fonts and sizes), so the Word file
and the PDF are the same document and neither re-derives the rows from
``data/form.yaml``.

Pagination is left to Word and to the PDF engine: there are no forced page
breaks, only rules saying what stays together. Headings and captions keep
with what follows; a row of 一、基本信息 is never left alone at the foot or the
head of a page (its first row keeps with the second, the row before the last
with the last; a rowspan group keeps together); each activity table stays on
one page when it fits (一项一表: its rows do not split and each keeps with the
next), and breaks between rows only when it is taller than a page. Rows grow
when filled in. So any number of stages, modules and rows flows onto as many
pages as it needs. The page count reported is
the one WeasyPrint actually lays the PDF out on (LibreOffice paginates the
DOCX the same way; the tests check that). The one thing that can fail is a
single row taller than a page, which no engine can place.

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
from dataclasses import dataclass, field, replace

from ..model import Edition
from ..textfmt import cn_number

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
PAGE_ROOM = TEXT_HEIGHT - PAGE_SLACK  # the tallest row (or rowspan group) that can be placed
PAGE_NUMBER_GAP = 7.0  # centre of the page-number line below the text block
PAGE_NUMBER_SIZE = 14.0  # 四号
PAGE_NUMBER_LINE = 18.0  # pt, exact line height of the page-number line

# --- Tables ------------------------------------------------------------------
BORDER_PT = 0.75
CELL_PAD_X = 1.5  # mm, left and right text inset inside a cell
CELL_PAD_Y = 1.0  # mm, top and bottom
LABEL_WIDTH = 35.0  # first column of every table
SUB_LABEL_WIDTH = 24.0  # 姓名 / 办公电话 … in the contact grid
# Minimum row heights. With the data as published, the seal area and most of
# section 一 fill page 1, the contact group and the mailing address (kept
# together) the notes and 二、工作方案 page 2, and each activity table a page of
# its own (pages 3–5), no page left nearly empty; rows grow when filled in (an
# activity of 500 字 in 四号 still fits one page, three stay within 6 pages) and
# extra rows flow onto more pages.
TEXT_ROW_MIN = 10.5  # a one-line answer (handwriting needs ~10 mm)
CONTACT_ROW_MIN = 10.0
ACTIVITY_ROW_MIN = 18.0  # room to write in by hand (two handwritten lines)
OPTION_GAP = "\u3000\u3000"  # two ideographic spaces between tick-box options
OTHER_BLANK = "＿＿＿＿＿"  # the write-in blank after the last 面向群体 option
TICK_BOX = "□"
TICK_OTHER = "其他"  # the option name of the write-in blank, in tick-box tags
STAGE_BLANK = "＿＿＿＿"  # 所属阶段 in each activity caption: a copied table names its own stage
SEAL_SIZE = 44.0  # mm: the borderless blank beside 单位盖章 takes a 42 mm round seal with room to spare
HEADER_LABEL_WIDTH = 32.0  # “单位盖章：” / “报送时间：” in 三号
INFERRED_NOTE = "方括号内为本站根据注的内容补全。"


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
        fallback=("宋体", "SimSun", "Songti SC", "STSong", "FandolSong", "Noto Serif CJK SC", "Source Han Serif SC",
                  "Source Han Serif CN"),
        fallback_weight=700,
    ),
    "body": FontRole(
        word=("仿宋_GB2312", "仿宋"),
        installed=("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "FandolFang"),
        fallback=("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN"),
    ),
    "heading": FontRole(
        word=("黑体", "SimHei"),
        installed=("黑体", "SimHei", "STHeiti", "FandolHei"),
        fallback=("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN"),
    ),
    "number": FontRole(
        word=("宋体", "SimSun"),
        installed=("宋体", "SimSun", "Songti SC", "STSong", "FandolSong"),
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
    name: str = ""  # options: the form.yaml row label the tick boxes belong to (their DOCX tags)

    @property
    def text(self) -> str:
        return "".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    height: float  # mm, the minimum (rows grow when filled in)
    keep_with_next: bool = False  # never break the page below this row (rowspan groups, widows, whole tables)
    origin: int = -1  # index of the entry of data/form.yaml it comes from (basic.rows / plan.elements)


@dataclass(frozen=True)
class Table:
    key: str
    columns: list[float]  # mm, adding up to TEXT_WIDTH
    rows: list[Row]
    borders: bool = True
    split_rows: bool = True  # False: a row never breaks across pages (short answers, two-line labels)

    @property
    def keep_together(self) -> bool:
        """The whole table on one page when it fits: every row but the last keeps with the next."""
        return len(self.rows) > 1 and all(row.keep_with_next for row in self.rows[:-1])

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
    """A row of the form is taller than a page, so no engine can place it."""


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

    <year>年“全国科技工作者日”
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
def basic_table(site: Edition) -> Table:
    form = site.form
    value_width = TEXT_WIDTH - LABEL_WIDTH
    blank_width = (value_width - 2 * SUB_LABEL_WIDTH) / 2
    columns = [LABEL_WIDTH, SUB_LABEL_WIDTH, blank_width, SUB_LABEL_WIDTH, blank_width]
    rows: list[Row] = []
    for origin, row in enumerate(form.basic.rows):
        label_lines = [Line(label_text(row), "label")]
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
                rows.append(Row(cells, CONTACT_ROW_MIN, keep_with_next=index < len(fields) - 1, origin=origin))
            continue
        if row.kind == "choice":
            options = site.form_options(row)
            if row.other_blank:
                options = options + [OTHER_BLANK]
            value = Cell([Line(option_lines(options, value_width), "cell")], colspan=4, kind="options", name=row.label)
        else:
            value = Cell(colspan=4, kind="blank")
        rows.append(Row([label, value], TEXT_ROW_MIN, origin=origin))
    return Table("basic", columns, _fit_rows(no_lone_rows(rows), columns), split_rows=False)


def no_lone_rows(rows: list[Row]) -> list[Row]:
    """No row alone at the head or the foot of a page: the first keeps with the second, the one before the last with the last.

    (Keeping the whole table together would carry it, with its heading, off page 1
    whenever the answers make it taller than the room below the seal area.)
    """
    if len(rows) < 3:
        return [replace(row, keep_with_next=True) if i < len(rows) - 1 else row for i, row in enumerate(rows)]
    rows = list(rows)
    for index in (0, len(rows) - 2):
        rows[index] = replace(rows[index], keep_with_next=True)
    return rows


def label_text(row) -> str:
    """A row's label as printed: 主办单位［邮寄地址］ on two lines when the site completed it."""
    text = balanced_lines(row.label, LABEL_WIDTH, "label")
    if not row.inferred:
        return text
    if line_count(row.shown_label, LABEL_WIDTH - 2 * CELL_PAD_X, STYLES["label"].size) == 1:
        return row.shown_label
    return f"{text}\n［{row.inferred}］"


def header_table(site: Edition) -> Table:
    """单位盖章 and 报送时间 in one borderless row: each label, then a blank to its right.

    The blank beside 单位盖章 is SEAL_SIZE square, so a 42 mm round seal
    fits without covering any text.
    """
    fields = site.form.header_fields
    cells: list[Cell] = []
    columns: list[float] = []
    for index, name in enumerate(fields):
        cells.append(Cell([Line(f"{name}：", "fields")], kind="label"))
        cells.append(Cell(kind="blank"))
        columns.append(HEADER_LABEL_WIDTH)
        columns.append(SEAL_SIZE if index < len(fields) - 1 else 0.0)
    columns[-1] = TEXT_WIDTH - sum(columns[:-1])
    return Table("header", columns, [Row(cells, SEAL_SIZE)], borders=False, split_rows=False)


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
    return [replace(row, height=round(h, 1)) for row, h in zip(rows, heights)]


def activity_table(site: Edition, index: int) -> Table:
    plan = site.form.plan
    columns = [LABEL_WIDTH, TEXT_WIDTH - LABEL_WIDTH]
    last = len(plan.elements) - 1
    rows = [
        Row(
            [Cell([Line(balanced_lines(element, LABEL_WIDTH, "label"), "label")], kind="label"), Cell(kind="blank", valign="top")],
            ACTIVITY_ROW_MIN,
            keep_with_next=origin < last,
            origin=origin,
        )
        for origin, element in enumerate(plan.elements)
    ]
    # 一项一表: the table on one page. Rows do not split either, so a long answer moves
    # its whole row (a single row taller than a page is refused by check_rows_fit).
    return Table(f"activity-{index}", columns, _fit_rows(rows, columns), split_rows=False)


def activity_caption(site: Edition, index: int) -> str:
    """特色亮点活动一（所属阶段：＿＿＿＿）: no fixed stage, so a copied table stays right (一项一表)."""
    return f"{site.form.plan.table_title}{cn_number(index)}（所属阶段：{STAGE_BLANK}）"


def limit_text(site: Edition) -> str:
    return f"原则上每项活动{site.form.plan.word_limit}字以内，一项一表，表格可自行复制。"


def form_layout(site: Edition) -> FormLayout:
    """The whole sample table as a flow of blocks, and the pages it takes.

    Title, 单位盖章/报送时间, 一、基本信息 with its table and the 注, then
    二、工作方案 with its instructions and one activity table per stage
    (一项一表), then the word-limit line. Nothing forces a page break: the
    renderers fill each page and carry on on the next one.
    """
    form = site.form
    title = Paragraph(title_lines(form.title), "title", role="title")
    header = header_table(site)
    heading1 = Paragraph(form.basic.heading, "heading", keep_with_next=True, role="heading")
    table1 = basic_table(site)
    note = Paragraph(form.basic.note, "note", role="note")
    inferred = [Paragraph(INFERRED_NOTE, "note", role="inferred")] if any(r.inferred for r in form.basic.rows) else []
    heading2 = Paragraph(form.plan.heading, "heading", keep_with_next=True, role="heading")
    # The instructions do not keep with the first activity: the activity table keeps together, and a
    # chain 二、工作方案 → instructions → caption → table would carry the heading off a page it fits on.
    instructions = Paragraph(form.plan.instructions, "body", role="instructions")
    blocks: list[Block] = [title, header, heading1, table1, note, *inferred, heading2, instructions]
    activities = [activity_table(site, index) for index in range(1, len(site.stages) + 1)]
    check_rows_fit(site, table1, activities[:1])
    # The closing line never stands alone on the last page: the last row comes with it.
    last = activities[-1]
    activities[-1] = replace(last, rows=last.rows[:-1] + [replace(last.rows[-1], keep_with_next=True)])
    for index, table in enumerate(activities, start=1):
        blocks.append(Paragraph(activity_caption(site, index), "caption", keep_with_next=True, role="caption"))
        blocks.append(table)
    blocks.append(Paragraph(limit_text(site), "note", role="limit"))

    draft = FormLayout(
        title=form.title,
        file_name=form.file_name,
        subject=site.document.title,
        author=site.document.issuer,
        date=site.document.date,
        blocks=blocks,
        pages=0,
    )
    return replace(draft, pages=count_pages(draft))


def count_pages(layout: FormLayout) -> int:
    """The pages the PDF engine lays ``layout`` out on (the render is cached for the PDF producer)."""
    from .form_pdf import render  # here, not at the top: form_pdf imports this module

    return render(layout)[1]


def check_rows_fit(site: Edition, basic: Table, activities: list[Table]) -> None:
    """Raise LayoutError naming the first row (or rowspan group) taller than a page."""
    form = site.form
    groups: dict[int, float] = {}
    for row in basic.rows:
        groups[row.origin] = groups.get(row.origin, 0.0) + row.height
    for origin, height in groups.items():
        if height > PAGE_ROOM:
            row = form.basic.rows[origin]
            parts = ["label"] + (["hint"] if row.hint else []) + (["options"] if row.kind == "choice" else [])
            parts += ["fields"] if row.kind == "contact" else []
            raise LayoutError(_too_tall(site,
                row.lines.get("label") or row.lines.get(""), f"basic.rows[{origin}]（label “{_short(row.label)}”）",
                height, f"请缩短 {'、'.join(parts)} 的文字",
            ))
    for table in activities:
        for row in table.rows:
            if row.height > PAGE_ROOM:
                element = form.plan.elements[row.origin]
                raise LayoutError(_too_tall(site,
                    form.plan.lines.get("elements"), f"plan.elements[{row.origin}]（“{_short(element)}”）", row.height,
                    "请缩短这一项的文字",
                ))


def _short(text: str, limit: int = 20) -> str:
    """``text`` for a message: one line, at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _too_tall(site: Edition, line: int | None, where: str, height: float, advice: str) -> str:
    name = f"{site.data_dir or 'data/' + site.key}/form.yaml"
    file = f"{name}:{line}" if line else name
    return f"{file}: {where}这一行太高，一页也放不下（约 {height:.0f} mm，一页最多 {PAGE_ROOM:.0f} mm）；{advice}"


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
