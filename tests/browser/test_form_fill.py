"""The web form on the 样表 page (issue 10, items 6–8): fill, draft, export, print.

Chromium on a WeChat phone (390 × 844) and on a desktop fills every field of
data/<year>/form.yaml, with hostile text (markup, &, <, emoji, a 600-字
answer over the word limit), reloads and finds the draft, exports the Word
file (desktop: a real download) and prints it. The export is read back with
python-docx (each value in the cell right of its label, the ticks set, the
activities in their tables) and opened by LibreOffice. Every request must
stay on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from lxml import etree

from pagecheck import WINDOWS, run_axe

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "outputs"))
import formfiles  # noqa: E402  (tests/outputs: reading the pages LibreOffice lays out)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}
HOSTILE = "<script>alert(1)</script> & < 🚄"
UNIT = '铁道<script>alert(1)</script>&学会 "北京" 🚄'
LONG = "测" * 600  # over the 500-字 limit


def safe_name(name: str) -> str:
    """What the page does to the unit name for the file name (assets/form-fill.js safeName)."""
    s = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", name)
    return re.sub(r"^[\s.]+|[\s.]+$", "", re.sub(r"\s+", " ", s))[:80]


# --- The values typed ---------------------------------------------------------------
def plan(edition) -> dict:
    """Every field of the form: {key: value}, the ticks, and four activities (one more than the stages)."""
    form = edition.form
    values: dict = {}
    ticks: dict[str, list[str]] = {}
    for f in form.header_fields:
        if "盖章" not in f:
            values[f"header:{f}"] = "2021年5月8日"
    for row in form.basic.rows:
        if row.kind == "text":
            values[f"basic:{row.label}"] = UNIT if row is form.basic.rows[0] else f"{row.label}值{HOSTILE}"
        elif row.kind == "contact":
            for pair in row.fields:
                for f in pair:
                    values[f"contact:{row.label}:{f}"] = f"{f}&<{len(f)}>"
        else:
            options = edition.form_options(row)
            ticks[row.label] = options[::2]
            if row.other_blank:
                ticks[row.label].append("其他")
                values[f"other:{row.label}"] = "退休<专家>&家属"
    activities = []
    for n in range(len(edition.stages) + 1):
        el = {e: f"第{n + 1}项{e}：{HOSTILE}\n第二行 & 🚄" for e in form.plan.elements}
        if n == 0:
            el[form.plan.elements[0]] = LONG
        stage = edition.stages[n].name if n < len(edition.stages) else edition.stages[1].name
        activities.append({"stage": stage, "el": el})
    return {"values": values, "ticks": ticks, "activities": activities}


def fill(page, edition, typed: dict) -> None:
    for key, value in typed["values"].items():
        page.locator(f'[data-ff-key="{key}"]').fill(value)
    for row, options in typed["ticks"].items():
        for option in options:
            page.locator(f'input[data-ff-key="choice:{row}"][value="{option}"]').check()
    while page.locator('[data-ff="activity"]').count() < len(typed["activities"]):
        page.locator('[data-ff="add"]').click()
    blocks = page.locator('[data-ff="activity"]')
    for n, activity in enumerate(typed["activities"]):
        block = blocks.nth(n)
        block.locator('select[data-ff-key="stage"]').select_option(activity["stage"])
        for element, text in activity["el"].items():
            block.locator(f'[data-ff-key="el:{element}"]').fill(text)
    page.wait_for_function("() => /草稿已保存于 \\d\\d:\\d\\d/.test(document.querySelector('[data-ff=\"draft-status\"]').textContent)")
    last = typed["activities"][-1]["el"][edition.form.plan.elements[-1]]
    page.wait_for_function("([key, text]) => (localStorage.getItem(key) || '').includes(JSON.stringify(text).slice(1, -1))",
                           arg=[f"kjgzzr:form:{edition.key}", last])


def check_filled(page, typed: dict) -> None:
    for key, value in typed["values"].items():
        assert page.locator(f'[data-ff-key="{key}"]').input_value() == value, key
    for row, options in typed["ticks"].items():
        checked = page.eval_on_selector_all(f'input[data-ff-key="choice:{row}"]:checked', "els => els.map(e => e.value)")
        assert checked == options, row
    blocks = page.locator('[data-ff="activity"]')
    assert blocks.count() == len(typed["activities"])
    for n, activity in enumerate(typed["activities"]):
        assert blocks.nth(n).locator("select").input_value() == activity["stage"]
        for element, text in activity["el"].items():
            assert blocks.nth(n).locator(f'[data-ff-key="el:{element}"]').input_value() == text


# --- Browser set-up -------------------------------------------------------------------
def guarded(context, server: str) -> list[str]:
    """Record every request; abort (and record) any that would leave the test server."""
    origin = urlsplit(server).netloc
    outside: list[str] = []

    def handle(route):
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != origin:
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", handle)
    return outside


def form_page(context, server, edition):
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}{edition.key}/form/", wait_until="networkidle")
    page.locator("#form-fill").wait_for(state="visible")
    return page, errors


@pytest.fixture(scope="module")
def edition(site_model):
    return site_model.current


# --- Reading the export back -----------------------------------------------------------
def cell_text(tc) -> str:
    out = []
    for el in tc.iter(f"{{{W}}}t", f"{{{W}}}br"):
        out.append("\n" if el.tag == f"{{{W}}}br" else (el.text or ""))
    return "".join(out)


def squeeze(s: str) -> str:
    return re.sub(r"[\s\u3000]", "", s)


def label_cells(tbl):
    for tc in tbl.iter(f"{{{W}}}tc"):
        paragraphs = tc.findall(f"{{{W}}}p")
        first = squeeze(cell_text(paragraphs[0])) if paragraphs else ""
        yield tc, {squeeze(cell_text(tc)), first}


def labelled(names: set[str], label: str) -> bool:
    """A label cell's text is the label, or the label then a colon, a （hint） or the site's ［completion］."""
    want = squeeze(label)
    return any(n in (want, want + "：") or (n.startswith(want) and n[len(want):][:1] in ("（", "［")) for n in names)


def right_of(tbl, label: str):
    for tc, names in label_cells(tbl):
        if labelled(names, label):
            nxt = tc.getnext()
            while nxt is not None and nxt.tag != f"{{{W}}}tc":
                nxt = nxt.getnext()
            return nxt
    raise AssertionError(f"no cell labelled {label}")


def xp(el, expr: str):
    return etree.XPath(expr, namespaces=NS)(el)


def check_export(path: Path, edition, typed: dict, *, tagged: bool) -> None:
    import docx

    document = docx.Document(str(path))  # python-docx opens it
    body = document.element.body
    tables = body.findall(f"{{{W}}}tbl")
    # Found by content, as the export finds them: the seal/date table comes first.
    basic = next(t for t in tables if any(labelled(n, edition.form.basic.rows[0].label) for _, n in label_cells(t)))
    activities = [t for t in tables if any(labelled(n, edition.form.plan.elements[0]) for _, n in label_cells(t))]
    form = edition.form
    body_text = "".join(t.text or "" for t in body.iter(f"{{{W}}}t"))
    for key, value in typed["values"].items():
        kind, *rest = key.split(":")
        if kind == "header":
            assert f"{rest[0]}：{value}" in body_text
        elif kind == "basic":
            assert cell_text(right_of(basic, rest[0])) == value, key
        elif kind == "contact":
            assert cell_text(right_of(basic, rest[1])) == value, key
    for row in form.basic.rows:
        if row.kind != "choice":
            continue
        chosen = typed["ticks"][row.label]
        options = edition.form_options(row) + (["其他"] if row.other_blank else [])
        if tagged:
            for option in options:
                sdt = xp(body, f'.//w:sdt[w:sdtPr/w:tag/@w:val="tick:{row.label}:{option}"]')
                assert len(sdt) == 1, option
                checked = xp(sdt[0], ".//w14:checked/@w14:val")
                text = "".join(xp(sdt[0], ".//w:sdtContent//w:t/text()"))
                want = option in chosen
                assert checked == (["1"] if want else ["0"]) and text == ("☑" if want else "□"), option
            if row.other_blank:
                assert typed["values"][f"other:{row.label}"] in cell_text(right_of(basic, row.label))
        else:
            text = cell_text(right_of(basic, row.label))
            for option in edition.form_options(row):
                assert (f"☑{option}" in text) == (option in chosen), (option, text)
                assert (f"□{option}" in text) == (option not in chosen), (option, text)
            if row.other_blank:
                assert "☑" + typed["values"][f"other:{row.label}"] in text
    assert len(activities) == len(typed["activities"]), "one table per activity"
    for n, (tbl, activity) in enumerate(zip(activities, typed["activities"])):
        caption = tbl.getprevious()
        stage = next(s for s in edition.stages if s.name == activity["stage"])
        assert activity["stage"] in cell_text(caption) and form.plan.table_title in cell_text(caption)
        for element, text in activity["el"].items():
            assert cell_text(right_of(tbl, element)) == text, (n, element)
        assert stage
    # Markup stayed text: the XML has escaped text and no foreign elements.
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    etree.fromstring(xml.encode("utf-8"))  # well-formed


def soffice_pdf(docx_path: Path, out_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run `make system`"
    profile = out_dir / "lo-profile"
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
        capture_output=True, text=True, timeout=240,
    )
    target = out_dir / (docx_path.stem + ".pdf")
    assert run.returncode == 0 and target.is_file(), f"LibreOffice could not open {docx_path.name}: {run.stderr}"
    return target


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def export(page, tmp: Path) -> tuple[Path, str, int]:
    with page.expect_download() as info:
        page.locator('[data-ff="export"]').click()
    download = info.value
    target = tmp / "export.docx"
    download.save_as(str(target))
    page.wait_for_function("() => document.querySelector('[data-ff=\"status\"]').hasAttribute('data-ms')")
    ms = int(page.locator('[data-ff="status"]').get_attribute("data-ms"))
    return target, download.suggested_filename, ms


# --- Tests ---------------------------------------------------------------------------------
def test_desktop_fill_reload_export_print(browser, server, edition, tmp_path):
    context = browser.new_context(**WINDOWS["desktop"], accept_downloads=True)
    outside = guarded(context, server)
    page, errors = form_page(context, server, edition)
    assert not page.locator("script[data-ff-src]").count(), "the export code loads only when export is pressed"
    typed = plan(edition)
    fill(page, edition, typed)
    warn = page.locator('[data-ff="activity"]').first.locator('[data-ff="warn"]')
    assert "超过500字" in warn.text_content() and warn.is_visible()
    assert page.locator('[data-ff="activity"]').nth(1).locator('[data-ff="warn"]').text_content() == ""

    page.reload(wait_until="networkidle")
    assert re.search(r"已恢复草稿（保存于 (\d+月\d+日 )?\d\d:\d\d）", page.locator('[data-ff="draft-status"]').text_content())
    check_filled(page, typed)
    assert page.locator('[data-ff="activity"]').first.locator('[data-ff="warn"]').is_visible()
    assert page.locator('[data-ff="copy"]').is_hidden(), "复制全部文字 is for WeChat"
    assert page.locator("#wechat-hint-form").count() == 0

    path, suggested, ms = export(page, tmp_path)
    print(f"\nexport took {ms} ms in the browser")
    assert suggested == f"{safe_name(UNIT)}-特色亮点活动筹备方案.docx"
    check_export(path, edition, typed, tagged=True)
    lo = soffice_pdf(path, tmp_path / "lo")
    # For looking at: the export as LibreOffice lays it out, one PNG a page.
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(lo), str(tmp_path / "export-p")], check=False)
    text = re.sub(r"\s+", "", pdf_text(lo))
    for value in [UNIT, typed["values"][f"basic:{edition.form.basic.rows[-1].label}"], "退休<专家>&家属", "第4项主要安排"]:
        assert re.sub(r"\s+", "", value) in text, value
    # The export keeps the blank's page rules: 主办单位［邮寄地址］ not alone, each activity table on one page
    # (but the first, whose 600-字 answer makes it taller than a page).
    cells = formfiles.layout_cells(lo)
    pages = formfiles.basic_tail_pages(cells, edition)
    assert pages["last row"] == pages["last contact field"] == pages["contact label"], pages
    tables = formfiles.activity_pages(cells, edition, len(typed["activities"]))
    assert all(caption == first == last for caption, first, last in tables[1:]), tables

    # 打印 / 存为 PDF: the filled sample table alone, on A4.
    page.evaluate("() => { window.print = () => {}; }")
    page.locator('[data-ff="print"]').click()
    page.emulate_media(media="print")
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    for p in reader.pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, (w, h)
    printed = re.sub(r"\s+", "", pdf_text(pdf))
    for value in [UNIT, typed["values"]["basic:主题活动名称"], "第4项预期成效", "☑", edition.form.title]:
        assert re.sub(r"\s+", "", value) in printed, value
    assert "在线填写" not in printed and "导出Word" not in printed, "the site around the form is not printed"
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, errors
    context.close()


def test_export_sets_tagged_tick_boxes(browser, server, edition, built_site, tmp_path):
    """The site's blank has tagged w14 check-box controls: the export checks them and shows ☑; fewer activities than tables."""
    blank = (built_site / edition.key / "downloads" / f"form-{edition.year}.docx").read_bytes()
    document_xml = zipfile.ZipFile(io.BytesIO(blank)).read("word/document.xml").decode("utf-8")
    assert "w14:checkbox" in document_xml and "tick:" in document_xml
    context = browser.new_context(**WINDOWS["desktop"], accept_downloads=True)
    outside = guarded(context, server)
    page, errors = form_page(context, server, edition)
    typed = plan(edition)
    typed["activities"] = typed["activities"][:2]  # fewer than the blank's tables: the rest go
    fill(page, edition, typed)
    while page.locator('[data-ff="activity"]').count() > len(typed["activities"]):
        page.locator('[data-ff="activity"]').last.locator('[data-ff="remove"]').click()
    assert page.locator('[data-ff="activity"]').count() == 2
    path, _, ms = export(page, tmp_path)
    print(f"\nexport (tagged blank) took {ms} ms")
    check_export(path, edition, typed, tagged=True)
    assert not outside and not errors, (outside, errors)
    context.close()


def test_wechat_phone(browser, server, edition, tmp_path):
    context = browser.new_context(**WINDOWS["mobile"], bypass_csp=True)  # run_axe injects axe-core inline
    outside = guarded(context, server)
    page, errors = form_page(context, server, edition)
    typed = plan(edition)
    fill(page, edition, typed)
    # The WeChat hint (as for the other downloads) and 复制全部文字
    hint = page.locator("#wechat-hint-form")
    assert hint.is_visible() and "浏览器中打开" in hint.text_content()
    assert safe_name(UNIT) in hint.text_content()
    page.evaluate("""() => { window.__copied = null;
      Object.defineProperty(navigator, 'clipboard', {value: {writeText: t => { window.__copied = t; return Promise.resolve(); }}});
      Object.defineProperty(window, 'isSecureContext', {value: true}); }""")
    page.locator('[data-ff="copy"]').click()
    page.wait_for_function("() => window.__copied !== null")
    copied = page.evaluate("() => window.__copied")
    for value in [UNIT, LONG, "退休<专家>&家属", typed["activities"][3]["el"]["预期成效"]]:
        assert value in copied
    assert "已复制" in page.locator('[data-ff="status"]').text_content()
    # No sideways scrolling, axe passes with the form filled and the warning shown.
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    violations = run_axe(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)
    page.locator("#在线填写").scroll_into_view_if_needed()
    page.evaluate("() => document.getElementById('在线填写').scrollIntoView()")
    page.screenshot(path=str(tmp_path / "phone.png"))  # the 390 × 844 window
    page.locator("#form-fill").screenshot(path=str(tmp_path / "phone-full.png"))
    page.reload(wait_until="networkidle")
    check_filled(page, typed)
    assert not outside and not errors, (outside, errors)
    context.close()


def test_inferred_label_reads_as_in_the_sample_table(browser, server, edition, tmp_path):
    """主办单位［邮寄地址］: the field is named as the sample table, the DOCX and the PDF name it (not just
    主办单位, which readers answer with the unit name again), with the site's completion marked and explained."""
    from playwright.sync_api import expect

    rows = [row for row in edition.form.basic.rows if row.inferred]
    assert rows, "data/form.yaml completes a label (inferred:)"
    context = browser.new_context(**WINDOWS["mobile"])
    page, errors = form_page(context, server, edition)
    for row in rows:
        field = page.get_by_role("textbox", name=row.shown_label, exact=True)
        expect(field).to_have_attribute("data-ff-key", f"basic:{row.label}")
        label = page.locator(f'label[for="{field.get_attribute("id")}"]')
        assert squeeze(label.text_content()) == row.shown_label
        assert label.locator(".ff-inferred").text_content() == f"［{row.inferred}］", "the completion is marked"
        expect(field).to_have_accessible_description(re.compile(f"{row.inferred}.*方括号内为本站"))
        assert label.is_visible() and page.locator(f'#{field.get_attribute("aria-describedby")}').is_visible()
        # What the sample table on the same page shows for the row.
        th = page.locator("#form-basic th", has_text=row.label).filter(has=page.locator(".form-table__inferred"))
        assert squeeze(th.text_content()) == row.shown_label
    field = page.get_by_role("textbox", name=rows[-1].shown_label, exact=True)
    field.fill("北京市海淀区复兴路10号")
    page.locator("#form-fill").screenshot(path=str(tmp_path / "form.png"))
    # 复制全部文字 names the row the same way.
    page.evaluate("""() => { window.__copied = null;
      Object.defineProperty(navigator, 'clipboard', {value: {writeText: t => { window.__copied = t; return Promise.resolve(); }}});
      Object.defineProperty(window, 'isSecureContext', {value: true}); }""")
    page.locator('[data-ff="copy"]').click()
    page.wait_for_function("() => window.__copied !== null")
    assert f"\n{rows[-1].shown_label}：北京市海淀区复兴路10号" in page.evaluate("() => window.__copied")
    assert not errors, errors
    context.close()


SEAL = 42.0  # mm, the round seal 单位盖章 asks for
PT_PER_MM = 72 / 25.4


def seal_room(pdf: Path, label: str) -> tuple[float, float]:
    """Clear room (mm) right of ``label`` on page 1, as (width, height) of the ink-free box around its line.

    x positions come from ``pdftotext -bbox``; ink from the page rendered at 72 dpi (1 px = 1 pt), because
    Chromium's Type 3 CJK boxes reach far above the glyphs (see test_print.py)."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    word = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">' + re.escape(label), xml)
    assert word, f"{label} not printed on page 1"
    x0, x1, y1 = float(word.group(1)), float(word.group(3)), float(word.group(4))
    width, height, pixels = formfiles.gray_page(pdf, 1)

    def ink(y: int, left: int, right: int) -> bool:
        return min(pixels[y * width + max(left, 0) : y * width + min(right, width)], default=255) < 160

    # The label's own ink rows: the line it sits on.
    rows = [y for y in range(int(y1) - 30, int(y1) + 3) if ink(y, int(x0), int(x1))]
    assert rows, "no ink under the label's box"
    middle = (rows[0] + rows[-1]) // 2
    left = int(x1) + 2
    right = left
    while right < width and not any(ink(y, right, right + 1) for y in range(rows[0], rows[-1] + 1)):
        right += 1
    top, bottom = middle, middle
    while top > 0 and not ink(top - 1, left, right):
        top -= 1
    while bottom < height - 1 and not ink(bottom + 1, left, right):
        bottom += 1
    return (right - left) / PT_PER_MM, (bottom - top) / PT_PER_MM


def test_print_keeps_the_seal_square_and_breaks_pages_as_the_pdf(browser, server, edition, tmp_path):
    """打印 / 存为 PDF (版式与样表相同): a 44 mm blank beside 单位盖章 as in the Word and PDF files, no row of
    一、基本信息 alone on a page, each activity table on one page."""
    form = edition.form
    context = browser.new_context(**WINDOWS["desktop"])
    page, errors = form_page(context, server, edition)
    typed = {"values": {}, "ticks": {}, "activities": []}
    for row in form.basic.rows:
        if row.kind == "text":
            typed["values"][f"basic:{row.label}"] = f"{row.label}的内容"
        elif row.kind == "contact":
            for pair in row.fields:
                for f in pair:
                    typed["values"][f"contact:{row.label}:{f}"] = "0532-87654321"
    typed["values"].update({f"header:{f}": "2021年5月7日" for f in form.header_fields if "盖章" not in f})
    for n, stage in enumerate(edition.stages):
        typed["activities"].append({"stage": stage.name, "el": {e: f"第{n + 1}项{e}。" * 3 for e in form.plan.elements}})
    fill(page, edition, typed)
    page.evaluate("() => { window.print = () => {}; }")
    page.locator('[data-ff="print"]').click()
    page.emulate_media(media="print")
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "print-p")], check=False)  # for looking at

    seal = next(f for f in form.header_fields if "盖章" in f)
    width, height = seal_room(pdf, f"{seal}：")
    assert width >= SEAL and height >= SEAL, f"room for the seal beside {seal}: {width:.0f} × {height:.0f} mm"
    cells = formfiles.layout_cells(pdf)
    pages = formfiles.basic_tail_pages(cells, edition)
    assert pages["heading"] == pages["first row"], pages
    assert pages["last row"] == pages["last contact field"] == pages["contact label"], pages
    tables = formfiles.activity_pages(cells, edition, len(typed["activities"]))
    assert all(caption == first == last for caption, first, last in tables), tables
    assert not errors, errors
    context.close()


def test_the_pdf_download_leaves_the_same_seal_room(built_site, edition):
    """The room the print view is held to is the downloadable PDF's (outputs/form_layout.py SEAL_SIZE)."""
    pdf = built_site / edition.key / "downloads" / f"form-{edition.year}.pdf"
    seal = next(f for f in edition.form.header_fields if "盖章" in f)
    width, height = seal_room(pdf, f"{seal}：")
    assert width >= SEAL and height >= SEAL, (width, height)


LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
}"""


def test_sample_table_is_readable_at_390_px_in_the_largest_size(browser, server, built_site, edition, tmp_path):
    """特大 on a phone: no label or answer cell of 一、基本信息 shrinks to a character a line (办/公/电/话), no sideways scroll."""
    found = re.search(r'class="reader-controls"[^>]*data-reader-key="([^"]+)"', (built_site / "index.html").read_text(encoding="utf-8"))
    context = browser.new_context(**WINDOWS["mobile"])
    value = json.dumps({"size": "xlarge", "contrast": "normal"})
    context.add_init_script(f"localStorage.setItem({json.dumps(found.group(1))}, {json.dumps(value)})")
    page, errors = form_page(context, server, edition)
    assert page.evaluate("document.documentElement.getAttribute('data-text-size')") == "xlarge"
    table = page.locator("#form-basic")
    font = float(table.evaluate("el => parseFloat(getComputedStyle(el.querySelector('th')).fontSize)"))
    cramped = {}
    for th in table.locator("th").all():
        text = squeeze(th.text_content())
        lines = th.evaluate(LINES)
        if lines > max(2, -(-len(text) // 4)):  # at least four characters a line
            cramped[text] = lines
    assert not cramped, f"labels broken into too many lines: {cramped}"
    narrow = [squeeze(td.evaluate("el => el.previousElementSibling.textContent")) for td in table.locator("td").all()
              if td.bounding_box()["width"] < 6 * font]
    assert not narrow, f"answer cells narrower than six characters: {narrow}"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    table.screenshot(path=str(tmp_path / "sample-xlarge.png"))
    assert not errors, errors
    context.close()


def test_clear_draft_asks_first(browser, server, edition):
    context = browser.new_context(**WINDOWS["desktop"])
    page, _ = form_page(context, server, edition)
    page.locator('[data-ff-key="basic:主办单位名称"]').fill("测试单位")
    page.wait_for_function("() => localStorage.getItem('kjgzzr:form:%s')" % edition.key)
    page.locator('[data-ff="clear"]').click()
    confirm = page.locator('[data-ff="confirm"]')
    assert confirm.is_visible() and "不能恢复" in confirm.text_content()
    assert page.evaluate("() => document.activeElement.dataset.ff") == "clear-no"
    assert page.evaluate("() => localStorage.getItem('kjgzzr:form:%s')" % edition.key), "nothing cleared before the answer"
    page.locator('[data-ff="clear-no"]').click()
    assert confirm.is_hidden()
    assert page.locator('[data-ff-key="basic:主办单位名称"]').input_value() == "测试单位"
    page.locator('[data-ff="clear"]').click()
    page.locator('[data-ff="clear-yes"]').click()
    assert page.evaluate("() => localStorage.getItem('kjgzzr:form:%s')" % edition.key) is None
    assert page.locator('[data-ff-key="basic:主办单位名称"]').input_value() == ""
    assert page.locator('[data-ff="activity"]').count() == len(edition.stages)
    assert page.locator('[data-ff="draft-status"]').text_content() == "草稿已清除。"
    page.reload(wait_until="networkidle")
    assert page.locator('[data-ff-key="basic:主办单位名称"]').input_value() == ""
    context.close()


def test_activities_add_and_remove_with_keyboard(browser, server, edition):
    context = browser.new_context(**WINDOWS["desktop"])
    page, _ = form_page(context, server, edition)
    add = page.locator('[data-ff="add"]')
    assert page.locator('[data-ff="activity"]').count() == len(edition.stages)
    while not add.is_disabled():
        add.focus()
        page.keyboard.press("Enter")
    assert page.locator('[data-ff="activity"]').count() == 6
    legends = page.locator('[data-ff="activity"] legend').all_text_contents()
    assert legends[-1] == edition.form.plan.table_title + "六"
    ids = page.eval_on_selector_all('[data-ff="activity"] [id]', "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "ids stay unique"
    for label in page.locator('[data-ff="activity"] label').all():
        assert page.locator(f'[id="{label.get_attribute("for")}"]').count() == 1
    page.locator('[data-ff="activity"]').nth(1).locator('[data-ff="remove"]').focus()
    page.keyboard.press("Enter")
    assert page.locator('[data-ff="activity"]').count() == 5
    assert "已删除" in page.locator('[data-ff="add-status"]').text_content()
    assert page.evaluate("() => document.activeElement.tagName") == "SELECT"
    context.close()


def test_howto_uses_the_typed_unit_name(browser, server, edition):
    context = browser.new_context(**WINDOWS["desktop"])
    page, _ = form_page(context, server, edition)
    page.locator('[data-ff-key="basic:主办单位名称"]').fill("某某铁路局")
    page.wait_for_function("() => localStorage.getItem('kjgzzr:form:%s')" % edition.key)
    assert page.locator('[data-ff="file-name"]').text_content() == "某某铁路局-特色亮点活动筹备方案.docx"
    page.goto(f"{server}{edition.key}/howto/", wait_until="networkidle")
    codes = page.locator("code[data-unit-text]").all_text_contents()
    assert codes and all("某某铁路局" in c and "单位名称" not in c for c in codes), codes
    hrefs = [a.get_attribute("href") for a in page.locator("a[data-unit-href]").all()]
    assert hrefs and all(quote("某某铁路局") in h for h in hrefs), hrefs
    assert page.locator('a[href$="form/#在线填写"]').count() >= 1
    page.goto(f"{server}{edition.key}/", wait_until="networkidle")
    assert page.locator('a[href$="form/#在线填写"]').count() >= 1
    context.close()


def test_form_weighs_at_most_25_kb_gzip(built_site, edition):
    """What the form adds before export is pressed: its HTML and JSON, its script and styles (gzip)."""
    html = (built_site / edition.key / "form" / "index.html").read_text(encoding="utf-8")
    start = html.index('<section class="form-fill"')
    end = html.index("</script>", html.index('id="form-fill-data"')) + len("</script>")
    parts = [html[start:end].encode()]
    for name in ("form-fill.js", "css/40-form-fill.css"):
        parts.append((ROOT / "docs" / "assets" / name).read_bytes())
    size = sum(len(gzip.compress(p, 9)) for p in parts)
    print(f"\nform adds {size / 1024:.1f} KB gzip before export")
    assert size <= 25 * 1024
    js = (built_site / "assets" / "form-fill.js").read_text(encoding="utf-8")
    assert "formExport.build" in js and "unzipSync" not in js, "the export code is not in the form's script"
    # the form's script is loaded by the pages that use it, not by every page in site.js
    assert "formExport" not in (built_site / "assets" / "site.js").read_text(encoding="utf-8")
    loaded_by = {p.parent.relative_to(built_site).as_posix() for p in built_site.rglob("index.html")
                 if "assets/form-fill.js" in p.read_text(encoding="utf-8")}
    assert {f"{edition.key}/form", f"{edition.key}/howto"} <= loaded_by, loaded_by
    assert all(page.rsplit("/", 1)[-1] in ("form", "howto") for page in loaded_by), loaded_by
