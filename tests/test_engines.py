"""The engines (scripts/sitegen/engines.py, issue 12): no double work, and a fresh clone that needs no `make`.

- ProperDocs runs our hook in a subprocess: the hook must leave the search
  index and the CSP to build.post_build, or both are made twice.
- A fresh clone (the tracked files only: no build/docs pages, no site/) builds
  with a plain `mkdocs build`, and `mkdocs serve` and `properdocs serve` serve
  the Chinese home page, secured by its CSP.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from sitegen import engines
from sitegen.postbuild import check_page

MKDOCS = ROOT / ".venv" / "bin" / "mkdocs"
PROPERDOCS = ROOT / ".venv-properdocs" / "bin" / "properdocs"


def test_properdocs_subprocess_leaves_search_index_and_csp_to_post_build(tmp_path, monkeypatch):
    """engines.run_engine tells the hook, as run_mkdocs does, that build.post_build indexes and secures the site."""
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    seen = []

    def fake_run(command, cwd=None, capture_output=False, text=False, env=None):
        seen.append((command, env))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(engines, "executable", lambda engine, venvs=ROOT: Path("/nowhere/bin") / engine)
    monkeypatch.setattr(engines.subprocess, "run", fake_run)
    monkeypatch.delenv("SITEGEN_SEARCH_INDEX", raising=False)
    engines.run_engine("properdocs", tmp_path, tmp_path / "docs", tmp_path / "site")
    [(command, env)] = seen
    assert command[:2] == ["/nowhere/bin/properdocs", "build"]
    assert env["SITEGEN_SEARCH_INDEX"] == "later"
    assert "SITEGEN_SEARCH_INDEX" not in os.environ, "set for the subprocess only"
    assert not list(tmp_path.glob(".sitegen-*.yml")), "the build's configuration is removed"


# ------------------------------------------------------------ fresh clone

def fresh_clone(target: Path) -> Path:
    """What `git clone` of this checkout holds: every tracked file, as in the working tree, nothing else."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        src = ROOT / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)
    assert (target / "build" / "docs").is_dir() and not (target / "site").exists()
    assert not [p for p in (target / "build" / "docs").iterdir() if p.name != ".gitkeep"], "no generated pages"
    return target


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    return fresh_clone(tmp_path_factory.mktemp("clone"))


def engine_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITEGEN_")}
    return env | {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def home_title(site_model) -> str:
    return site_model.info.name


def test_plain_mkdocs_build_on_a_fresh_clone(clone, tmp_path, site_model):
    site = tmp_path / "site"
    done = subprocess.run([str(MKDOCS), "build", "--strict", "-d", str(site)], cwd=clone,
                          capture_output=True, text=True, env=engine_env(), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    home = (site / "index.html").read_text(encoding="utf-8")
    title = home[home.index("<title>") + 7: home.index("</title>")]
    assert home_title(site_model) in title and "首页" in title, title
    assert (site / "pagefind" / "pagefind.js").is_file(), "the hook indexed the site for search"
    for page in sorted(site.rglob("*.html")):
        if "<html" in (html := page.read_text(encoding="utf-8")).lower():
            assert check_page(html) == [], page  # secured once, by the hook's on_post_build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.mark.parametrize("program", [MKDOCS, PROPERDOCS], ids=["mkdocs-serve", "properdocs-serve"])
def test_serve_on_a_fresh_clone(program, tmp_path_factory, site_model):
    """`mkdocs serve` / `properdocs serve` as a maintainer types it, in a fresh clone: the home page and the 404, secured."""
    if not program.is_file():
        pytest.fail(f"{program} is missing: run `make engines`")
    clone = fresh_clone(tmp_path_factory.mktemp(f"serve-{program.name}"))
    port = free_port()
    log = (clone.parent / "serve.log").open("w")
    proc = subprocess.Popen([str(program), "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"], cwd=clone,
                            stdout=log, stderr=subprocess.STDOUT, env=engine_env(), start_new_session=True)
    base = f"http://127.0.0.1:{port}/kjgzzr/"  # site_url's path, as on GitHub Pages
    try:
        deadline, status, home = time.monotonic() + 300, 0, ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status, home = fetch(base)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(1)
        log.flush()
        output = (clone.parent / "serve.log").read_text(encoding="utf-8", errors="replace")
        assert status == 200, f"exit {proc.poll()}:\n{output[-3000:]}"
        title = home[home.index("<title>") + 7: home.index("</title>")]
        assert home_title(site_model) in title and "首页" in title, title
        assert check_page(home) == []
        status, missing = fetch(base + "no/such/page/")
        assert status == 404 and "页面不存在" in missing and check_page(missing) == []
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
