"""特色亮点活动筹备方案（样表） as a Word file (python-docx), from the shared form layout.

Every run names its East-Asian font (``w:eastAsia``) so that Word and WPS
never set Chinese in a Latin fallback; the font table gives each face the
alternative the task asks for (方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋).
The zip is rewritten with a fixed date and order, so the same data always
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from ..model import TIMEZONE, Edition
from . import Produced, form_date, form_file_name
from . import form_layout as L

KEY = "form-docx"
FORMAT = "Word 文档"
EXTENSION = ".docx"


def url_path(site: Edition) -> str:
    return f"downloads/form-{site.document.date.year}{EXTENSION}"


def produce(site: Edition, out_dir: Path) -> list[Produced]:
    from ..errors import BuildError
    from .form_pdf import FontMissing  # the page count comes from the PDF engine

    try:
        layout = L.form_layout(site)
    except (FontMissing, L.LayoutError) as exc:
        raise BuildError(str(exc)) from None
    rel = url_path(site)
    target = Path(out_dir) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render(layout))
    return [Produced(key=KEY, path=rel, file_name=form_file_name(site, EXTENSION), format=FORMAT, date=form_date(site),
                      pages=layout.pages)]


def render(layout: L.FormLayout) -> bytes:
    """The DOCX bytes of ``layout`` (deterministic)."""
    doc = Document()
    _clean_package(doc, layout)
    _set_defaults(doc)
    _set_page(doc)
    _footers(doc)
    for block in layout.blocks:
        if isinstance(block, L.Table):
            _table(doc, block)
        elif isinstance(block, L.FieldLine):
            _field_line(doc, block)
        else:
            _paragraph(doc, block)
    _set_properties(doc, layout)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalize_zip(buffer.getvalue(), layout.date)


# --- Fonts and runs -------------------------------------------------------------------
def _rfonts(rpr, role: str) -> None:
    """Name the font of ``role`` for every script slot, East-Asian included."""
    name = L.FONTS[role].word[0]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_rpr(rpr, style: L.Style) -> None:
    _rfonts(rpr, style.font)
    if style.bold:
        for tag in ("w:b", "w:bCs"):
            if rpr.find(qn(tag)) is None:
                rpr.append(OxmlElement(tag))
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(int(round(style.size * 2))))


def _run(paragraph, text: str, style: L.Style):
    run = paragraph.add_run(text)  # "\n" becomes <w:br/>, "\t" <w:tab/>
    _style_rpr(run._r.get_or_add_rPr(), style)
    return run


ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _format(paragraph, style: L.Style, *, keep_next: bool = False) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment = ALIGN[style.align]
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(style.line)
    fmt.space_before = Pt(style.before)
    fmt.space_after = Pt(style.after)
    fmt.first_line_indent = Pt(style.indent_em * style.size) if style.indent_em else None
    fmt.widow_control = False
    if keep_next:
        fmt.keep_with_next = True
    # The paragraph mark carries the font too: text typed into an empty line inherits it.
    ppr = paragraph._p.get_or_add_pPr()
    mark = ppr.find(qn("w:rPr"))
    if mark is None:
        mark = OxmlElement("w:rPr")
        ppr.append(mark)  # rPr comes after every other paragraph property
    _style_rpr(mark, style)


def _paragraph(doc, block: L.Paragraph) -> None:
    style = L.STYLES[block.style]
    paragraph = doc.add_paragraph()
    _format(paragraph, style, keep_next=block.keep_with_next)
    paragraph.paragraph_format.keep_together = True  # a short paragraph is not split over two pages
    _run(paragraph, block.text, style)


def _field_line(doc, block: L.FieldLine) -> None:
    style = L.STYLES[block.style]
    paragraph = doc.add_paragraph()
    _format(paragraph, style, keep_next=True)
    for stop in block.stops[1:]:
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(stop), WD_TAB_ALIGNMENT.LEFT)
    _run(paragraph, "\t".join(block.fields), style)


# --- Tables ---------------------------------------------------------------------------
def _twips(mm: float) -> int:
    return int(round(mm / 25.4 * 1440))


def _table(doc, table: L.Table) -> None:
    n_rows, n_cols = len(table.rows), len(table.columns)
    t = doc.add_table(rows=n_rows, cols=n_cols)
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False  # w:tblLayout fixed: the columns below are kept
    tbl_pr = t._tbl.tblPr
    _set_child(tbl_pr, "w:tblW", {"w:w": str(sum(_twips(c) for c in table.columns)), "w:type": "dxa"})
    _set_child(tbl_pr, "w:tblInd", {"w:w": "0", "w:type": "dxa"})
    borders = _set_child(tbl_pr, "w:tblBorders", {})
    line = {"w:val": "single", "w:sz": str(int(L.BORDER_PT * 8)), "w:space": "0", "w:color": "000000"}
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for k, v in (line if table.borders else {"w:val": "nil"}).items():
            el.set(qn(k), v)
        borders.append(el)
    # No cell margins: the table's outer border then sits on the text block's
    # edge in every Word compatibility mode and in WPS; the inset is a paragraph indent.
    margins = _set_child(tbl_pr, "w:tblCellMar", {})
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _order_tbl_pr(tbl_pr)
    grid = t._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), table.columns):
        col.set(qn("w:w"), str(_twips(width)))

    # Minimum heights: Word paginates, and a row filled with a long answer grows.
    # Rows of tables with split_rows False never split (w:cantSplit; LibreOffice
    # would otherwise break a two-line label, as the PDF never does).
    for r_index, row in enumerate(table.rows):
        tr = t.rows[r_index]
        tr.height = Mm(row.height)
        tr.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        if not table.split_rows:
            tr_pr = tr._tr.get_or_add_trPr()
            tr_pr.find(qn("w:trHeight")).addprevious(OxmlElement("w:cantSplit"))  # schema order
    # Merge first (python-docx merges rectangles), then fill each merged cell.
    for r_index, _row, placed in L.iter_grid(table):
        for col, cell in placed:
            target = t.cell(r_index, col)
            if cell.colspan > 1 or cell.rowspan > 1:
                target = target.merge(t.cell(r_index + cell.rowspan - 1, col + cell.colspan - 1))
            width = sum(table.columns[col : col + cell.colspan])
            _fill_cell(target, cell, width)
    # Word keeps a row on the page of the next one when its paragraphs keep with next:
    # rowspan groups, no row alone in 一、基本信息, each activity table on one page.
    for r_index, row in enumerate(table.rows):
        if row.keep_with_next:
            for p in t.rows[r_index]._tr.iter(qn("w:p")):
                p.get_or_add_pPr().keepNext_val = True


def _fill_cell(target, cell: L.Cell, width: float) -> None:
    target.width = Mm(width)
    target.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.CENTER if cell.valign == "center" else WD_CELL_VERTICAL_ALIGNMENT.TOP
    )
    paragraphs = target.paragraphs
    lines = cell.lines or [L.Line("", "cell")]
    for index, line in enumerate(lines):
        style = L.STYLES[line.style]
        paragraph = paragraphs[0] if index == 0 else target.add_paragraph()
        _format(paragraph, style)
        fmt = paragraph.paragraph_format
        fmt.left_indent = Mm(L.CELL_PAD_X)
        fmt.right_indent = Mm(L.CELL_PAD_X)
        # A row may break across pages, but not between the lines of a label or an option list
        # (Word keeps such a row whole; LibreOffice ignores keep-together inside table cells).
        fmt.keep_together = True
        if index == 0:
            fmt.space_before = Mm(L.CELL_PAD_Y)
        if index == len(lines) - 1:
            fmt.space_after = Mm(L.CELL_PAD_Y)
        if cell.kind == "options":
            _tick_boxes(paragraph, cell.name, line.text, style)
        elif line.text:
            _run(paragraph, line.text, style)
    # merge() leaves the paragraphs of the merged cells behind; drop empty extras.
    for extra in target.paragraphs[len(lines) :]:
        if not extra.text:
            extra._p.getparent().remove(extra._p)


W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def _w14(tag: str):
    """A w14 element (python-docx's OxmlElement knows only the 2006 namespaces)."""
    return etree.Element(f"{{{W14}}}{tag}", nsmap={"w14": W14})


def tick_tag(row_label: str, option: str) -> str:
    """The w:tag of a tick box: tick:{row label}:{option}, 其他 for the write-in blank (the web form's contract)."""
    return f"tick:{row_label}:{L.TICK_OTHER if option == L.OTHER_BLANK else option}"


def _tick_boxes(paragraph, row_label: str, text: str, style: L.Style) -> None:
    """Options "□A　　□B\n□C": each □ a check-box content control (w14:checkbox), the rest plain runs.

    Word and WPS tick the box with one click (□ → ☑); other programs show the □.
    """
    for number, line in enumerate(text.split("\n")):
        if number:
            _run(paragraph, "\n", style)
        head, *items = line.split(L.TICK_BOX)
        if head:
            _run(paragraph, head, style)
        for item in items:
            option = item.rstrip(L.OPTION_GAP[0])
            paragraph._p.append(_checkbox(tick_tag(row_label, option), style))
            _run(paragraph, item, style)


def _checkbox(tag: str, style: L.Style):
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    rpr = OxmlElement("w:rPr")
    _style_rpr(rpr, style)
    pr.append(rpr)
    tag_el = OxmlElement("w:tag")
    tag_el.set(qn("w:val"), tag)
    pr.append(tag_el)
    box = _w14("checkbox")
    checked = _w14("checked")
    checked.set(f"{{{W14}}}val", "0")
    box.append(checked)
    for state, char in (("checkedState", "2611"), ("uncheckedState", "25A1")):
        el = _w14(state)
        el.set(f"{{{W14}}}val", char)
        el.set(f"{{{W14}}}font", "MS Gothic")
        box.append(el)
    pr.append(box)
    sdt.append(pr)
    content = OxmlElement("w:sdtContent")
    run = OxmlElement("w:r")
    run_pr = OxmlElement("w:rPr")
    _style_rpr(run_pr, style)
    run.append(run_pr)
    t = OxmlElement("w:t")
    t.text = L.TICK_BOX
    run.append(t)
    content.append(run)
    sdt.append(content)
    return sdt


TBL_PR_ORDER = [
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
    "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription",
]


def _set_child(parent, tag: str, attrs: dict[str, str]):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for k, v in attrs.items():
        el.set(qn(k), v)
    return el


def _order_tbl_pr(tbl_pr) -> None:
    """Put tblPr children in schema order (Word refuses files that do not)."""
    rank = {qn(tag): i for i, tag in enumerate(TBL_PR_ORDER)}
    children = sorted(tbl_pr, key=lambda el: rank.get(el.tag, len(rank)))
    for el in children:
        tbl_pr.remove(el)
        tbl_pr.append(el)


# --- Page, footer, defaults --------------------------------------------------------------
def _set_page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(L.PAGE_WIDTH), Mm(L.PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(L.MARGIN_TOP), Mm(L.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(L.MARGIN_LEFT), Mm(L.MARGIN_RIGHT)
    section.gutter = Mm(0)
    section.header_distance = Mm(15)
    # The page-number line is centred PAGE_NUMBER_GAP below the text block.
    line_mm = L.PAGE_NUMBER_LINE * L.PT_TO_MM
    section.footer_distance = Mm(round(L.MARGIN_BOTTOM - L.PAGE_NUMBER_GAP - line_mm / 2, 1))


def _footers(doc) -> None:
    """"— 1 —": odd pages right, even pages left, one character from the edge (GB/T 9704 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    style = L.STYLES["footer"]
    inset = Pt(style.size)
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        _format(paragraph, L.Style(style.font, style.size, style.line, align))
        if align == "right":
            paragraph.paragraph_format.right_indent = inset
        else:
            paragraph.paragraph_format.left_indent = inset
        _run(paragraph, "— ", style)
        _field(paragraph, "PAGE", "1", style)
        _run(paragraph, " —", style)
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False



def _field(paragraph, instruction: str, shown: str, style: L.Style) -> None:
    def fld_char(kind: str):
        run = _run(paragraph, "", style)
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld_char("begin")
    run = _run(paragraph, "", style)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld_char("separate")
    _run(paragraph, shown, style)
    fld_char("end")


def _set_defaults(doc) -> None:
    """Document defaults and Normal: 仿宋 三号, Chinese language, no spacing."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr_default):
        rpr_default.remove(child)
    body = L.STYLES["body"]
    _style_rpr(rpr_default, body)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang)
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(int(body.line * 20)))
    spacing.set(qn("w:lineRule"), "exact")
    normal = doc.styles["Normal"]
    _style_rpr(normal.element.get_or_add_rPr(), body)
    for name in ("Header", "Footer"):
        _style_rpr(doc.styles[name].element.get_or_add_rPr(), L.STYLES["footer"])

    settings = doc.settings.element
    for tag in ("w:savePreviewPicture", "w:rsids", "w:attachedTemplate"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    for el in settings.iter(qn("w:themeFontLang")):
        el.set(qn("w:val"), "en-US")
        el.set(qn("w:eastAsia"), "zh-CN")
    for el in settings.iter(qn("w:compatSetting")):
        if el.get(qn("w:name")) == "compatibilityMode":
            el.set(qn("w:val"), "15")
    _font_table(doc)


# panose-1 and charset of the faces named in the DOCX (charset 86 = GB2312).
FONT_TABLE = {
    "方正小标宋简体": ("02000000000000000000", "86", "script", "宋体"),
    "仿宋_GB2312": ("02010609030101010101", "86", "modern", "仿宋"),
    "仿宋": ("02010609060101010101", "86", "modern", "FangSong"),
    "宋体": ("02010600030101010101", "86", "auto", "SimSun"),
    "黑体": ("02010609060101010101", "86", "modern", "SimHei"),
}


def _font_table(doc) -> None:
    """Replace the template's font table with the faces this document uses and their alternatives."""
    fonts = []
    for name, (panose, charset, family, alt) in FONT_TABLE.items():
        fonts.append(
            f'<w:font w:name="{escape(name)}"><w:altName w:val="{escape(alt)}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="{charset}"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
        )
    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(fonts)
        + "</w:fonts>"
    )
    part = _part(doc, "/word/fontTable.xml")
    part._blob = xml.encode("utf-8")


def _part(doc, name: str):
    return next(p for p in doc.part.package.iter_parts() if p.partname == name)


def _clean_package(doc, layout: L.FormLayout) -> None:
    """Drop the template's thumbnail, sample custom XML and Word 2010 style copy; write our own app.xml.

    app.xml names no application or template: nothing in the file tells how it was made.
    """
    package = doc.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(r_id)
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/customXml", "/stylesWithEffects")):
            doc.part.rels.pop(r_id)
    app = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<TotalTime>0</TotalTime>"
        f"<Pages>{layout.pages}</Pages>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        f"<Company>{escape(layout.author)}</Company>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    )
    _part(doc, "/docProps/app.xml")._blob = app.encode("utf-8")


def document_datetime(day: dt.date) -> dt.datetime:
    """The document date at 09:00 Beijing time, in UTC (what docProps store)."""
    return dt.datetime.combine(day, dt.time(9, 0), TIMEZONE).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _set_properties(doc, layout: L.FormLayout) -> None:
    props = doc.core_properties
    stamp = document_datetime(layout.date)
    props.title = layout.title
    props.subject = layout.subject
    props.author = layout.author
    props.last_modified_by = layout.author
    props.comments = ""
    props.keywords = "全国科技工作者日; 样表"
    props.category = "样表"
    props.language = "zh-CN"
    props.created = stamp
    props.modified = stamp
    props.revision = 1


def normalize_zip(data: bytes, day: dt.date) -> bytes:
    """Rewrite a zip with one fixed timestamp and attributes, members in their original order.

    [Content_Types].xml stays first, as Office expects.
    """
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    names.sort(key=lambda n: (n != "[Content_Types].xml",))  # stable: keeps the rest in order
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
