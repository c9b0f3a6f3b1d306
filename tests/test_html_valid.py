"""The W3C Nu HTML Checker (npm vnu-jar, run locally with java) reports no
error on any built page, the theme's own markup included (its problems are
fixed in overrides/ and scripts/hooks.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(files: list[Path]) -> list[dict]:
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.fail(f"java or {VNU} is missing: run `make system node`")
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    report = json.loads(run.stderr or run.stdout)  # vnu writes its JSON report to stderr
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def test_every_built_page_is_valid_html(built_site):
    files = sorted(built_site.rglob("*.html"))
    assert len(files) >= 6
    errors = vnu_errors(files)
    shown = [
        f"{m['url'].split(str(built_site))[-1]}:{m.get('lastLine')}: {m['message']} — {m.get('extract', '').strip()[:120]}"
        for m in errors
    ]
    assert not shown, "\n".join(shown)


def test_the_checker_reports_errors(tmp_path):
    """A page with a bad attribute fails, so a silent checker cannot pass the test above."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="zh"><title>x</title><input type="checkbox" autocomplete="off">',
                   encoding="utf-8")
    assert any("autocomplete" in m["message"] for m in vnu_errors([bad]))
