"""Chinese search in the real search box (the theme's search box answered
by Pagefind, scripts/sitegen/search.py) finds the page a reader expects.
The ranking of the whole query table is tests/browser/test_search_table.py.

"Finds" = the expected page is among the first TOP result groups the
dialog lists (one group per page, best first), about what a phone shows
without scrolling.

The theme segments a Chinese query with the words of the index but never
tries the whole query as one word (its segment() stops one character short),
so the last word of a longer query often counts only by its first
characters; queries here are what readers type and what the theme can find. Queries are a fixed table of what readers type, plus one
row per contact person (→ 联系方式) and per module (→ 实施方案), read from
the current edition's data (data/<year>/). Every result title shown must be free of markup residue.
"""

from __future__ import annotations

import json
import re

import pytest

from pagecheck import dump, open_search, search_results
from searchtable import page_url, search_window
from sitegen.search import read_index

pytestmark = pytest.mark.browser

TOP = 3

# (query, source page it must find) — phrases from the notice, the plan and
# the site's own pages that a member unit's staff would type. "{year}/" is
# the current edition's folder (docs/<year>/): search ranks it first.
QUERIES = [
    ("科技志愿", "{year}/plan.md"),        # plan 三（三）: 科技志愿服务
    ("节日主题", "{year}/plan.md"),        # plan 二、节日主题
    ("上传方式", "{year}/plan.md"),        # plan 五、特色亮点活动上传方式
    ("筹备方案", "{year}/form.md"),        # the form is the 筹备方案 template
    ("邮寄地址", "{year}/form.md"),        # a row of the form (corrected, see about)
    ("牌匾", "{year}/form.md"),            # the form's note on mailing the plaque
    ("总结报告", "{year}/timeline.md"),    # when the 总结报告 is due
    ("报送时间", "{year}/timeline.md"),
    ("直报单位", "{year}/timeline.md"),    # 中国科协直报单位's own deadlines
    ("学秘函", "{year}/notice.md"),        # the notice's number
    ("勘误", "about.md"),                  # the correction log
    ("无障碍", "accessibility.md"),
    ("历年", "editions.md"),               # 历年通知
]

# Markup that must never show in a result title: entities, the permalink
# symbols, tags, replacement characters.
RESIDUE = re.compile(r"&#|&[a-z]+;|¶|#|<|>|\ufffd")


def data_queries(edition) -> list[tuple[str, str]]:
    rows = [(person, "{year}/contacts.md") for c in edition.contacts for person in c.people]
    rows += [(m.name, "{year}/plan.md") for m in edition.modules]
    return rows


search_page = search_window

def test_at_least_eight_queries(site_model, root):
    current = site_model.current
    table = QUERIES + data_queries(current)
    assert len(table) >= 8
    for _, source in table:
        assert (root / "docs" / source.format(year=current.key)).is_file(), source


@pytest.mark.parametrize("query,source", QUERIES)
def test_query_finds_page(search_page, site_model, query, source):
    page, visit = search_page
    open_search(page, query)
    results = search_results(page)
    top = [r["href"] for r in results[:TOP]]
    assert page_url(source, site_model.current.key) in top, f"{query} → {dump(results)}"
    assert not visit.console_errors, visit.console_errors


def test_names_and_modules_from_data_find_their_page(search_page, site_model):
    page, _ = search_page
    misses = {}
    for query, source in data_queries(site_model.current):
        open_search(page, query)
        results = search_results(page)
        if page_url(source, site_model.current.key) not in [r["href"] for r in results[:TOP]]:
            misses[query] = [r["href"] for r in results]
    assert not misses, dump(misses)


def test_result_titles_have_no_stray_characters(search_page, site_model):
    page, _ = search_page
    bad = {}
    for query, _ in QUERIES + data_queries(site_model.current):
        open_search(page, query)
        for result in search_results(page):
            for title in result["titles"]:
                if RESIDUE.search(title):
                    bad.setdefault(query, []).append(title)
    assert not bad, dump(bad)


def test_search_index_titles_are_clean(built_site):
    """Pagefind's index (site/pagefind/) has every page once, with a clean title; the theme's own index keeps only its settings."""
    theme = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert theme["config"]["lang"] == ["zh"] and theme["docs"] == []
    pages = read_index(built_site)
    titles = [p["meta"]["title"].replace("\u200b", "") for p in pages]
    assert not [t for t in titles if RESIDUE.search(t)], titles
    assert len(pages) >= 10
    assert len({p["url"] for p in pages}) == len(pages)


def test_search_dialog_has_a_name(search_page):
    page, _ = search_page
    name = page.get_attribute(".md-search[role=dialog]", "aria-label")
    assert name and "搜索" in name
