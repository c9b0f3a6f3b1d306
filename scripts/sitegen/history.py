"""Which facts readers see have changed, and when: two versions of an edition compared.

The pure part takes two :class:`Edition` values and returns the
:class:`FactChange` list between them (:func:`diff`). The git part loads an
edition as it was at a revision (``git show REV:data/<year>/<file>`` into a
temporary folder, then ``load_edition``) and walks the first-parent history
of each edition's ``changes.yaml``: the facts changed since the previous note
(the first note: since the edition was first published) up to the commit
that added a note are dated with that note.

Facts readers see: every date (the notice's, the holiday, the campaign, each
stage's start and end, each deadline's due date), each contact's people,
phones and e-mails, each module's name and the sample table's row labels and
plan elements. Records are matched by their key, not their position, so
reordering a list changes nothing.

Outside git (a copy of the sources) there is no history: nothing is marked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError
from .model import Change, Edition, FactChange
from .textfmt import md

FACT_FILES = ("document.yaml", "modules.yaml", "stages.yaml", "contacts.yaml", "form.yaml")


@dataclass(frozen=True)
class Fact:
    kind: str
    key: str
    field: str
    value: object
    path: str
    file: str
    line: int | None
    label: str


def facts(edition: Edition) -> dict[tuple[str, str, str], Fact]:
    """Every fact readers see, by (kind, key, field)."""
    d = edition.data_dir or f"data/{edition.key}"
    found: dict[tuple[str, str, str], Fact] = {}

    def add(kind, key, field, value, path, file, line, label):
        found[(kind, key, field)] = Fact(kind, key, field, value, path, f"{d}/{file}", line, label)

    doc = edition.document
    add("document", "", "date", doc.date, "date", "document.yaml", doc.lines.get("date"), "通知的成文日期")
    add("document", "", "holiday", doc.holiday, "holiday", "document.yaml", doc.lines.get("holiday"), "全国科技工作者日")
    for name, label in (("start", "活动开始日期"), ("end", "活动结束日期")):
        add("document", "", f"campaign.{name}", getattr(doc.campaign, name), f"campaign.{name}", "document.yaml",
            doc.campaign.lines.get(name), label)
    for i, m in enumerate(edition.modules):
        add("module", m.key, "name", m.name, f"modules[{i}].name", "modules.yaml", m.lines.get("name"), "模块名称")
    for i, s in enumerate(edition.stages):
        for name, word in (("start", "开始日期"), ("end", "结束日期")):
            add("stage", s.key, name, getattr(s, name), f"stages[{i}].{name}", "stages.yaml", s.lines.get(name),
                f"{s.name}的{word}")
    for i, item in enumerate(edition.deadlines):
        add("deadline", item.key, "due", item.due, f"deadlines[{i}].due", "stages.yaml", item.lines.get("due"),
            f"{item.what}的截止时间")
    for i, c in enumerate(edition.contacts):
        for name, word in (("people", "联系人"), ("phones", "电话"), ("emails", "邮箱")):
            add("contact", c.id, name, tuple(getattr(c, name)), f"contacts[{i}].{name}", "contacts.yaml",
                c.lines.get(name), f"{c.name}的{word}")
    for i, row in enumerate(edition.form.basic.rows):
        add("form", str(i), "label", row.label, f"basic.rows[{i}].label", "form.yaml", row.lines.get("label"),
            f"样表第{i + 1}栏")
    add("form", "plan", "elements", tuple(edition.form.plan.elements), "plan.elements", "form.yaml",
        edition.form.plan.lines.get("elements"), "样表工作方案的要素")
    return found


def diff(old: Edition, new: Edition) -> list[FactChange]:
    """The facts that differ between two versions of one edition, in the order of the new data."""
    before, after = facts(old), facts(new)
    changes: list[FactChange] = []
    for ident in list(after) + [i for i in before if i not in after]:
        was, now = before.get(ident), after.get(ident)
        old_value = was.value if was else None
        new_value = now.value if now else None
        if old_value == new_value:
            continue
        where = now or was
        changes.append(FactChange(kind=where.kind, key=where.key, field=where.field, old=old_value, new=new_value,
                                  path=where.path, file=where.file, line=now.line if now else None,
                                  label=where.label))
    return changes


def shown(value: object, iso: bool = False) -> str:
    """A fact's value in words: 5月8日 (or 2027-05-08 with ``iso``), 陈若水、王五, （无）."""
    if value is None:
        return "（无）"
    if isinstance(value, dt.date):
        return value.isoformat() if iso else md(value)
    if isinstance(value, (tuple, list)):
        return "、".join(str(v) for v in value) or "（无）"
    return str(value)


def describe(change: FactChange) -> str:
    """One clause of a suggested change note: 活动筹备方案的截止时间由5月8日改为5月9日."""
    if change.old is None:
        return f"新增{change.label}：{shown(change.new)}"
    if change.new is None:
        return f"删去{change.label}（原为{shown(change.old)}）"
    return f"{change.label}由{shown(change.old)}改为{shown(change.new)}"


def suggested_note(changes: list[FactChange]) -> str:
    return "；".join(describe(c) for c in changes) + "。"


def added_notes(old: list[Change], new: list[Change]) -> list[Change]:
    """The notes of ``new`` that ``old`` does not have (compared by date and text), newest first."""
    seen = {(c.date, c.note.strip()) for c in old}
    return [c for c in new if (c.date, c.note.strip()) not in seen]


# --- git ---------------------------------------------------------------------------

WORKTREE = ""  # the revision name of the files on disk


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=30, check=False)


def in_git(root: Path) -> bool:
    try:
        result = _git(root, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and Path(result.stdout.decode().strip()).resolve() == Path(root).resolve()


def revision_exists(root: Path, rev: str) -> bool:
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def file_at(root: Path, rev: str, rel: str) -> bytes | None:
    """A file's bytes at a revision (WORKTREE: on disk); None when it does not exist there."""
    if rev == WORKTREE:
        path = Path(root) / rel
        return path.read_bytes() if path.is_file() else None
    result = _git(root, "show", f"{rev}:{rel}")
    return result.stdout if result.returncode == 0 else None


def edition_at(root: Path, rev: str, year: str) -> Edition | None:
    """The edition ``data/<year>/`` as it was at ``rev``; None if it did not exist or did not load."""
    if rev == WORKTREE:
        folder = Path(root) / "data" / year
        return _load(folder, root) if folder.is_dir() else None
    with tempfile.TemporaryDirectory(prefix="sitegen-history-") as tmp:
        folder = Path(tmp) / "data" / year
        folder.mkdir(parents=True)
        found = False
        for name in FACT_FILES + ("corrections.yaml", "changes.yaml"):
            data = file_at(root, rev, f"data/{year}/{name}")
            if data is not None:
                (folder / name).write_bytes(data)
                found = True
        if not found:
            return None
        edition = _load(folder, Path(tmp))
        # Name the files as they are in the repository, not in the temporary folder.
        return dataclasses.replace(edition, data_dir=f"data/{year}") if edition else None


def _load(folder: Path, root: Path) -> Edition | None:
    from .load import load_edition

    try:
        return load_edition(folder, root)
    except DataError:
        return None


def _notes_at(root: Path, rev: str, year: str) -> list[Change]:
    """The change notes of an edition at a revision, read alone (fast: one small file)."""
    from .load import CHANGES, newest_first
    from .schema import Problems, compose_file

    data = file_at(root, rev, f"data/{year}/changes.yaml")
    if data is None:
        return []
    with tempfile.TemporaryDirectory(prefix="sitegen-notes-") as tmp:
        path = Path(tmp) / "changes.yaml"
        path.write_bytes(data)
        node = compose_file(path, "changes.yaml", [])
        if node is None:
            return []
        parsed = CHANGES.check(node, "", Problems("changes.yaml"))
    notes = (parsed or {}).get("changes") or []
    return newest_first([n for n in notes if n is not None])


def _first_parent(root: Path, rel: str) -> list[str]:
    """Commits of the first-parent history (a merged pull request is one step) that touched ``rel``, oldest first."""
    result = _git(root, "log", "--first-parent", "--format=%H", "--", rel)
    return list(reversed(result.stdout.decode().split())) if result.returncode == 0 else []


def first_published(root: Path, year: str) -> str | None:
    """The first commit at which the edition was published (what readers first saw); None if never."""
    for commit in _first_parent(root, f"data/{year}"):
        text = (file_at(root, commit, f"data/{year}/document.yaml") or b"").decode("utf-8", "replace")
        if re.search(r"(?m)^status:\s*published\b", text):
            return commit
    return None


def note_points(root: Path, year: str) -> list[tuple[str, Change]]:
    """(revision, newest note it added), oldest first: every step at which changes.yaml gained a note.

    The uncommitted working tree is the last step when its changes.yaml adds
    notes to HEAD's (a preview before committing).
    """
    rel = f"data/{year}/changes.yaml"
    points: list[tuple[str, Change]] = []
    previous: list[Change] = []
    for commit in _first_parent(root, rel):
        parent = _git(root, "rev-parse", "--verify", "--quiet", f"{commit}^1")
        before = _notes_at(root, parent.stdout.decode().strip(), year) if parent.returncode == 0 else previous
        now = _notes_at(root, commit, year)
        added = added_notes(before, now)
        if added:
            points.append((commit, added[0]))
        previous = now
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode == 0:
        added = added_notes(_notes_at(root, "HEAD", year), _notes_at(root, WORKTREE, year))
        if added:
            points.append((WORKTREE, added[0]))
    return points


def noted_changes(root: Path, edition: Edition) -> tuple[FactChange, ...]:
    """Every fact change of ``edition`` that came with a change note, oldest first; () outside git.

    Each note covers the facts changed since the previous note (the first one:
    since the edition was first published) up to the commit that added it, so
    a fact changed in one commit and explained in the next is dated with that
    note. A fact's changes are kept only while the value shown now is the one
    its last noted change gave it (otherwise the marks would explain another value).
    """
    root = Path(root)
    if not in_git(root):
        return ()
    points = note_points(root, edition.key)
    start = first_published(root, edition.key) if points else None
    if start is None:
        return ()
    current = facts(edition)
    found: list[FactChange] = []
    old = edition_at(root, start, edition.key)
    for revision, note in points:
        new = edition_at(root, revision, edition.key)
        if new is None:
            continue
        for change in diff(old, new) if old is not None else []:
            now = current.get((change.kind, change.key, change.field))
            if now is None:
                continue
            found.append(dataclasses.replace(change, date=note.date, note=note.note, path=now.path,
                                             file=now.file, line=now.line))
        old = new
    found.sort(key=lambda c: c.date)  # stable: steps of the same date keep their order
    last = {(c.kind, c.key, c.field): c for c in found}
    explained = {ident for ident, c in last.items() if current[ident].value == c.new}
    return tuple(c for c in found if (c.kind, c.key, c.field) in explained)


def with_history(root: Path, edition: Edition) -> Edition:
    """The edition with its noted fact changes attached (``Edition.history``)."""
    if not edition.changes:
        return edition
    return dataclasses.replace(edition, history=noted_changes(root, edition))


# --- the pull-request check ----------------------------------------------------------

PLACEHOLDER_DATE = "YYYY-MM-DD"


def suggestion_date(root: Path, edition: Edition) -> str:
    """The date to propose for a new note: the last commit's (Beijing) date when it can be one, else YYYY-MM-DD."""
    from .model import TIMEZONE

    result = _git(root, "log", "-1", "--format=%ct")
    out = result.stdout.decode().strip() if result.returncode == 0 else ""
    if out.isdigit():
        day = dt.datetime.fromtimestamp(int(out), TIMEZONE).date()
        if day.year == edition.year and day >= edition.document.date:
            return day.isoformat()
    return PLACEHOLDER_DATE


def unnoted_changes(root: Path, base: str, editions: list[Edition]) -> list:
    """Problems for every fact changed since ``base`` in an edition whose changes.yaml gained no note.

    Draft editions, and editions that were a draft (or did not exist) at
    ``base``, need no note: readers have not seen them yet.
    """
    from .errors import Problem

    root = Path(root)
    if not revision_exists(root, base):
        return [Problem(f"BASE={base}", None, "",
                        f"找不到要比较的 git 版本“{base}”；请写成分支或提交，例如 make check BASE=origin/main"
                        "（在 GitHub 上需要 actions/checkout 的 fetch-depth: 0）")]
    problems = []
    for edition in editions:
        if edition.is_draft:
            continue
        old = edition_at(root, base, edition.key)
        if old is None or old.is_draft:
            continue
        changed = diff(old, edition)
        if not changed or added_notes(old.changes, edition.changes):
            continue
        notes_file = f"{edition.data_dir or 'data/' + edition.key}/changes.yaml"
        day = suggestion_date(root, edition)
        lines = [f"  - date: {day}" + ("  # 改为发布这项更新的日期" if day == PLACEHOLDER_DATE else ""),
                 f"    note: {suggested_note(changed)}"]
        for change in changed:
            problems.append(Problem(
                change.file, change.line, change.path,
                f"已从 {shown(change.old, iso=True)} 改为 {shown(change.new, iso=True)}，但 {notes_file} 没有新增更新说明。"
                f"读者已经看到过原来的值，请在 {notes_file} 的 changes: 下加上（按实际情况修改）：\n" + "\n".join(lines),
            ))
    return problems
