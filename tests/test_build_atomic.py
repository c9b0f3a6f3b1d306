"""`make site` replaces site/ only with a complete build.

Each test starts from a copy of the project whose site/ already holds a
published site (a copy of the session build), breaks the build at a
different stage, and checks that every byte of site/ is as it was and that no
temporary folder is left behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import outputs
from sitegen.build import BuildError, build_site
from sitegen.schema import DataError

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = "2021"  # the edition whose files the tests below break


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file below folder (and every empty folder) with the SHA-256 of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir() and not any(path.iterdir()):
            found[rel + "/"] = "empty"
    return found


@pytest.fixture
def published(project_copy, built_site):
    """project_copy with a previously published site/ (plus a marker only that old site has)."""
    site = project_copy / "site"
    shutil.copytree(built_site, site)
    (site / "published-marker.txt").write_text("the previous site\n", encoding="utf-8")
    return project_copy, site, tree_hashes(site)


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site-build-") or p.name.endswith(".old"))


def assert_untouched(site: Path, before: dict[str, str]) -> None:
    assert tree_hashes(site) == before, "site/ changed although the build failed"
    assert leftovers(site.parent) == []


@pytest.mark.parametrize("page", ["about.md", f"{FIXTURE}/notice.md"])
def test_template_error_in_a_page_leaves_site_untouched(published, page):
    project, site, before = published
    source = project / "docs" / page
    source.write_text(source.read_text(encoding="utf-8") + "\n{{ doc.titel }}\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        build_site(project, site)
    assert any(p.file == f"docs/{page}" and "titel" in p.message for p in caught.value.problems)
    assert_untouched(site, before)


def test_producer_failing_half_way_leaves_site_untouched(published, monkeypatch):
    """A download producer writes a file and then crashes: nothing reaches site/."""
    project, site, before = published
    real = outputs.producers()

    def half_written(data, out_dir):
        target = out_dir / "downloads" / "half.bin"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"partial")
        raise RuntimeError("producer crashed half-way")

    monkeypatch.setattr(outputs, "producers", lambda: [*real[:1], half_written, *real[1:]])
    with pytest.raises(RuntimeError, match="half-way"):
        build_site(project, site)
    assert_untouched(site, before)


def test_mkdocs_failure_after_generation_leaves_site_untouched(published):
    """Pages and downloads are generated, then the strict MkDocs build rejects a broken link."""
    project, site, before = published
    about = project / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n[断开的链接](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build_site(project, site)
    assert_untouched(site, before)


def test_failed_swap_puts_the_previous_site_back(published, monkeypatch):
    """If the final rename fails, the previous site is renamed back into place."""
    project, site, before = published
    real_rename = Path.rename

    def rename(self, target):
        if Path(target) == site and self.parent.name.startswith(".site-build-"):
            raise OSError("disk full")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="disk full"):
        build_site(project, site)
    assert_untouched(site, before)


def test_data_error_exits_non_zero_and_leaves_site_untouched(published):
    project, site, before = published
    stages = project / "data" / FIXTURE / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    stages.write_text(text.replace("due: 2021-05-08", "due: 2021-5-8", 1), encoding="utf-8")
    line = next(n for n, l in enumerate(stages.read_text(encoding="utf-8").splitlines(), 1) if "2021-5-8" in l)
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--root", str(project), "build", "--site-dir", str(site)],
        capture_output=True, text=True, env=env, cwd=project, timeout=120,
    )
    assert result.returncode == 1
    assert f"data/{FIXTURE}/stages.yaml:{line}: deadlines[0].due" in result.stderr
    assert "网站未更新" in result.stderr
    assert "Traceback" not in result.stderr
    assert_untouched(site, before)


def test_successful_build_replaces_the_whole_site(published):
    """A good build swaps in a complete new tree: files of the old site do not linger."""
    project, site, before = published
    assert "published-marker.txt" in before
    build_site(project, site)
    after = tree_hashes(site)
    assert "published-marker.txt" not in after
    assert {"index.html", "404.html", "sitemap.xml", "pagefind/pagefind.js"} <= set(after)
    assert leftovers(site.parent) == []
