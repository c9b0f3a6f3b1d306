"""Change notes (data/<year>/changes.yaml): the pull-request check, the pages, the calendars and the feeds.

A git repository is made from a copy of the project: the notice as first
published; then a commit that moves a deadline without a note (the check
fails, naming file:line, old and new); then the note (the check passes). The
generated site shows the note and the old value, the calendar raises the
event's SEQUENCE, and the Atom feeds parse (feedparser) with their entries in
order and RFC 4287's required elements.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import copy_project
from sitegen.errors import DataError
from sitegen.generate import generate
from sitegen.history import diff, edition_at, noted_changes
from sitegen.load import load_site
from sitegen.model import TIMEZONE
from sitegen.outputs import calendar as ics

NOTE_1 = "活动筹备方案的截止时间由5月8日改为5月9日，请据此安排报送。"
NOTE_2 = "学术交流与科普部的联系人改为王晓明，电话不变。"


def git(project: Path, *args: str, when: str = "2021-05-01T10:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "维护人", "GIT_AUTHOR_EMAIL": "m@example.com",
           "GIT_COMMITTER_NAME": "维护人", "GIT_COMMITTER_EMAIL": "m@example.com",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    env.pop("SOURCE_DATE_EPOCH", None)
    result = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_note(project: Path, day: str, note: str) -> None:
    path = project / "data" / "2021" / "changes.yaml"
    text = path.read_text(encoding="utf-8").replace("changes: []", "changes:")
    path.write_text(text.rstrip("\n") + f"\n  - date: {day}\n    note: {note}\n", encoding="utf-8")


def check(project: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    return subprocess.run([sys.executable, "-m", "sitegen", "--root", str(project), *extra],
                          capture_output=True, text=True, env=env, cwd=project, timeout=120)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """published (5-01) → due moved without a note (5-03)."""
    project = copy_project(tmp_path_factory.mktemp("changes") / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "通知发布")
    edit(project / "data" / "2021" / "stages.yaml", "    due: 2021-05-08", "    due: 2021-05-09")
    git(project, "commit", "-qam", "筹备方案截止时间改为5月9日", when="2021-05-03T10:00:00+08:00")
    return project


def test_a_changed_date_without_a_note_fails_the_check_with_file_line_old_and_new(repo):
    result = check(repo, "check", "--base", "HEAD~1")
    assert result.returncode == 1, result.stdout + result.stderr
    line = line_of(repo / "data" / "2021" / "stages.yaml", "due: 2021-05-09")
    message = result.stderr
    assert f"data/2021/stages.yaml:{line}: deadlines[0].due 已从 2021-05-08 改为 2021-05-09" in message
    assert "data/2021/changes.yaml 没有新增更新说明" in message
    # The lines to add, with the commit's date and a note naming the change.
    assert "  - date: 2021-05-03\n    note: 活动筹备方案的截止时间由5月8日改为5月9日。" in message
    # As a GitHub annotation on that line.
    github = check(repo, "--format", "github", "check", "--base", "HEAD~1")
    assert github.returncode == 1
    assert f"::error file=data/2021/stages.yaml,line={line},title=" in github.stdout
    # Without BASE, the same data is valid.
    assert check(repo, "check").returncode == 0


def test_an_unknown_base_is_named(repo):
    result = check(repo, "check", "--base", "no-such-branch")
    assert result.returncode == 1 and "no-such-branch" in result.stderr


def test_the_facts_compared(repo):
    old, new = edition_at(repo, "HEAD~1", "2021"), edition_at(repo, "HEAD", "2021")
    changes = diff(old, new)
    assert [(c.kind, c.key, c.field, c.old, c.new) for c in changes] == [
        ("deadline", "members-plan", "due", dt.date(2021, 5, 8), dt.date(2021, 5, 9))]
    # Prose edits and corrections need no note: they are not facts.
    assert diff(new, new) == []


@pytest.fixture(scope="module")
def noted(repo, tmp_path_factory) -> Path:
    """…then the note (5-03), then a contact change with its own note (5-06)."""
    add_note(repo, "2021-05-03", NOTE_1)
    git(repo, "commit", "-qam", "更新说明", when="2021-05-03T11:00:00+08:00")
    return repo


def test_with_a_note_the_check_passes(noted):
    result = check(noted, "check", "--base", "HEAD~2")
    assert result.returncode == 0, result.stderr
    assert "改动的事实都有更新说明" in result.stdout


@pytest.fixture(scope="module")
def generated(noted, tmp_path_factory) -> tuple[Path, Path]:
    edit(noted / "data" / "2021" / "contacts.yaml", "      - 陈若水", "      - 王晓明")
    add_note(noted, "2021-05-06", NOTE_2)
    git(noted, "commit", "-qam", "更换联系人", when="2021-05-06T09:00:00+08:00")
    assert check(noted, "check", "--base", "HEAD~3").returncode == 0
    out = tmp_path_factory.mktemp("generated") / "docs"
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    generate(out, noted, drafts=False)
    return noted, out


def test_history_dates_each_change_with_its_note(generated):
    project, _ = generated
    edition = load_site(project).edition("2021")
    found = noted_changes(project, edition)
    assert [(c.key, c.field, c.date, c.note) for c in found] == [
        ("members-plan", "due", dt.date(2021, 5, 3), NOTE_1),
        ("crs-academic", "people", dt.date(2021, 5, 6), NOTE_2),
    ]


def test_pages_show_the_note_and_the_old_value(generated):
    _, out = generated
    home = (out / "2021" / "index.md").read_text(encoding="utf-8")
    # The latest note near the top (before the first heading after the title).
    top = home.split("## ", 1)[0]
    assert "5月6日</time>更新：**" + NOTE_2 in top
    assert "（原为5月8日，5月3日更新）" in home
    assert "王晓明<span class=\"changed-mark\">（原为陈若水，5月6日更新）</span>" in home
    timeline = (out / "2021" / "timeline.md").read_text(encoding="utf-8")
    assert "（原为5月8日，5月3日更新）" in timeline
    log = timeline.split("## 更新记录", 1)[1]
    assert log.index(NOTE_2) < log.index(NOTE_1)  # newest first
    assert 'href="../../changes-2021.xml"' in log and 'href="../../changes.xml"' in log
    assert "webcal://crs-tdxh.github.io/kjgzzr/2021/downloads/kjgzzr-2021-members.ics" in timeline
    assert "订阅和导入有什么不同" in timeline
    assert "feed: changes-2021.xml" in timeline.split("---", 2)[1]
    # The root copy of the home page too; 最近更新 is the latest note's date.
    assert NOTE_2 in (out / "index.md").read_text(encoding="utf-8")
    assert '<time datetime="2021-05-06">2021年5月6日</time>' in (out / "about.md").read_text(encoding="utf-8")


def test_the_changed_event_has_a_higher_sequence_and_a_new_dtstamp(generated):
    _, out = generated
    cal = Calendar.from_ical((out / "2021" / "downloads" / "kjgzzr-2021-members.ics").read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    plan = events["kjgzzr-2021-due-members-plan@kjgzzr.crs-tdxh.github.io"]
    # Changed twice: its date (5-03), and its contact (5-06).
    assert int(plan["SEQUENCE"]) == 2
    assert plan["DTSTART"].dt == dt.date(2021, 5, 9)
    stamp = dt.datetime(2021, 5, 6, tzinfo=TIMEZONE)
    assert plan["DTSTAMP"].dt == stamp and plan["LAST-MODIFIED"].dt == stamp
    assert NOTE_2 in str(plan["DESCRIPTION"])
    untouched = events["kjgzzr-2021-stage-stage1@kjgzzr.crs-tdxh.github.io"]
    assert "SEQUENCE" not in untouched
    assert untouched["DTSTAMP"].dt == dt.datetime(2021, 4, 28, tzinfo=TIMEZONE)
    cast = Calendar.from_ical((out / "2021" / "downloads" / "kjgzzr-2021-cast.ics").read_bytes())
    assert not [e for e in cast.walk("VEVENT") if "SEQUENCE" in e]


def test_feeds_parse_with_required_elements_and_entries_in_order(generated):
    import feedparser
    _, out = generated
    for rel, prefix in (("changes-2021.xml", ""), ("changes.xml", "2021年·")):
        raw = (out / rel).read_bytes()
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        feed = parsed.feed
        # RFC 4287 4.1.1: atom:id, atom:title, atom:updated; an author (feed-wide); a self link.
        assert feed.id.startswith("tag:") and feed.title and feed.updated.startswith("2021-05-06")
        assert feed.author
        assert any(link.rel == "self" and link.href.endswith(rel) for link in feed.links)
        entries = parsed.entries
        assert [e.content[0].value for e in entries] == [NOTE_2, NOTE_1]
        for entry in entries:  # 4.1.2: atom:id, atom:title, atom:updated
            assert entry.id.startswith("tag:") and entry.title.startswith(prefix) and entry.updated
            assert entry.link.startswith("https://crs-tdxh.github.io/kjgzzr/2021/timeline/")
        assert [e.updated[:10] for e in entries] == ["2021-05-06", "2021-05-03"]
        assert len({e.id for e in entries}) == 2


def test_same_sources_same_feed_and_calendar_bytes(generated, tmp_path):
    project, out = generated
    again = tmp_path / "again"
    generate(again, project, drafts=False)
    for rel in ("changes.xml", "changes-2021.xml", "2021/downloads/kjgzzr-2021-members.ics"):
        assert (again / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_outside_git_nothing_is_marked(tmp_path):
    project = copy_project(tmp_path / "project")
    add_note(project, "2021-05-03", NOTE_1)
    out = tmp_path / "out"
    generate(out, project, drafts=False)
    timeline = (out / "2021" / "timeline.md").read_text(encoding="utf-8")
    assert NOTE_1 in timeline and "changed-mark" not in timeline
    assert b"SEQUENCE" not in (out / "2021" / "downloads" / "kjgzzr-2021-members.ics").read_bytes()


@pytest.mark.parametrize("day, message", [
    ("2020-12-30", "不在 2021 年内"),
    ("2021-04-01", "早于通知的成文日期 2021-04-28"),
    ("2021-5-3", "YYYY-MM-DD"),
])
def test_a_note_with_a_wrong_date_is_named(tmp_path, day, message):
    project = copy_project(tmp_path / "project")
    add_note(project, day, NOTE_1)
    with pytest.raises(DataError) as caught:
        load_site(project)
    line = line_of(project / "data" / "2021" / "changes.yaml", f"date: {day}")
    assert any(p.file == "data/2021/changes.yaml" and p.line == line and message in p.message
               for p in caught.value.problems), caught.value.problems


def test_an_edition_without_changes_yaml_has_no_notes(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "data" / "2021" / "changes.yaml").unlink()
    assert load_site(project).edition("2021").changes == []
