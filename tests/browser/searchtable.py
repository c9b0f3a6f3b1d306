"""The search query table (tests/fixtures/search_queries.yaml) run in the real
search UI, and its result as a Markdown table.

Used by tests/browser/test_search_table.py, and from the command line to
write the before/after tables of issue 11 item 5:

    PYTHONPATH=scripts:tests:tests/browser .venv/bin/python tests/browser/searchtable.py SITE_DIR OUT.md
    PYTHONPATH=scripts:tests:tests/browser .venv/bin/python tests/browser/searchtable.py --compare OUT.md

The second builds this site and the plain Material reference site of the
same text (sitegen.bench.build_reference_site, as `make bench` does: the
theme's own lunr search) and writes one table: the rank before (reference)
and after (this site) of each query, and the excerpt shown after.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "fixtures" / "search_queries.yaml"


@pytest.fixture(scope="module")
def search_window(browser, server):
    """A desktop window on the site root, shared by a module's search tests: (page, visit)."""
    from pagecheck import WINDOWS, open_page

    context = browser.new_context(**WINDOWS["desktop"])
    page, visit = open_page(context, server)
    yield page, visit
    context.close()


def page_url(source: str, year: str) -> str:
    """Site-relative URL of a source page (use_directory_urls), "{year}/" filled in."""
    source = source.format(year=year)
    if source == "index.md":
        return "/"
    if source.endswith("/index.md"):
        return "/" + source[: -len("index.md")]
    return "/" + source[: -len(".md")] + "/"


def load_table(year: str) -> list[dict]:
    rows = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["queries"]
    for row in rows:
        row["url"] = page_url(row["page"], year)
    return rows


def run_table(page, rows: list[dict]) -> list[dict]:
    """Type each query into the search box; rank (1-based, None if absent) of the answering page and the first snippet."""
    from pagecheck import open_search, search_results

    out = []
    for row in rows:
        open_search(page, row["query"])
        results = search_results(page)
        hrefs = [r["href"] for r in results]
        rank = hrefs.index(row["url"]) + 1 if row["url"] in hrefs else None
        out.append({**row, "rank": rank, "top": hrefs[:3], "snippet": first_snippet(page, row["url"])})
    return out


def first_snippet(page, url: str) -> str:
    """The text shown under the first result that links to ``url``."""
    return page.evaluate(
        """url => { for (const a of document.querySelectorAll('.md-search-result__item a.md-search-result__link')) {
              if (new URL(a.href).pathname !== url) continue;
              const t = a.querySelector('.md-search-result__article p, .md-search-result__excerpt, p');
              return t ? t.innerText.replace(/\u200b/g, '').trim() : ''; } return ''; }""",
        url,
    )


def markdown(results: list[dict], title: str) -> str:
    first = sum(1 for r in results if r["rank"] == 1)
    lines = [f"# {title}", "", f"答案页排第一：{first} / {len(results)}", "",
             "| 查询 | 应找到 | 排名 | 前三个结果 | 答案页的摘要 |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        snippet = re.sub(r"\s+", " ", r["snippet"])[:100].replace("|", "\\|")
        lines.append(f"| {r['query']} | {r['url']} | {r['rank'] or '无'} | {' '.join(r['top'])} | {snippet} |")
    return "\n".join(lines) + "\n"


def run_site(site_dir, year: str) -> list[dict]:
    """The query table typed into the search box of the site in ``site_dir``, served on a free local port."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from pagecheck import WINDOWS, open_page

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(**WINDOWS["desktop"])
            page, _ = open_page(context, f"http://127.0.0.1:{httpd.server_address[1]}/")
            results = run_table(page, load_table(year))
            browser.close()
    finally:
        httpd.shutdown()
    return results


def compare_markdown(before: list[dict], after: list[dict]) -> str:
    """One table: query, answering page, rank before (plain Material, lunr) and after (this site, Pagefind), excerpt after."""
    def count(rows):
        return sum(1 for r in rows if r["rank"] == 1)

    lines = ["# 搜索表：改版前后答案页的排名", "",
             "之前 = 同一文本的普通 Material 站点（主题自带的 lunr 搜索，`make bench` 的参照站）；"
             "之后 = 本站（Pagefind，assets/search.js）。同一浏览器、同一搜索框、逐条输入。", "",
             f"答案页排第一：之前 {count(before)} / {len(before)}，之后 {count(after)} / {len(after)}", "",
             "| 查询 | 答案页 | 之前排名 | 之后排名 | 之后显示的摘要 |", "| --- | --- | --- | --- | --- |"]
    for b, a in zip(before, after):
        snippet = re.sub(r"\s+", " ", a["snippet"]).replace("|", "\\|")
        lines.append(f"| {a['query']} | {a['url']} | {b['rank'] or '无'} | {a['rank'] or '无'} | {snippet} |")
    return "\n".join(lines) + "\n"


def compare(out: str) -> None:
    import tempfile

    from sitegen.bench import build_reference_site
    from sitegen.build import build_site
    from sitegen.generate import generate
    from sitegen.load import load_site

    year = load_site(ROOT).current.key
    with tempfile.TemporaryDirectory(prefix="searchtable-") as tmp:
        work = Path(tmp)
        site = build_site(ROOT, work / "site")
        generate(work / "reference-docs", ROOT)
        reference = build_reference_site(work / "reference-docs", work / "reference-site")
        before, after = run_site(reference, year), run_site(site, year)
    Path(out).write_text(compare_markdown(before, after), encoding="utf-8")
    print(Path(out).read_text(encoding="utf-8"))


def main(site_dir: str, out: str, title: str = "搜索排名") -> None:
    from sitegen.load import load_site

    results = run_site(site_dir, load_site(ROOT).current.key)
    Path(out).write_text(markdown(results, title), encoding="utf-8")
    print(Path(out).read_text(encoding="utf-8"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        compare(*sys.argv[2:])
    else:
        main(*sys.argv[1:])
