"""Shared fixtures: the real data, a built site, a local web server, Chromium.

Tests never touch the repository's own ``site/`` or ``build/``: builds go to
pytest's temporary folders.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

from sitegen.build import build_site  # noqa: E402
from sitegen.load import load_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# Flags that keep Chromium from calling Google services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PROJECT_PARTS = ("data", "docs", "scripts", "overrides", "mkdocs.yml")

# The engine the `built_site` fixture builds with: `make test` runs the whole
# suite on MkDocs, then the tests of the built pages (content, meta, valid
# HTML, search index, CSP), the link crawl and the browser smoke and CSP
# suites again with SITEGEN_TEST_ENGINE=properdocs and =zensical (the
# Makefile's ENGINE_TESTS).
TEST_ENGINE = os.environ.get("SITEGEN_TEST_ENGINE", "mkdocs")


def engine_gap(engine: str, reason: str):
    """Mark a test as a known gap of one engine: it must fail there (strict), and pass on the others."""
    return pytest.mark.xfail(TEST_ENGINE == engine, reason=f"{engine}: {reason}", strict=True)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# Every edition in data/ (drafts too): content tests run on each of them.
EDITIONS = sorted(p.name for p in (ROOT / "data").iterdir() if p.is_dir())


@pytest.fixture(scope="session")
def site_model():
    """The whole of data/ as the build reads it."""
    return load_site(ROOT)


@pytest.fixture(scope="session", params=EDITIONS)
def site_data(request, site_model):
    """One edition (each test that uses it runs once per year folder in data/)."""
    return site_model.edition(request.param)


@pytest.fixture(scope="session")
def edition_dir(built_site, site_data) -> Path:
    """The built folder of the edition under test: site/<year>/."""
    return built_site / site_data.key


def copy_project(target: Path) -> Path:
    """A copy of everything a build reads, for tests that change data."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / part)
    return target


@pytest.fixture
def project_copy(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built once from the repository's own sources, every edition in data/ (drafts too), with TEST_ENGINE."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    build_site(ROOT, site_dir, drafts=True, engine=TEST_ENGINE)  # every edition in data/, drafts too
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def server(built_site):
    """Serve the built site on 127.0.0.1; yields the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system` (scripts/setup/system-packages.sh)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
