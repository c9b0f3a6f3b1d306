"""The loader and validator: the real data loads; each malformed input is reported
with file, line and field path, and all problems are reported together."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataedit import edit_file
from sitegen.load import load_data
from sitegen.schema import DataError

ROOT = Path(__file__).resolve().parents[1]


def test_real_data_loads_into_typed_objects(site_data):
    doc = site_data.document
    assert doc.number == "学秘函〔2021〕11号"
    assert isinstance(doc.date, dt.date) and doc.date == dt.date(2021, 4, 28)
    assert [m.name for m in site_data.modules] == ["团结引领", "建家办事", "为民服务", "开放合作", "表彰发布"]
    assert [s.start for s in site_data.stages] == sorted(s.start for s in site_data.stages)
    members = site_data.deadlines_for("members")
    assert [d.due for d in members] == [dt.date(2021, 5, 8), dt.date(2021, 6, 25)]
    assert site_data.channel_of(members[0]) == "tdxh622@163.com"
    cast = site_data.deadlines_for("cast")
    assert dt.date(2021, 5, 10) in [d.due for d in cast]
    assert site_data.form_options(site_data.form.basic.rows[2]) == [m.name for m in site_data.modules]


def test_status_is_derived_from_dates(site_data):
    doc = site_data.document
    assert doc.status_on(dt.date(2021, 4, 1)) == "未印发"
    assert doc.status_on(dt.date(2021, 5, 20)) == "有效"
    assert doc.status_on(doc.campaign.end) == "有效"
    assert doc.status_on(doc.campaign.end + dt.timedelta(days=1)) == "活动已结束"


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # data file to change
    old: str  # text to replace (first occurrence)
    new: str
    path: str  # field path expected in the message ("" for file-level errors)
    words: str  # a phrase the message must contain
    line_of: str | None = None  # the line the message must point at: the line containing this text after the change

    @property
    def expected_line_text(self) -> str:
        return self.line_of if self.line_of is not None else self.new.splitlines()[0]


CASES = [
    Case("unknown key (typo)", "contacts.yaml", "    emails:\n      - tdxh622", "    emial:\n      - tdxh622",
         "contacts[0].emial", "未知的键", "    emial:"),
    Case("missing required field", "document.yaml", "issuer: 中国铁道学会\n", "",
         "issuer", "缺少必填项", "number: 学秘函"),
    Case("date not ISO", "stages.yaml", "start: 2021-05-26", "start: 2021-5-26",
         "stages[1].start", "YYYY-MM-DD"),
    Case("date that does not exist", "stages.yaml", "end: 2021-06-05", "end: 2021-06-31",
         "stages[1].end", "不是存在的日期"),
    Case("stage ends before it starts", "stages.yaml", "end: 2021-06-05", "end: 2021-05-05",
         "stages[1].end", "早于开始日期 2021-05-26"),
    Case("stages overlap", "stages.yaml", "start: 2021-06-06", "start: 2021-06-01",
         "stages[2].start", "重叠"),
    Case("deadline outside the campaign year", "stages.yaml", "due: 2021-06-25", "due: 2022-06-25",
         "deadlines[1].due", "不在活动年度 2021 年内"),
    Case("unresolved contact id", "stages.yaml", "contact: cast-org", "contact: cast-orgg",
         "deadlines[4].contact", "不是 contacts.yaml 中的联系人 id"),
    Case("unknown audience", "contacts.yaml", "audience: cast\n    people:\n      - 付震宇",
         "audience: cats\n    people:\n      - 付震宇", "contacts[2].audience", "不是 stages.yaml 中已定义的报送对象",
         "audience: cats"),
    Case("bad e-mail", "contacts.yaml", "- rczx@cast.org.cn", "- rczx.cast.org.cn",
         "contacts[1].emails[0]", "不是有效的电子邮箱"),
    Case("bad phone", "contacts.yaml", "- (010) 68578091", "- 010-6857809I",
         "contacts[2].phones[0]", "不是有效的电话号码"),
    Case("bad URL", "document.yaml", "url: https://www.scimall.org.cn/", "url: www.scimall.org.cn",
         "platform.url", "不是有效的网址"),
    Case("YAML syntax error", "modules.yaml", "    name: 建家办事", "    name: 建家办事\n   bad: [",
         "", "YAML 格式错误", "   bad: ["),
    Case("list where text expected", "document.yaml", "theme: 众心向党，自立自强", "theme:\n  - 众心向党",
         "theme", "应为文字", "  - 众心向党"),
    Case("unknown choice", "stages.yaml", "    due_kind: on\n", "    due_kind: by\n",
         "deadlines[0].due_kind", "不是可选值"),
    Case("duplicate key", "modules.yaml", "  - key: home\n    name: 建家办事",
         "  - key: home\n    name: 建家\n    name: 建家办事", "modules[1].name", "重复的键", "    name: 建家办事"),
    Case("duplicate module key", "modules.yaml", "  - key: home", "  - key: unite",
         "modules[1].key", "重复"),
    Case("empty value", "document.yaml", "attachment: 2021年“全国科技工作者日”活动实施方案", "attachment:",
         "attachment", "不能为空"),
    Case("form row kind without options", "form.yaml", "      options_from: modules\n", "",
         "basic.rows[2]", "须写 options", "    - label: 主题活动模块"),
    Case("month_end deadline not on the last day", "stages.yaml", "    due: 2021-06-30\n    due_kind: month_end\n    format: Word版和盖章PDF版，",
         "    due: 2021-06-29\n    due_kind: month_end\n    format: Word版和盖章PDF版，", "deadlines[3].due", "最后一天",
         "    due: 2021-06-29"),
]


def _data_copy(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    shutil.copytree(ROOT / "data", project / "data")
    return project


def _mutate(project: Path, case: Case) -> int:
    return edit_file(project / "data" / case.file, case.old, case.new, case.expected_line_text)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_input_names_file_line_and_field(tmp_path, case):
    project = _data_copy(tmp_path)
    line = _mutate(project, case)
    with pytest.raises(DataError) as caught:
        load_data(project / "data", project)
    messages = [str(p) for p in caught.value.problems]
    wanted_prefix = f"data/{case.file}:{line}:"
    matching = [m for m in messages if m.startswith(wanted_prefix) and case.words in m]
    assert matching, f"expected a message starting {wanted_prefix!r} containing {case.words!r}, got {messages}"
    if case.path:
        assert any(f" {case.path} " in m for m in matching), messages


def test_all_problems_are_reported_together(tmp_path):
    project = _data_copy(tmp_path)
    for case in (CASES[0], CASES[4], CASES[11]):
        _mutate(project, case)
    with pytest.raises(DataError) as caught:
        load_data(project / "data", project)
    files = {p.file for p in caught.value.problems}
    assert files == {"data/contacts.yaml", "data/stages.yaml", "data/document.yaml"}


def test_missing_and_unexpected_files(tmp_path):
    project = _data_copy(tmp_path)
    (project / "data" / "modules.yaml").unlink()
    (project / "data" / "extra.yaml").write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_data(project / "data", project)
    text = str(caught.value)
    assert "data/modules.yaml: 文件不存在" in text
    assert "data/extra.yaml: 不认识的数据文件" in text


def test_unknown_key_suggests_the_right_one(tmp_path):
    project = _data_copy(tmp_path)
    _mutate(project, CASES[0])
    with pytest.raises(DataError) as caught:
        load_data(project / "data", project)
    assert "是不是“emails”" in str(caught.value)
