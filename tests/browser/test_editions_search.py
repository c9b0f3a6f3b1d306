"""With two editions, the real search box ranks the current edition's page above the archived one's."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from conftest import copy_project
from pagecheck import WINDOWS, dump, open_page, open_search, search_results
from sitegen.build import build_site
from test_editions import add_fixture_edition

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def two_edition_server(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("search-two") / "project")
    add_fixture_edition(project)
    site = build_site(project, project / "site", drafts=False)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.mark.parametrize("query, page_name", [("筹备方案", "form"), ("学秘函", "notice"), ("直报单位", "timeline")])
def test_current_edition_ranks_above_the_archive(browser, two_edition_server, query, page_name):
    context = browser.new_context(**WINDOWS["desktop"])
    page, visit = open_page(context, two_edition_server)
    open_search(page, query)
    hrefs = [r["href"] for r in search_results(page)]
    context.close()
    current, archived = f"/2022/{page_name}/", f"/2021/{page_name}/"
    assert current in hrefs, dump(hrefs)
    assert archived not in hrefs or hrefs.index(current) < hrefs.index(archived), dump(hrefs)
    assert not visit.console_errors, visit.console_errors
