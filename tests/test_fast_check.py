"""`make check` is the maintainers' quick check: data and page placeholders only.

It must not load the site engine, the PDF or Word libraries or a browser, and
must write nothing. (Its speed is measured and reported, not asserted: wall
time depends on the machine's load.)
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import copy_project

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("mkdocs", "material", "weasyprint", "playwright", "docx", "pypdf", "icalendar", "vobject", "jieba", "lxml")


def run_check(root: Path, *python_options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "scripts")}
    return subprocess.run(
        [sys.executable, *python_options, "-m", "sitegen", "--root", str(root), "check"],
        capture_output=True, text=True, env=env, cwd=root, timeout=120,
    )


def test_check_imports_no_engine_no_pdf_no_browser():
    result = run_check(ROOT, "-X", "importtime")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "数据检查通过" in result.stdout
    imported = {
        match.group(1).strip().split(".")[0]
        for match in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", result.stderr, re.MULTILINE)
    }
    assert "sitegen" in imported, "importtime output was not parsed"
    loaded = sorted(name for name in imported if name in HEAVY)
    assert loaded == [], f"`sitegen check` imported {loaded}"


def test_check_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "project")

    def snapshot() -> dict[str, str]:
        return {
            p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(project.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        }

    before = snapshot()
    result = run_check(project)
    assert result.returncode == 0, result.stderr[-2000:]
    assert snapshot() == before
    assert not (project / "site").exists() and not (project / "build").exists()


def test_make_check_runs_the_same_check():
    """`make check` is this command (and needs nothing but the Python environment)."""
    result = subprocess.run(["make", "-n", "check"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert re.search(r"python -m sitegen --format text check$", result.stdout, re.MULTILINE), result.stdout
    assert "system" not in result.stdout and "npm" not in result.stdout
