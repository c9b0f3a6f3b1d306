"""Two builds of the same commit are byte-identical, whatever the clock says.

The same sources are built twice in subprocesses under libfaketime with two
different fake clocks, time zones and folder paths; the trees must match byte
for byte, downloads included, and no date of the fake clocks may appear in
them. "Last updated" comes from the git commit, or from SOURCE_DATE_EPOCH
when that is set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import copy_project
from sitegen.build import build_environment
from sitegen.generate import drafts_wanted
from sitegen.load import load_site
from sitegen.textfmt import cn_date

BEIJING = dt.timezone(dt.timedelta(hours=8))
COMMIT_TIME = dt.datetime(2021, 5, 20, 10, 0, tzinfo=BEIJING)  # what git says
EPOCH_TIME = dt.datetime(2021, 6, 3, 9, 30, tzinfo=BEIJING)  # what SOURCE_DATE_EPOCH says
FAKE_CLOCKS = ("2033-01-02 03:04:05", "2047-11-12 13:14:15")  # what the clock says: never shown
TEXT_SUFFIXES = {".html", ".xml", ".json", ".js", ".css", ".txt", ".ics", ".vcf", ".md"}


def git_commit(project: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": COMMIT_TIME.isoformat(),
        "GIT_COMMITTER_DATE": COMMIT_TIME.isoformat(),
        "GIT_AUTHOR_NAME": "维护者",
        "GIT_AUTHOR_EMAIL": "maintainer@example.org",
        "GIT_COMMITTER_NAME": "维护者",
        "GIT_COMMITTER_EMAIL": "maintainer@example.org",
    }
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "sources"]):
        subprocess.run(["git", "-C", str(project), *command], check=True, env=env, capture_output=True)


def build_under_fake_clock(project: Path, site_dir: Path, clock: str, tz: str, epoch: int | None) -> Path:
    faketime = shutil.which("faketime")
    if faketime is None:
        pytest.fail("faketime is missing: run `make system` (scripts/setup/system-packages.sh)")
    env = {**os.environ, "PYTHONPATH": str(project / "scripts"), "TZ": tz}
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    result = subprocess.run(
        [faketime, clock, sys.executable, "-m", "sitegen", "--root", str(project), "build", "--site-dir", str(site_dir)],
        capture_output=True, text=True, env=env, cwd=project, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return site_dir


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same commit built three times: twice from git's date, once with SOURCE_DATE_EPOCH."""
    base = tmp_path_factory.mktemp("determinism")
    first = copy_project(base / "first" / "project")
    second = copy_project(base / "elsewhere" / "deeper" / "project")
    for project in (first, second):
        git_commit(project)
    return {
        "a": tree(build_under_fake_clock(first, base / "first" / "site", FAKE_CLOCKS[0], "UTC", None)),
        "b": tree(build_under_fake_clock(second, base / "out-b" / "public", FAKE_CLOCKS[1], "Asia/Shanghai", None)),
        "epoch": tree(
            build_under_fake_clock(first, base / "epoch" / "site", FAKE_CLOCKS[1], "America/New_York",
                                   int(EPOCH_TIME.timestamp()))
        ),
    }


def test_two_builds_of_the_same_commit_are_byte_identical(builds):
    a, b = builds["a"], builds["b"]
    assert sorted(a) == sorted(b), "the two builds hold different files"
    differing = [path for path in a if a[path] != b[path]]
    assert differing == [], f"these files differ between the two builds: {differing}"


def test_downloads_are_part_of_the_compared_tree(builds, site_data, tmp_path):
    from sitegen import outputs

    folder = f"{site_data.key}/downloads/"
    downloads = sorted(p for p in builds["a"] if p.startswith(folder))
    produced = {item.path for item in outputs.produce_all(site_data, tmp_path).values()}
    assert produced and all(p.startswith(folder) for p in produced)
    if site_data.is_draft and not drafts_wanted():
        assert downloads == [], "a draft's downloads were published"
    else:
        assert downloads, "no downloads were built"
        assert produced <= set(downloads)


def test_last_updated_comes_from_the_git_commit_not_the_clock(builds):
    about = builds["a"]["about/index.html"].decode()
    assert f'<time datetime="{COMMIT_TIME.date().isoformat()}">{cn_date(COMMIT_TIME.date())}</time>' in about
    sitemap = builds["a"]["sitemap.xml"].decode()
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {COMMIT_TIME.date().isoformat()}


def test_source_date_epoch_sets_last_updated(builds):
    about = builds["epoch"]["about/index.html"].decode()
    assert f'<time datetime="{EPOCH_TIME.date().isoformat()}">{cn_date(EPOCH_TIME.date())}</time>' in about
    sitemap = builds["epoch"]["sitemap.xml"].decode()
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {EPOCH_TIME.date().isoformat()}


def test_the_fake_clocks_leave_no_trace(builds):
    """No date or year of the faked clocks appears in any page, feed, calendar, card or archive member."""
    years = [clock[:4] for clock in FAKE_CLOCKS]
    dates = [clock[:10] for clock in FAKE_CLOCKS] + [clock[:10].replace("-", "") for clock in FAKE_CLOCKS]
    for name in ("a", "b", "epoch"):
        for path, data in builds[name].items():
            texts = []
            if Path(path).suffix in TEXT_SUFFIXES:
                texts.append(data.decode("utf-8", "replace"))
            if data[:4] == b"PK\x03\x04":  # DOCX and other ZIP archives
                import io

                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for info in archive.infolist():
                        assert str(info.date_time[0]) not in years, f"{name}:{path}:{info.filename} stamped {info.date_time}"
                        texts.append(archive.read(info).decode("utf-8", "replace"))
            if path.endswith(".pdf"):
                texts.append(data.decode("latin-1"))
            for text in texts:
                for stamp in dates + [f"{y}年" for y in years] + [f"{y}-" for y in years]:
                    assert stamp not in text, f"{name}:{path} contains the clock's {stamp}"


def test_sources_outside_git_are_dated_by_the_notice(tmp_path, monkeypatch):
    """A copy without git and without SOURCE_DATE_EPOCH is dated by the notice, never by the clock."""
    project = copy_project(tmp_path / "no-git")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    notice = load_site(project).current.document.date
    with build_environment(project):
        epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    day = dt.datetime.fromtimestamp(epoch, BEIJING).date()
    assert day == notice == dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    assert "SOURCE_DATE_EPOCH" not in os.environ, "the build must not leave its date behind for the next one"
