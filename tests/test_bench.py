"""The benchmark's budget logic (scripts/sitegen/bench.py) on made-up figures.

The benchmark itself runs with ``make bench``; here only the decisions it
takes are tested, so a broken budget check cannot pass unnoticed.
"""

from __future__ import annotations

import gzip

import pytest

from sitegen.bench import (BUDGETS, KB, BuildTimes, Budgets, EngineTimes, PageLoad, Request, compressed_size,
                           engine_versions, format_engines, over_budget, site_pages, time_engines)

HOST = "http://127.0.0.1:8000/"


def request(path: str, size: int, *, third_party: bool = False) -> Request:
    url = ("https://cdn.example.com/" if third_party else HOST) + path
    return Request(url=url, status=200, content_type="text/css", raw=size * 4, gzip=size, third_party=third_party)


def page(path: str, count: int, total_gzip: int, *, third_party: int = 0) -> PageLoad:
    """A page with ``count`` own requests sharing ``total_gzip`` bytes, plus third-party ones."""
    sizes = [total_gzip // count] * count
    sizes[0] += total_gzip - sum(sizes)
    load = PageLoad(path, [request(f"asset{i}", s) for i, s in enumerate(sizes)])
    load.requests += [request(f"lib{i}.js", 0, third_party=True) for i in range(third_party)]
    return load


def within_budget_site() -> list[PageLoad]:
    return [
        page("", BUDGETS.home_requests, int(BUDGETS.home_gzip_kb * KB)),  # exactly at the limits
        page("notice/", BUDGETS.home_requests + 3, int(BUDGETS.home_gzip_kb * KB) * 2),  # other pages: no size budget
    ]


def build_times(ratio: float) -> BuildTimes:
    plain = [2.0, 2.1, 1.9, 2.0, 2.2]
    return BuildTimes(full=[t * ratio for t in plain], plain=plain)


def test_everything_at_the_limits_passes():
    assert over_budget(within_budget_site(), build_times(BUDGETS.build_ratio)) == []


def test_home_page_one_byte_too_heavy():
    pages = within_budget_site()
    pages[0].requests[0].gzip += 1
    problems = over_budget(pages, build_times(1.5))
    assert len(problems) == 1 and "首页压缩后" in problems[0] and f"{BUDGETS.home_gzip_kb:g} KB" in problems[0]


def test_home_page_one_request_too_many():
    pages = within_budget_site()
    pages[0].requests.append(request("extra.js", 0))
    problems = over_budget(pages, None)
    assert len(problems) == 1 and f"{BUDGETS.home_requests + 1} 个请求" in problems[0]


def test_third_party_request_on_any_page_is_named():
    pages = within_budget_site()
    pages[1].requests.append(request("font.woff2", 10, third_party=True))
    problems = over_budget(pages, None)
    assert len(problems) == 1 and "/notice/" in problems[0] and "https://cdn.example.com/font.woff2" in problems[0]


def test_slow_build_is_reported_with_both_times():
    problems = over_budget(within_budget_site(), build_times(BUDGETS.build_ratio * 1.05))
    assert len(problems) == 1 and "倍" in problems[0] and "2.00 s" in problems[0]


def test_build_ratio_uses_medians_not_one_slow_run():
    times = BuildTimes(full=[4.0, 4.1, 30.0, 3.9, 4.0], plain=[2.0, 2.0, 2.0, 2.0, 2.0])
    assert times.ratio == pytest.approx(2.0)
    assert over_budget(within_budget_site(), times) == []


def test_every_exceeded_budget_is_listed():
    pages = [page("", BUDGETS.home_requests + 2, int(BUDGETS.home_gzip_kb * KB) + 5000, third_party=1)]
    problems = over_budget(pages, build_times(BUDGETS.build_ratio + 1))
    assert len(problems) == 4


def test_missing_home_page_is_a_failure():
    problems = over_budget([page("notice/", 3, 1000)], None)
    assert problems and "首页" in problems[0]


def test_custom_budgets():
    tight = Budgets(home_gzip_kb=1, home_requests=1, third_party_requests=0, build_ratio=1.1)
    assert len(over_budget(within_budget_site(), build_times(1.2), tight)) == 3


def test_text_is_measured_compressed_and_binaries_as_they_are():
    text = ("全国科技工作者日 " * 500).encode()
    assert compressed_size(text, "text/html; charset=utf-8") == len(gzip.compress(text, compresslevel=9, mtime=0)) < len(text)
    assert compressed_size(text, "application/javascript") < len(text)
    assert compressed_size(text, "image/svg+xml") < len(text)
    assert compressed_size(text, "image/png") == len(text)
    assert compressed_size(text, "application/vnd.openxmlformats-officedocument.wordprocessingml.document") == len(text)


def test_site_pages_lists_every_index(tmp_path):
    for rel in ("index.html", "notice/index.html", "plan/index.html", "404.html", "assets/x.css"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert site_pages(tmp_path) == ["", "notice/", "plan/"]


# ------------------------------------------------------- engines side by side

def test_engines_take_turns_and_the_warm_up_is_dropped(tmp_path):
    figures = iter([9.0, 8.0, 7.0,  2.0, 2.5, 3.0,  2.2, 2.4, 3.4,  1.8, 2.6, 2.9])  # warm-up, then 3 rounds
    order = []

    def timer(command, env):
        order.append(command[command.index("--engine") + 1])
        assert command[1:4] == ["-m", "sitegen", "build"] and str(tmp_path) in command[-1]
        return next(figures)

    versions = {"mkdocs": {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2"}, "properdocs": {"properdocs": "1.6.7"},
                "zensical": {"zensical": "0.0.73"}}
    rows = time_engines(tmp_path, 3, timer=timer, versions=versions.get)
    assert order == ["mkdocs", "properdocs", "zensical"] * 4
    assert [(r.engine, r.times) for r in rows] == [
        ("mkdocs", [2.0, 2.2, 1.8]), ("properdocs", [2.5, 2.4, 2.6]), ("zensical", [3.0, 3.4, 2.9])]
    assert [r.median for r in rows] == [2.0, 2.5, 3.0]


def test_an_engine_not_installed_is_listed_not_timed(tmp_path):
    timed = []
    rows = time_engines(tmp_path, 2, timer=lambda c, e: timed.append(c) or 1.0,
                        versions=lambda name: {} if name == "zensical" else {name: "1.6"})
    assert len(timed) == 2 * 3 and all("zensical" not in c for c in timed)
    lines = format_engines(rows, 2)
    assert "zensical" in lines[-1] and "未安装" in lines[-1] and "—" in lines[-1]


def test_engine_table_shows_versions_medians_and_ratio_to_mkdocs():
    rows = [EngineTimes("mkdocs", {"mkdocs": "1.6.1", "mkdocs-material": "9.8.2"}, [10.0, 12.0, 11.0]),
            EngineTimes("properdocs", {"properdocs": "1.6.7", "mkdocs-material": "9.8.2"}, [11.0, 11.5, 13.0]),
            EngineTimes("zensical", {"zensical": "0.0.73"}, [5.5, 5.0, 6.0])]
    header, columns, *body = format_engines(rows, 3)
    assert "3 次的中位数" in header and "版本" in columns and "相对 MkDocs" in columns
    mkdocs, properdocs, zensical = body
    assert "mkdocs 1.6.1, mkdocs-material 9.8.2" in mkdocs and "11.00s" in mkdocs and "1.00 倍" in mkdocs
    assert "properdocs 1.6.7" in properdocs and "11.50s" in properdocs and "1.05 倍" in properdocs
    assert "zensical 0.0.73" in zensical and "5.50s" in zensical and "0.50 倍" in zensical
    assert zensical.rstrip().endswith("5.50 5.00 6.00"), "every run is shown"


def test_engine_versions_come_from_the_venvs_package_metadata(tmp_path):
    site = tmp_path / ".venv-zensical" / "lib" / "python3.11" / "site-packages"
    for name, version in (("zensical", "0.0.73"), ("click", "8.5.1")):
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    assert engine_versions("zensical", tmp_path) == {"zensical": "0.0.73"}
    assert engine_versions("properdocs", tmp_path) == {}, "no .venv-properdocs: not installed"
    import mkdocs

    assert engine_versions("mkdocs")["mkdocs"] == mkdocs.__version__  # the default engine: this venv
