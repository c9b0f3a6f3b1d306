"""Property-based fuzzing of the data loader (hypothesis).

Whatever a maintainer's editor leaves in a data file (data/site.yaml or any
edition's data/<year>/*.yaml: random YAML documents, random bytes, or the real
files with keys deleted, types changed, values swapped, garbage inserted, text
truncated, lines duplicated or re-indented), the loader (``load_edition`` for
a year's file, ``load_site`` for site.yaml) either succeeds or raises
``DataError`` whose every problem names the changed data file and, where the
file is readable YAML, a line in it. Never another exception, never a hang.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from sitegen.load import FILES, load_edition, load_site
from sitegen.schema import DataError, compose_file

ROOT = Path(__file__).resolve().parents[1]
SITE_FILE = "site.yaml"
# Every data file, as a path below data/: site.yaml and each edition's files.
EDITIONS = sorted(p.name for p in (ROOT / "data").iterdir() if p.is_dir())
NAMES = [SITE_FILE] + [f"{year}/{name}" for year in EDITIONS for name in sorted(FILES)]
SECONDS_PER_EXAMPLE = 10  # one load takes milliseconds; anything near this is a hang (SIGALRM stops it)
FUZZ = settings(
    max_examples=60,  # x 4 tests: about 15 s on a loaded 2-core machine
    deadline=None,  # timing is enforced by time_limit(), which also interrupts a real hang
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no tracing "explain" phase: slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=bool(os.environ.get("CI")),  # reproducible on CI, exploring locally
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "data", root / "data")
    return root


@contextmanager
def time_limit(seconds: int):
    def hang(signum, frame):
        raise TimeoutError(f"the loader did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def readable_yaml(path: Path) -> int | None:
    """The number of lines if the file is UTF-8 YAML holding one non-empty document, else None."""
    problems: list = []
    node = compose_file(path, path.name, problems)
    if node is None or problems:
        return None
    text = path.read_text(encoding="utf-8")
    return max(text.count("\n"), len(text.splitlines())) + 1  # YAML also breaks lines at U+0085, U+2028, U+2029


def load_with(root: Path, name: str, raw: bytes) -> None:
    """Write raw into data/<name>, load, and check the outcome; restore the file afterwards."""
    target = root / "data" / name
    original = (ROOT / "data" / name).read_bytes()
    target.write_bytes(raw)
    try:
        with time_limit(SECONDS_PER_EXAMPLE):
            try:
                if name == SITE_FILE:
                    load_site(root)
                else:
                    load_edition(target.parent, root)
            except DataError as exc:
                judge(exc, root, name)
    finally:
        target.write_bytes(original)


def judge(exc: DataError, root: Path, name: str) -> None:
    assert exc.problems, "DataError without problems"
    # Only the changed file can be wrong: the others are the real, valid ones.
    shown = {f"data/{name}"} if name == SITE_FILE else {f"data/{name.split('/')[0]}/{n}" for n in FILES}
    for problem in exc.problems:
        assert problem.file in shown, problem
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        assert str(problem).startswith(problem.file), problem
        lines = readable_yaml(root / problem.file)
        if lines is not None:
            assert isinstance(problem.line, int) and 1 <= problem.line <= lines, f"no usable line: {problem}"
    assert str(exc)


# ---------------------------------------------------------------------------
# Random YAML documents, shaped loosely like the real ones.

def _collect_keys(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(str(key))
            _collect_keys(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_keys(item, found)


def _real_keys() -> list[str]:
    found: set[str] = set()
    for name in NAMES:
        _collect_keys(yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8")), found)
    return sorted(found)


KEYS = _real_keys()
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-10**6, 10**9)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
    | st.text(max_size=40)
    | st.sampled_from(["2021-05-08", "2021-5-8", "2021-02-30", "010-51871797", "a@b.cn", "yes", "on", "~", "", " "])
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)


def dump(value) -> bytes:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False).encode("utf-8")


@FUZZ
@given(name=st.sampled_from(NAMES), document=values)
def test_random_yaml_documents(workspace, name, document):
    load_with(workspace, name, dump(document))


@FUZZ
@given(name=st.sampled_from(NAMES), raw=st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
@example(name=f"{EDITIONS[-1]}/stages.yaml", raw="\ufeffstages: []\n".encode("utf-8"))
@example(name=f"{EDITIONS[-1]}/modules.yaml", raw=b"modules: " + b"[" * 3000 + b"]" * 3000)
@example(name=f"{EDITIONS[-1]}/modules.yaml", raw=b"modules: &a\n  - *a\n")
@example(name=SITE_FILE, raw=b"pages: &a\n  - *a\n")
@example(name=SITE_FILE, raw="name: 全国科技工作者日活动".encode("gbk"))
@example(name=f"{EDITIONS[-1]}/form.yaml", raw=b"a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
         b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n")
@example(name=f"{EDITIONS[-1]}/contacts.yaml", raw="contacts:\n  - id: x\n\torganization: y\n".encode("utf-8"))
@example(name=f"{EDITIONS[-1]}/document.yaml", raw=b"issuer: \x07\n")
@example(name=f"{EDITIONS[-1]}/document.yaml", raw="issuer: 中国铁道学会".encode("gbk"))
@example(name=f"{EDITIONS[-1]}/document.yaml", raw=b"---\nissuer: a\n---\nissuer: b\n")
@example(name=f"{EDITIONS[-1]}/document.yaml", raw=b"? [a, b]\n: c\n")
def test_random_bytes(workspace, name, raw):
    load_with(workspace, name, raw)


# ---------------------------------------------------------------------------
# Structure-aware mutations: the real data with one subtree replaced.


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


def _delete(value, path):
    head, rest = path[0], path[1:]
    if rest:
        if isinstance(value, dict):
            return {k: (_delete(v, rest) if k == head else v) for k, v in value.items()}
        return [(_delete(v, rest) if i == head else v) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != head}
    return [v for i, v in enumerate(value) if i != head]


@FUZZ
@given(data=st.data())
def test_real_data_with_a_subtree_changed(workspace, data):
    name = data.draw(st.sampled_from(NAMES))
    document = yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(_paths(document))
        path = data.draw(st.sampled_from(paths))
        if path and data.draw(st.booleans()):
            document = _delete(document, path)  # delete a key or a list item
        else:
            document = _replace(document, path, data.draw(values))  # change a value's type or content
    load_with(workspace, name, dump(document))


# ---------------------------------------------------------------------------
# Text mutations of the real files, as an editor would leave them.

garbage = st.text(max_size=30) | st.sampled_from(
    ["\t", ":", ": :", "- ", "-", "[", "{", "'", '"', "&a", "*a", "!!binary", "? x", "---", "...", "：", "#", "|", ">"]
)


@FUZZ
@given(data=st.data())
def test_real_files_with_lines_mutated(workspace, data):
    name = data.draw(st.sampled_from(NAMES))
    lines = (ROOT / "data" / name).read_text(encoding="utf-8").split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        if not lines:
            lines = [""]
        i = data.draw(st.integers(0, len(lines) - 1))
        operation = data.draw(
            st.sampled_from(["delete", "duplicate", "swap", "set", "insert", "indent", "tab", "truncate", "nospace"])
        )
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":  # duplicate keys
            lines.insert(i, lines[i])
        elif operation == "swap":  # swap two values
            j = data.draw(st.integers(0, len(lines) - 1))
            a, b = lines[i].partition(": "), lines[j].partition(": ")
            if a[1] and b[1]:
                lines[i], lines[j] = a[0] + a[1] + b[2], b[0] + b[1] + a[2]
        elif operation == "set":  # change a scalar, often to another type
            key, sep, _ = lines[i].partition(": ")
            lines[i] = (key if sep else lines[i]) + ": " + data.draw(garbage | st.sampled_from(["123", "true", "null", "[]", "{}", "2021-13-45"]))
        elif operation == "insert":
            lines.insert(i, " " * data.draw(st.integers(0, 8)) + data.draw(garbage))
        elif operation == "indent":
            delta = data.draw(st.integers(-4, 4))
            lines[i] = " " * max(0, delta) + (lines[i][-delta:] if delta < 0 and lines[i][:-delta].isspace() else lines[i])
        elif operation == "tab":
            lines[i] = "\t" + lines[i].lstrip(" ")
        elif operation == "truncate":
            cut = data.draw(st.integers(0, max(0, len(lines[i]))))
            lines = lines[:i] + [lines[i][:cut]]
        elif operation == "nospace":
            lines[i] = lines[i].replace(": ", ":", 1)
    load_with(workspace, name, "\n".join(lines).encode("utf-8"))


def test_the_real_data_loads(workspace):
    """The fuzzing starts from valid data: the unchanged files load."""
    assert sorted(e.key for e in load_site(workspace, drafts=True).editions) == EDITIONS
    for year in EDITIONS:
        load_edition(workspace / "data" / year, workspace)
