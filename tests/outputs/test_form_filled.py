"""The Word form filled in as a society would: it still paginates well in LibreOffice.

The blank DOCX is opened with python-docx, every value cell (the cell right
of its label) and every activity element gets a realistic answer (three
activities of 500 字 spread over their eight elements, a 26-字 unit name, a
long address), a few tick boxes are checked the way Word does it, and the
result is converted with LibreOffice: at most 6 pages, none nearly empty but
the last, and the checked boxes show ☑.
"""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from formfiles import (
    activity_pages, basic_tail_pages, docx_file, layout_cells, page_fill, pdf_pages, pdf_text, site, soffice_to_pdf, squash,
)

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MIN_FILL = 0.5
MAX_PAGES = 6

UNIT = "中国铁道学会铁道工程分会暨铁路科技工作者之家秘书处"  # 26 字
ADDRESS = "北京市海淀区复兴路10号中国铁道学会铁道工程分会秘书处科技工作者服务部（邮编100844）"
ANSWERS = {
    "主办单位名称": UNIT,
    "主题活动名称": "弘扬科学家精神，争做新时代铁路科技报国先锋——2021年铁路科技工作者日系列活动",
    "承办单位名称": "中国铁道学会铁道工程分会、中国铁道科学研究院集团有限公司科技工作者服务中心",
    "拟举办时间": "2021年5月20日至6月30日",
    "拟举办地点": "北京市海淀区中国铁道科学研究院国家铁道试验中心及各铁路局集团公司",
    "预计活动规模": "线下约600人，线上直播观看约5万人次",
    "姓名": "王建国",
    "办公电话": "（010）51849999",
    "手机": "13801234567",
    "传真": "（010）51848888",
    "电子邮箱": "wangjianguo-kexie@crs-tie.org.cn",
    "主办单位": ADDRESS,
    "报送时间": "2021年5月10日",
}
# One activity's 500 字, cut into its eight elements (工作思路 … 预期成效).
PLAN = (
    "以习近平新时代中国特色社会主义思想为指导，围绕交通强国铁路先行战略，聚焦铁路科技自立自强，团结引领广大铁路科技工作者"
    "践行科学家精神，把科技工作者日活动办成凝聚人心、展示成就、服务基层的品牌活动，营造尊重知识、崇尚创新的良好氛围。"
    "一是组织院士专家走进一线工区开展科技咨询服务；二是举办青年科技人才创新成果交流会和优秀论文发布；三是开展铁路科普进校园、"
    "进社区活动；四是走访慰问老一辈铁路科技工作者并录制口述历史；五是通过学会网站和新媒体平台进行全程直播宣传。"
    "2021年5月28日至6月20日，分三个阶段推进。"
    "北京国家铁道试验中心、郑州铁路局集团公司科创中心及沿线站段。"
    "院士专家20人，青年科技工作者300人，基层技术骨干200人，大中小学生及社区居民约100人。"
    "弘扬科学家精神，铁路科技报国再出发，服务交通强国建设。"
    "5月下旬召开启动会并发布活动方案；6月上旬组织专家下基层开展技术诊断和咨询，同期举办青年创新成果交流会；6月中旬开展科普进校园"
    "进社区和走访慰问；6月下旬进行总结评选，表扬优秀组织单位和先进个人，形成成果汇编报送中国科协并在学会网站公开发布。"
    "解决一线技术难题不少于30项，发布优秀成果20项，科普受众超过5万人次，进一步增强铁路科技工作者的获得感和荣誉感，提升学会的凝聚力和影响力。"
)
SPLIT = [90, 90, 22, 30, 44, 26, 120, 78]  # 500 字 over the eight elements


def activity_answers() -> list[str]:
    text = PLAN.ljust(sum(SPLIT), "。")
    out, start = [], 0
    for size in SPLIT:
        out.append(text[start : start + size])
        start += size
    return out


def _text(tc) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def fill(document) -> dict[str, int]:
    """Write every answer into the cell right of its label; return how many cells of each kind were filled."""
    filled = {"value": 0, "element": 0, "ticks": 0}
    answers = activity_answers()
    for table in document.tables:
        for tr in table._tbl.iter(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            for left, right in zip(cells, cells[1:]):
                label = squash(_text(left)).rstrip("：")
                if _text(right) or not label:
                    continue
                paragraphs = right.findall(qn("w:p"))
                assert len(paragraphs) == 1, f"value cell of {label} holds {len(paragraphs)} paragraphs"
                if label in ANSWERS:
                    answer = ANSWERS[label]
                    filled["value"] += 1
                elif label.startswith("主办单位［"):
                    answer = ANSWERS["主办单位"]
                    filled["value"] += 1
                elif label == "单位盖章":
                    continue  # the seal goes here
                else:
                    index = _element_index(label)
                    answer = answers[index]
                    filled["element"] += 1
                run = docx.text.paragraph.Paragraph(paragraphs[0], None).add_run(answer)
                # Text typed into an empty paragraph takes the paragraph mark's font and size (四号),
                # in Word as in the site's export (assets/form-export.js fillCell).
                mark = paragraphs[0].find(f"{qn('w:pPr')}/{qn('w:rPr')}")
                if mark is not None:
                    run._r.insert(0, copy.deepcopy(mark))
    for sdt in document.element.body.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val"))
        if tag.endswith((":团结引领", ":表彰发布", ":科技工作者")):
            sdt.find(f".//{W14}checked").set(f"{W14}val", "1")
            sdt.find(f"{qn('w:sdtContent')}//{qn('w:t')}").text = "☑"
            filled["ticks"] += 1
    return filled


ELEMENTS = ["工作思路", "实施举措", "时间", "地点", "人员", "主题", "主要安排", "预期成效"]


def _element_index(label: str) -> int:
    assert label in ELEMENTS, f"unexpected empty cell right of {label!r}"
    return ELEMENTS.index(label)


def fill_and_convert(out: Path) -> tuple[Path, Path, dict[str, int]]:
    """The filled DOCX, LibreOffice's PDF of it, and what was filled."""
    out.mkdir(parents=True, exist_ok=True)
    document = docx.Document(str(docx_file()))
    counts = fill(document)
    target = out / "filled.docx"
    document.save(str(target))
    return target, soffice_to_pdf(target, out / "lo"), counts


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    return fill_and_convert(tmp_path_factory.mktemp("form-filled"))


def test_every_value_cell_and_activity_element_was_filled(filled):
    site_data, counts = site(), filled[2]
    assert counts["value"] == len(ANSWERS)
    assert counts["element"] == len(site_data.form.plan.elements) * len(site_data.stages)
    assert counts["ticks"] == 3


def test_filled_form_stays_at_most_six_pages_in_libreoffice(filled):
    assert pdf_pages(filled[1]) <= MAX_PAGES


def test_filled_form_leaves_no_page_but_the_last_nearly_empty(filled):
    fills = page_fill(filled[1])
    assert all(fill >= MIN_FILL for fill in fills[:-1]), [round(f, 2) for f in fills]


def test_each_filled_activity_stays_on_one_page_and_the_address_row_is_not_alone(filled):
    """500 字 an activity (the limit) still fits one page: 一项一表 holds in the filled file too."""
    cells = layout_cells(filled[1])
    pages = basic_tail_pages(cells, site())
    assert pages["last row"] == pages["last contact field"] == pages["contact label"], pages
    for caption, first, last in activity_pages(cells, site(), len(site().stages)):
        assert caption == first == last, (caption, first, last)


def test_filled_answers_and_ticks_show_in_libreoffice(filled):
    text = squash(pdf_text(filled[1]))
    for answer in (UNIT, ADDRESS, activity_answers()[6]):
        assert squash(answer)[:20] in text
    assert text.count("☑") == 3
    assert "□开放合作" in text
