"""The loader and validator: the real data loads; each malformed input is reported
with file, line and field path, and all problems are reported together."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataedit import edit_file
from sitegen.load import load_edition
from sitegen.schema import DataError

ROOT = Path(__file__).resolve().parents[1]
# The malformed inputs below are edits of this edition's files (their text is the fixture).
FIXTURE = "2021"


def test_real_data_loads_into_typed_objects(site_data):
    """Every edition in data/ loads into checked, typed objects."""
    doc = site_data.document
    assert doc.status in ("published", "draft")
    assert isinstance(doc.date, dt.date) and doc.date.year == site_data.year
    assert site_data.modules and all(m.key and m.name for m in site_data.modules)
    assert [s.start for s in site_data.stages] == sorted(s.start for s in site_data.stages)
    assert sum(a.primary for a in site_data.audiences) == 1 and site_data.primary.primary
    assert sum(d.featured for d in site_data.deadlines) <= 1
    assert site_data.featured.audience == site_data.primary.key
    own = site_data.deadlines_for(site_data.primary.key)
    assert own and [d.due for d in own] == sorted(d.due for d in own)
    for d in site_data.deadlines:
        assert isinstance(d.due, dt.date) and d.due.year == site_data.year
        expected = site_data.document.platform.url if d.channel == "platform" else site_data.contact(d.contact).emails[0]
        assert site_data.channel_of(d) == expected
    for row in site_data.form.basic.rows:
        if row.options_from == "modules":
            assert site_data.form_options(row) == [m.name for m in site_data.modules]


def test_the_2021_notice_holds_its_facts(site_model):
    """The 2021 notice as transcribed: values pinned against the original document."""
    edition = site_model.edition("2021")
    doc = edition.document
    assert doc.status == "published"
    assert doc.number == "学秘函〔2021〕11号"
    assert doc.date == dt.date(2021, 4, 28)
    assert [m.name for m in edition.modules] == ["团结引领", "建家办事", "为民服务", "开放合作", "表彰发布"]
    assert edition.primary.key == "members" and edition.featured.key == "members-plan"
    members = edition.deadlines_for("members")
    assert [d.due for d in members] == [dt.date(2021, 5, 8), dt.date(2021, 6, 25)]
    assert edition.channel_of(members[0]) == "tdxh622@163.com"
    cast = edition.deadlines_for("cast")
    assert dt.date(2021, 5, 10) in [d.due for d in cast]
    assert edition.form_options(edition.form.basic.rows[2]) == [m.name for m in edition.modules]


def test_lookups_name_the_file_and_what_exists(site_data):
    from sitegen.errors import MissingItem

    with pytest.raises(MissingItem) as caught:
        site_data.deadline("no-such-deadline")
    message = str(caught.value)
    assert f"data/{site_data.key}/stages.yaml" in message and "no-such-deadline" in message
    assert all(d.key in message for d in site_data.deadlines)


def test_status_is_derived_from_dates(site_data):
    doc = site_data.document
    assert doc.status_on(doc.date - dt.timedelta(days=1)) == "未印发"
    assert doc.status_on(doc.date) == "有效"
    assert doc.status_on(doc.campaign.start + (doc.campaign.end - doc.campaign.start) / 2) == "有效"
    assert doc.status_on(doc.campaign.end) == "有效"
    assert doc.status_on(doc.campaign.end + dt.timedelta(days=1)) == "活动已结束"


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # data file to change, in data/<FIXTURE>/
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
         "issuer", "缺少必填项“issuer”：发文机关。例如：issuer: ", "status: published\n"),
    Case("missing status", "document.yaml", "status: published\n", "",
         "status", "缺少必填项“status”", "issuer: 中国铁道学会"),
    Case("unknown status", "document.yaml", "\nstatus: published", "\nstatus: public",
         "status", "不是可选值", "status: public"),
    Case("date not ISO", "stages.yaml", "start: 2021-05-26", "start: 2021-5-26",
         "stages[1].start", "YYYY-MM-DD"),
    Case("date that does not exist", "stages.yaml", "end: 2021-06-05", "end: 2021-06-31",
         "stages[1].end", "不是存在的日期"),
    Case("stage ends before it starts", "stages.yaml", "end: 2021-06-05", "end: 2021-05-05",
         "stages[1].end", "早于开始日期 2021-05-26"),
    Case("stages overlap", "stages.yaml", "start: 2021-06-06", "start: 2021-06-01",
         "stages[2].start", "重叠"),
    Case("deadline outside the campaign year", "stages.yaml", "due: 2021-06-25", "due: 2022-06-25",
         "deadlines[1].due", "不在 2021 年内"),
    Case("notice dated in another year than its folder", "document.yaml", "date: 2021-04-28", "date: 2020-04-28",
         "date", "不在 2021 年内"),
    Case("no primary audience", "stages.yaml", "    primary: true  #", "    #",
         "audiences", "primary: true", "  - key: members"),
    Case("two primary audiences", "stages.yaml", "  - key: cast\n", "  - key: cast\n    primary: true\n",
         "audiences[1].primary", "只能有一个报送对象", "    primary: true\n"),
    Case("two featured deadlines", "stages.yaml", "  - key: members-summary\n",
         "  - key: members-summary\n    featured: true\n", "deadlines[1].featured", "只能有一项截止时间",
         "    featured: true\n"),
    Case("unresolved contact id", "stages.yaml", "contact: cast-talent", "contact: cast-orgg",
         "deadlines[2].contact", "不是 contacts.yaml 中的联系人 id"),
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


def _folder(project: Path) -> Path:
    return project / "data" / FIXTURE


def _mutate(project: Path, case: Case) -> int:
    return edit_file(_folder(project) / case.file, case.old, case.new, case.expected_line_text)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_input_names_file_line_and_field(tmp_path, case):
    project = _data_copy(tmp_path)
    line = _mutate(project, case)
    with pytest.raises(DataError) as caught:
        load_edition(_folder(project), project)
    messages = [str(p) for p in caught.value.problems]
    wanted_prefix = f"data/{FIXTURE}/{case.file}:{line}:"
    matching = [m for m in messages if m.startswith(wanted_prefix) and case.words in m]
    assert matching, f"expected a message starting {wanted_prefix!r} containing {case.words!r}, got {messages}"
    if case.path:
        assert any(f" {case.path} " in m for m in matching), messages


def test_all_problems_are_reported_together(tmp_path):
    project = _data_copy(tmp_path)
    by_name = {c.name: c for c in CASES}
    for name in ("unknown key (typo)", "stage ends before it starts", "bad URL"):
        _mutate(project, by_name[name])
    with pytest.raises(DataError) as caught:
        load_edition(_folder(project), project)
    files = {p.file for p in caught.value.problems}
    assert files == {f"data/{FIXTURE}/{name}" for name in ("contacts.yaml", "stages.yaml", "document.yaml")}


def test_missing_and_unexpected_files(tmp_path):
    project = _data_copy(tmp_path)
    (_folder(project) / "modules.yaml").unlink()
    (_folder(project) / "extra.yaml").write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_edition(_folder(project), project)
    text = str(caught.value)
    assert f"data/{FIXTURE}/modules.yaml: 文件不存在" in text
    assert f"data/{FIXTURE}/extra.yaml: 不认识的数据文件" in text


def test_unknown_key_suggests_the_right_one(tmp_path):
    project = _data_copy(tmp_path)
    _mutate(project, CASES[0])
    with pytest.raises(DataError) as caught:
        load_edition(_folder(project), project)
    message = next(str(p) for p in caught.value.problems if "emial" in str(p))
    assert "是不是“emails”" in message
    # ... and lists the keys that may be written there, each with what it means.
    allowed = message.split("这里可以写的键：", 1)[1]
    for key in ("id", "organization", "emails", "phones"):
        assert re.search(rf"(^|；){key}（[^）]+）", allowed), allowed


def test_featured_deadline_must_belong_to_the_primary_audience(tmp_path):
    project = _data_copy(tmp_path)
    stages = _folder(project) / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    featured = re.search(r"^    featured: true.*\n", text, re.M)
    assert featured, "fixture drifted: no featured deadline"
    text = text[: featured.start()] + text[featured.end():]
    stages.write_text(text, encoding="utf-8")
    line = edit_file(stages, "  - key: cast-plan\n", "  - key: cast-plan\n    featured: true\n", "    featured: true\n")
    with pytest.raises(DataError) as caught:
        load_edition(_folder(project), project)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"data/{FIXTURE}/stages.yaml:{line}: deadlines[2].featured ") and "应属于 primary 报送对象" in m
               for m in messages), messages


def test_checks_across_files_run_despite_errors_elsewhere(tmp_path):
    """A broken field in one file does not hide a wrong reference in another."""
    project = _data_copy(tmp_path)
    by_name = {c.name: c for c in CASES}
    _mutate(project, by_name["bad e-mail"])
    line = _mutate(project, by_name["unresolved contact id"])
    with pytest.raises(DataError) as caught:
        load_edition(_folder(project), project)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"data/{FIXTURE}/contacts.yaml:") and "不是有效的电子邮箱" in m for m in messages), messages
    assert any(m.startswith(f"data/{FIXTURE}/stages.yaml:{line}: deadlines[2].contact ") for m in messages), messages
