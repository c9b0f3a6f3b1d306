"""Fixtures of the browser quality suite (issue 5), imported by its test
modules (not a conftest.py: a second conftest module would shadow
tests/conftest.py for tests that import from it).

``audits`` opens every built page once per window (390 × 844 WeChat phone,
1366 × 768 desktop), records what it requested and logged, measures layout
and text, runs axe-core on the page and again with the search dialog open
and showing results, and saves a full-page screenshot of the phone view
(folder: $SCREENSHOT_DIR, else pytest's temporary folder). The tests in
test_pages.py only assert on these records, so each page is loaded once per
window for all of them.
"""

from __future__ import annotations

import functools
import io
import http.server
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pagecheck import WINDOWS, Visit, measure, open_page, open_search, run_axe, site_pages

ROOT = Path(__file__).resolve().parents[2]


def site_url_path() -> str:
    """The path the site is published under (GitHub Pages project site), e.g. "/kjgzzr/"."""
    found = re.search(r"^site_url:\s*(\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert found, "mkdocs.yml has no site_url"
    path = urlsplit(found.group(1)).path
    return path if path.endswith("/") else path + "/"


@pytest.fixture(scope="session")
def pages(built_site) -> list[str]:
    found = site_pages(built_site)
    assert "" in found and len(found) >= 5, f"built site has too few pages: {found}"
    return found


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site below its published path and answers unknown paths
    with 404.html and status 404, as GitHub Pages does."""

    prefix = "/"

    def log_message(self, *args):
        pass

    def send_head(self):
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.prefix):
            return self._not_found()
        local = Path(self.translate_path("/" + path[len(self.prefix):]))
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            return self._not_found()
        self.path = "/" + path[len(self.prefix):]
        return super().send_head()

    def _not_found(self):
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="session")
def pages_server(built_site):
    """The built site as GitHub Pages serves it: below site_url's path, 404.html for missing pages.

    Yields the site's base URL (http://127.0.0.1:PORT/kjgzzr/).
    """
    prefix = site_url_path()
    handler = functools.partial(type("H", (_PagesHandler,), {"prefix": prefix}), directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    httpd.shutdown()


@dataclass
class Audit:
    window: str
    page: str
    visit: Visit
    layout: dict
    axe: list[dict]
    axe_search: list[dict]
    search_results: int = 0
    notes: list[str] = field(default_factory=list)


NOT_FOUND = "404"  # key of the 404 page in ``audits``


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    folder = os.environ.get("SCREENSHOT_DIR")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def search_probe(site_model) -> str:
    """A query that has results (a contact's name in the current edition's data), to audit a search dialog with results.

    The audit covers every built page once, whichever edition it belongs to,
    so the probe comes from the current edition (search ranks it first)."""
    return site_model.current.contacts[0].people[0]


@pytest.fixture(scope="session")
def audits(browser, server, pages_server, pages, screenshot_dir, search_probe) -> dict[tuple[str, str], Audit]:
    results: dict[tuple[str, str], Audit] = {}
    targets = [(p, server + p, 200) for p in pages] + [(NOT_FOUND, pages_server + "no/such/page/", 404)]
    for window, options in WINDOWS.items():
        # axe-core is injected as an inline script: these audits bypass the CSP (tested in test_csp_browser.py).
        context = browser.new_context(**options, bypass_csp=True)
        for key, url, status in targets:
            page, visit = open_page(context, url, expect_status=status)
            layout = measure(page)
            axe = run_axe(page)
            if window == "mobile":
                name = (key.strip("/").replace("/", "_") or "index") + ".png"
                page.screenshot(path=str(screenshot_dir / name), full_page=True, scale="css")
            open_search(page, search_probe)
            found = page.locator(".md-search-result__item").count()
            axe_search = run_axe(page)
            page.close()
            results[(window, key)] = Audit(window, key, visit, layout, axe, axe_search, found)
        context.close()
    return results
