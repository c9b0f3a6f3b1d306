"""Editions: every year's notice is one folder of data and prose.

A fixture edition of another shape (tests/fixtures/editions/2022: two stages,
four deadlines, a sixth module, an extra form row, no corrections, another
contact person) is added beside 2021 the way a maintainer adds next year's:
its data files in data/2022/, its pages copied from docs/2021/ with the year
replaced. Built together, 2022 is the current edition and 2021 is archived.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, copy_project
from sitegen.__main__ import main
from sitegen.build import build_site
from sitegen.errors import DataError
from sitegen.load import load_site

FIXTURE = ROOT / "tests" / "fixtures" / "editions" / "2022"


def add_fixture_edition(project: Path, status: str = "published") -> None:
    shutil.copytree(FIXTURE, project / "data" / "2022")
    docs = project / "docs" / "2022"
    docs.mkdir()
    for page in sorted((project / "docs" / "2021").glob("*.md")):
        (docs / page.name).write_text(page.read_text(encoding="utf-8").replace("2021", "2022"), encoding="utf-8")
    if status != "published":
        doc = project / "data" / "2022" / "document.yaml"
        doc.write_text(doc.read_text(encoding="utf-8").replace("status: published", f"status: {status}"), encoding="utf-8")


def text_of(page: Path) -> str:
    """The visible text of a built page's article, tags removed."""
    raw = page.read_text(encoding="utf-8")
    match = re.search(r"<article[^>]*>(.*)</article>", raw, re.S)
    body = match.group(1) if match else raw
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("two") / "project")
    add_fixture_edition(project)
    build_site(project, project / "site", drafts=False)
    return project / "site"


@pytest.fixture(scope="module")
def fixture_model(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("model") / "project")
    add_fixture_edition(project)
    return load_site(project)


# --- The model ------------------------------------------------------------------


def test_the_newest_published_edition_is_current(fixture_model):
    assert [e.key for e in fixture_model.editions] == ["2022", "2021"]
    assert fixture_model.current.key == "2022"
    assert fixture_model.state_of(fixture_model.edition("2021")) == "archived"


def test_a_newer_draft_does_not_become_current(tmp_path):
    project = copy_project(tmp_path / "project")
    add_fixture_edition(project, status="draft")
    site = load_site(project)
    assert site.current.key == "2021"
    assert site.state_of(site.edition("2022")) == "draft"
    assert [e.key for e in load_site(project, drafts=False).editions] == ["2021"]


# --- The built site with two editions --------------------------------------------------


def test_root_is_the_current_editions_home_with_a_link_to_all_editions(two_editions):
    root = (two_editions / "index.html").read_text(encoding="utf-8")
    assert "学秘函〔2022〕7号" in root and "学秘函〔2021〕11号" not in root
    assert 'http-equiv="refresh"' not in root  # the page itself, not a redirect stub
    assert re.search(r'href="editions/"[^>]*>历年通知', root)
    # Links in the copy point into /2022/, not to pages at the root that do not exist.
    assert 'href="2022/form/"' in root
    assert not re.search(r'href="(form|notice|plan)/"', root)


def test_every_archived_page_opens_with_a_banner_linking_to_the_current_edition(two_editions):
    pages = sorted((two_editions / "2021").rglob("index.html"))
    assert len(pages) == 7
    for page in pages:
        raw = page.read_text(encoding="utf-8")
        banner = re.search(r'<div class="edition-banner edition-banner--archived".*?</div>', raw, re.S)
        assert banner, page
        words = html.unescape(re.sub(r"<[^>]+>", "", banner.group(0)))
        assert "2021 年的通知" in words and "2021年6月30日结束" in words and "查看 2022 年的通知" in words
        href = re.search(r'href="([^"]+)"', banner.group(0)).group(1)
        assert (page.parent / href).resolve() == two_editions.resolve() or (page.parent / href / "index.html").resolve() == (two_editions / "index.html").resolve()
    assert "edition-banner" not in (two_editions / "2022" / "notice" / "index.html").read_text(encoding="utf-8")


def test_archived_status_says_ended_without_javascript(two_editions):
    home = (two_editions / "2021" / "index.html").read_text(encoding="utf-8")
    box = re.search(r'<div class="live-status live-status--ended"[^>]*>.*?</div>', home, re.S)
    assert box and "hidden" not in box.group(0).split(">")[0]
    assert "活动已结束" in box.group(0)
    assert 'data-live="status"' not in home  # the script leaves it as it is
    notice = (two_editions / "2021" / "notice" / "index.html").read_text(encoding="utf-8")
    assert "活动已结束（已归档）" in notice and 'data-live="doc-status"' not in notice


def test_archived_downloads_stay_at_their_urls_with_the_same_bytes(two_editions, built_site):
    old = sorted(p.relative_to(built_site).as_posix() for p in (built_site / "2021" / "downloads").iterdir())
    assert old and all((two_editions / rel).read_bytes() == (built_site / rel).read_bytes() for rel in old)
    new = {p.name for p in (two_editions / "2022" / "downloads").iterdir()}
    assert {"form-2022.docx", "form-2022.pdf", "kjgzzr-2022-members.ics", "kjgzzr-2022-cast.ics"} <= new


def test_2021_pages_read_the_same_when_archived(two_editions, built_site):
    for page in sorted((built_site / "2021").rglob("index.html")):
        rel = page.relative_to(built_site)
        before, after = text_of(page), text_of(two_editions / rel)
        after = re.sub(r"这是 2021 年的通知，已归档。.*?查看 2022 年的通知", "", after, flags=re.S)
        # What may differ: the status (live vs. ended) and the build date of the downloads.
        strip = lambda t: re.sub(r"活动已结束.*?(各项报送截止时间均已过。|（已归档）)|有效|未印发|（活动期[^）]*）|活动已结束|\d{4}年\d+月\d+日生成", "",  # noqa: E731
                                 re.sub(r"\s+", "", t))
        assert strip(before) == strip(after), rel


def test_the_fixture_editions_facts_reach_its_pages(two_editions, fixture_model):
    edition = fixture_model.edition("2022")
    base = two_editions / "2022"
    plan, form, contacts = (text_of(base / p / "index.html") for p in ("plan", "form", "contacts"))
    assert "划分两个阶段" in plan and "六大模块" in plan and "二个" not in plan
    assert "自5月10日至6月24日" in plan  # the campaign ends on the 24th, not 至6月底
    assert "青春建功" in plan and "青春建功" in form and "青春建功" in text_of(two_editions / "index.html")
    assert "活动宣传渠道" in form
    assert "林晓青" in contacts and "陈若水" not in contacts
    assert "第三阶段" not in text_of(base / "timeline" / "index.html")
    about = text_of(two_editions / "about" / "index.html")
    assert "2022 年通知的勘误记录（共 0 处）" in about and "没有需要更正之处" in about
    assert "2021 年通知的勘误记录（共 13 处）" in about
    titles = re.findall(r"<title>(.*?)</title>", (base / "notice" / "index.html").read_text(encoding="utf-8"))
    assert titles == ["通知（2022年） - 全国科技工作者日活动"]
    assert edition.featured.key == "members-plan"


def test_the_fixture_editions_facts_reach_its_downloads(two_editions):
    from docx import Document

    downloads = two_editions / "2022" / "downloads"
    words = "\n".join(p.text for p in Document(str(downloads / "form-2022.docx")).paragraphs)
    tables = "\n".join(c.text for t in Document(str(downloads / "form-2022.docx")).tables for r in t.rows for c in r.cells)
    assert "活动宣传渠道" in tables and "青春建功" in tables and "2022年" in words
    pdf = subprocess.run(["pdftotext", str(downloads / "form-2022.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "活动宣传渠道" in pdf and "青春建功" in pdf
    ics = (downloads / "kjgzzr-2022-members.ics").read_text(encoding="utf-8")
    assert "PRODID:-//中国铁道学会//2022全国科技工作者日活动网站//ZH" in ics
    assert "UID:kjgzzr-2022-" in ics and "kjgzzr-2021-" not in ics
    assert ics.count("BEGIN:VEVENT") == 2 + 1 + 2  # two stages, the holiday, two member deadlines
    vcf = (downloads / "contact-crs-academic.vcf").read_text(encoding="utf-8")
    assert "林晓青" in vcf
    old_vcf = (two_editions / "2021" / "downloads" / "contact-crs-academic.vcf").read_text(encoding="utf-8")
    uid = lambda text: re.search(r"^UID:(.*)$", text, re.M).group(1)  # noqa: E731
    assert uid(vcf) != uid(old_vcf)


def nav_labels(page: Path) -> list[str]:
    """The labels of the primary navigation, in order (pages and sections; not the table of contents)."""
    raw = page.read_text(encoding="utf-8")
    found = re.findall(r'<(?:a href="([^"#][^"]*)"|label) class="md-nav__link[^"]*"[^>]*>\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', raw, re.S)
    return list(dict.fromkeys(html.unescape(label) for _, label in found))


def test_navigation_lists_the_current_edition_then_the_archive(two_editions):
    labels = nav_labels(two_editions / "2022" / "notice" / "index.html")
    assert labels[:3] == ["首页", "通知", "实施方案"], labels
    assert "历年通知" in labels and "2021年（已结束）" in labels
    assert labels.index("2021年（已结束）") > labels.index("联系方式")
    assert labels[-2:] == ["关于本站", "无障碍声明"]


def test_search_ranks_the_current_edition_first(two_editions):
    from sitegen.search import read_index

    boosts = {p["url"]: p["meta"].get("boost") for p in read_index(two_editions)}
    assert boosts["/2021/notice/"] is not None and float(boosts["/2021/notice/"]) < 1
    assert boosts["/2022/notice/"] is None
    assert "/" in boosts and "/2022/" not in boosts  # the current home is indexed once, at the root


def test_editions_page_lists_every_edition(two_editions):
    page = text_of(two_editions / "editions" / "index.html")
    assert "学秘函〔2022〕7号" in page and "学秘函〔2021〕11号" in page
    assert "2022年4月20日" in page and "当前" in page and "已结束（2021年6月30日结束）" in page


# --- Drafts -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_draft(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("draft") / "project")
    add_fixture_edition(project, status="draft")
    return project


def test_published_site_leaves_drafts_out_entirely(with_draft):
    site = build_site(with_draft, with_draft / "site", drafts=False)
    assert not (site / "2022").exists()
    for page in site.rglob("*.html"):
        raw = page.read_text(encoding="utf-8")
        assert "2022/" not in raw and "〔2022〕" not in raw, page
    from sitegen.search import read_index

    assert not [p["url"] for p in read_index(site) if "2022" in p["url"] or "〔2022〕" in p["content"]]
    assert "学秘函〔2021〕11号" in (site / "index.html").read_text(encoding="utf-8")


def test_preview_marks_every_draft_page(with_draft, tmp_path):
    site = build_site(with_draft, tmp_path / "preview", drafts=True)
    pages = sorted((site / "2022").rglob("index.html"))
    assert len(pages) == 7
    for page in pages:
        assert "edition-banner--draft" in page.read_text(encoding="utf-8") and "草稿" in text_of(page), page
    assert "学秘函〔2021〕11号" in (site / "index.html").read_text(encoding="utf-8")  # root stays published


# --- Starting next year ---------------------------------------------------------------


def test_make_edition_copies_the_newest_as_a_draft_and_check_lists_carried_values(project_copy, capsys):
    assert main(["--root", str(project_copy), "edition", "2027"]) == 0
    assert (project_copy / "docs" / "2027" / "notice.md").is_file()
    assert "status: draft" in (project_copy / "data" / "2027" / "document.yaml").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["--root", str(project_copy), "check"]) == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith(("data/2027/", "docs/2027/"))]
    assert any(re.match(r"data/2027/document\.yaml:\d+: ", line) and "学秘函〔2021〕11号" in line for line in lines)
    assert any(re.match(r"data/2027/stages\.yaml:\d+: .*2021-05-08", line) for line in lines)
    assert any(re.match(r"docs/2027/\w+\.md:\d+: ", line) and "2021" in line for line in lines)
    assert not [line for line in err.splitlines() if line.startswith("data/2021/")]  # the old one is fine
    assert main(["--root", str(project_copy), "edition", "2027"]) == 1  # never overwrites


def test_a_new_edition_filled_in_and_published_becomes_the_root(tmp_path):
    """The 'done when' recipe: make edition, edit only data/<year>/ and docs/<year>/, publish."""
    project = copy_project(tmp_path / "project")
    assert main(["--root", str(project), "edition", "2027"]) == 0
    for folder in (project / "data" / "2027", project / "docs" / "2027"):
        for path in folder.iterdir():
            text = path.read_text(encoding="utf-8").replace("2021", "2027").replace("〔2027〕11号", "〔2027〕3号")
            path.write_text(text.replace("status: draft", "status: published"), encoding="utf-8")
    site = load_site(project, drafts=False)
    assert site.current.key == "2027" and site.state_of(site.edition("2021")) == "archived"


# --- Messages across editions ------------------------------------------------------------


def test_one_run_reports_errors_of_every_edition_and_every_cross_file_check(tmp_path):
    project = copy_project(tmp_path / "project")
    add_fixture_edition(project)
    stages = project / "data" / "2021" / "stages.yaml"
    stages.write_text(stages.read_text(encoding="utf-8").replace("contact: cast-talent", "contact: cast-organisation"), encoding="utf-8")
    contacts = project / "data" / "2021" / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("    source: 学秘函〔2021〕11号", "    sorce: 学秘函〔2021〕11号"), encoding="utf-8")
    other = project / "data" / "2022" / "document.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("date: 2022-04-20", "date: 2022-4-20"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_site(project)
    text = str(caught.value)
    assert re.search(r"data/2021/stages\.yaml:\d+: deadlines\[2\]\.contact “cast-organisation”", text)
    assert re.search(r"data/2021/contacts\.yaml:\d+: contacts\[0\]\.sorce 未知的键“sorce”，是不是“source”？", text)
    assert re.search(r"data/2022/document\.yaml:\d+: date", text)


def test_missing_field_says_what_it_is_for_with_an_example(project_copy):
    doc = project_copy / "data" / "2021" / "document.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("status: published\n", ""), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_site(project_copy)
    assert re.search(r"data/2021/document\.yaml:\d+: status 缺少必填项“status”：发布状态：published 为已发布，draft 为草稿", str(caught.value))
    assert "例如：status: draft" in str(caught.value)


def test_unknown_key_explains_the_allowed_keys(project_copy):
    doc = project_copy / "data" / "2021" / "document.yaml"
    doc.write_text(doc.read_text(encoding="utf-8").replace("theme:", "motto:"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_site(project_copy)
    message = str(caught.value)
    assert "未知的键“motto”" in message and "theme（节日主题）" in message and "number（发文字号）" in message


def test_page_asking_for_missing_data_gets_a_plain_message(project_copy, capsys):
    page = project_copy / "docs" / "2021" / "howto.md"
    text = page.read_text(encoding="utf-8").replace('edition.deadline("members-summary")', 'edition.deadline("members-report")')
    page.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "members-report" in l)
    assert main(["--root", str(project_copy), "check"]) == 1
    err = capsys.readouterr().err
    assert f"docs/2021/howto.md:{line}:" in err
    assert "data/2021/stages.yaml 中没有 key 为“members-report”的截止时间" in err
    assert "StopIteration" not in err and "Traceback" not in err


@pytest.mark.parametrize("count, ok", [(1, True), (6, True), (7, False)])
def test_one_to_six_stages(project_copy, count, ok):
    stages = project_copy / "data" / "2021" / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    head, rest = text.split("stages:\n", 1)
    _, tail = rest.split("\n# audience:", 1)
    days = [(5, 10 + i * 3, 5, 12 + i * 3) for i in range(count)]
    body = "".join(
        f"  - key: s{i}\n    name: 第{'一二三四五六七'[i]}阶段\n    start: 2021-{a:02d}-{b:02d}\n    end: 2021-{c:02d}-{d:02d}\n    focus: 重点\n"
        for i, (a, b, c, d) in enumerate(days)
    )
    stages.write_text(head + "stages:\n" + body + "\n# audience:" + tail, encoding="utf-8")
    if ok:
        assert len(load_site(project_copy).current.stages) == count
    else:
        with pytest.raises(DataError, match="最多 6 个阶段"):
            load_site(project_copy)


def test_nothing_edition_specific_outside_the_year_folders():
    found = subprocess.run(
        ["grep", "-rn", "2021", "scripts/", "overrides/", "docs/assets/", "mkdocs.yml", "Makefile"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout
    assert found == ""
