"""The mistakes a maintainer is most likely to make, and what they are told.

Each mistake is made in a copy of the project and checked with the command
line a maintainer (``make check``) or the pull-request workflow
(``make check FORMAT=github``) runs. The message must name the file, the
line and the field, say what is wrong in Chinese, and appear both as text and
as a GitHub annotation on that line.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataedit import edit_file
from sitegen.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
# The mistakes are edits of this edition's files (their text is the fixture).
FIXTURE = "2021"
DATA = f"data/{FIXTURE}"
DOCS = f"docs/{FIXTURE}"


@dataclass(frozen=True)
class Mistake:
    name: str
    file: str  # path in the repository
    old: str  # text replaced (first occurrence)
    new: str | bytes  # bytes: the whole file is replaced by this encoding of the changed text
    field: str  # field the message must name
    words: str  # what the message must say
    marker: str | None = None  # text on the line the message must point at (default: first line of new)
    encoding: str = "utf-8"


MISTAKES = [
    Mistake("date typed without leading zeros", f"{DATA}/stages.yaml", "due: 2021-05-08", "due: 2021-5-8",
            "deadlines[0].due", "不是 YYYY-MM-DD 格式的日期"),
    Mistake("date that does not exist", f"{DATA}/stages.yaml", "due: 2021-06-25", "due: 2021-02-30",
            "deadlines[1].due", "不是存在的日期"),
    Mistake("tab used for indentation", f"{DATA}/contacts.yaml", "    organization: 中国铁道学会",
            "\torganization: 中国铁道学会", "organization", "Tab"),
    Mistake("no space after the colon", f"{DATA}/stages.yaml", "due: 2021-06-25", "due:2021-06-25",
            "due", "冒号后缺少空格"),
    Mistake("full-width colon", f"{DATA}/stages.yaml", "due: 2021-06-25", "due：2021-06-25",
            "due", "全角冒号"),
    Mistake("misspelt key", f"{DATA}/contacts.yaml", "    emails:\n      - tdxh622", "    emial:\n      - tdxh622",
            "contacts[0].emial", "是不是“emails”"),
    Mistake("stage ends before it starts", f"{DATA}/stages.yaml", "end: 2021-05-25", "end: 2021-05-01",
            "stages[0].end", "早于开始日期"),
    Mistake("deadline names a contact that does not exist", f"{DATA}/stages.yaml", "contact: cast-talent",
            "contact: cast-organization", "deadlines[2].contact", "不是 contacts.yaml 中的联系人 id"),
    Mistake("phone number with a letter", f"{DATA}/contacts.yaml", "      - 010-51871797", "      - 010-5187179O",
            "contacts[0].phones[0]", "不是有效的电话号码"),
    Mistake("e-mail without @", f"{DATA}/contacts.yaml", "      - tdxh622@163.com", "      - tdxh622.163.com",
            "contacts[0].emails[0]", "不是有效的电子邮箱"),
    Mistake("key written twice", f"{DATA}/document.yaml", "theme: 众心向党，自立自强",
            "theme: 众心向党，自立自强\ntheme: 众心向党", "theme", "重复的键", marker="theme: 众心向党\n"),
    Mistake("placeholder misspelt in a page", f"{DOCS}/notice.md", "{{ doc.number }}", "{{ doc.numbr }}",
            "{{ doc.numbr }}", "是不是“number”"),
    Mistake("placeholder misspelt in a site-wide page", "docs/about.md", "{{ site.info.office.email }}",
            "{{ site.info.office.emial }}", "{{ site.info.office.emial }}", "是不是“email”"),
    Mistake("site-wide phone number with a letter", "data/site.yaml", "    - 010-51871797", "    - 010-5187179O",
            "office.phones[0]", "不是有效的电话号码"),
    Mistake("misspelt key lists the keys allowed", f"{DATA}/document.yaml", "title: 关于转发", "titel: 关于转发",
            "titel", "这里可以写的键：status（"),
    Mistake("value containing colon and space, unquoted", f"{DATA}/stages.yaml", "what: 活动筹备方案",
            "what: 注意: 活动筹备方案", "what", "加上英文引号"),
    Mistake("file saved as GBK by a Windows editor", f"{DATA}/contacts.yaml", "陈若水", "陈若水",
            "", "不是 UTF-8 编码", marker="# 联系人", encoding="gbk"),
]


def make(mistake: Mistake, project: Path) -> int:
    """Make the mistake in the project copy; return the line the message must point at."""
    return edit_file(project / mistake.file, mistake.old, mistake.new, mistake.marker, mistake.encoding)


@pytest.fixture
def project(tmp_path) -> Path:
    target = tmp_path / "project"
    for part in ("data", "docs"):
        shutil.copytree(ROOT / part, target / part)
    return target


def run(project: Path, capsys, *options: str) -> tuple[int, str, str]:
    code = main(["--root", str(project), *options, "check"])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_mistake_is_named_by_file_line_and_field(project, capsys, monkeypatch, mistake):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    line = make(mistake, project)

    code, out, err = run(project, capsys)
    assert code == 1
    text_lines = [l for l in err.splitlines() if l.startswith(f"{mistake.file}:{line}:")]
    assert text_lines, f"no message for {mistake.file}:{line} in:\n{err}"
    wanted = [l for l in text_lines if mistake.words in l and (not mistake.field or f" {mistake.field} " in l)]
    assert wanted, f"expected field {mistake.field!r} and {mistake.words!r} in:\n{err}"
    assert "Traceback" not in err

    code, out, err = run(project, capsys, "--format", "github")
    assert code == 1
    title = f"数据错误：{mistake.field}" if mistake.field else "数据错误"
    prefix = f"::error file={mistake.file},line={line},title={title.replace(':', '%3A').replace(',', '%2C')}::"
    annotations = [l for l in out.splitlines() if l.startswith(prefix)]
    assert annotations, f"no annotation starting {prefix!r} in:\n{out}"
    assert any(mistake.words in a and f"{mistake.file}:{line}:" in a for a in annotations)


def test_the_unchanged_project_passes(project, capsys):
    code, out, err = run(project, capsys)
    assert code == 0 and "数据检查通过" in out, err


def test_annotations_escape_newlines_and_percent_signs(capsys):
    """A value holding % or a line break must not end or corrupt the workflow command."""
    from sitegen.__main__ import github_annotation
    from sitegen.schema import Problem

    line = github_annotation(Problem("data/a,b.yaml", 3, "x:y", "100% 错误\n第二行"))
    assert line == "::error file=data/a%2Cb.yaml,line=3,title=数据错误：x%3Ay::data/a,b.yaml:3: x:y 100%25 错误%0A第二行"


def test_github_format_writes_a_summary_table(project, capsys, monkeypatch, tmp_path):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    make(MISTAKES[0], project)
    run(project, capsys, "--format", "github")
    table = summary.read_text(encoding="utf-8")
    assert f"| {DATA}/stages.yaml |" in table and "deadlines[0].due" in table


def test_build_failure_is_annotated_too(capsys, monkeypatch):
    """A failure after validation (e.g. the sample table no longer fits its pages) also shows on the pull request."""
    from sitegen import build

    def fail(root, site_dir=None, drafts=None, engine=None):
        raise build.BuildError("PDF 样表排成了 5 页，Word 版按 4 页排版")

    monkeypatch.setattr(build, "build_site", fail)
    assert main(["--format", "github", "build"]) == 2
    out = capsys.readouterr()
    assert "::error title=构建失败::构建失败，site/ 保持不变：PDF 样表排成了 5 页" in out.out
    assert "site/ 保持不变" in out.err
