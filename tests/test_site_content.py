"""The built site shows every fact from data/, and only the current value of it."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from conftest import TEST_ENGINE
from sitegen import textfmt
from sitegen.build import build_site


def page_text(site_dir: Path, page: str) -> str:
    """The visible text of a page's article, whitespace removed (CJK has no word spaces).

    ``site_dir`` is the built site or an edition's folder in it (site/<year>/).
    """
    tree = lxml.html.parse(str(site_dir / page / "index.html" if page else site_dir / "index.html"))
    article = tree.xpath("//article")[0]
    for junk in article.xpath(".//a[contains(@class, 'headerlink')] | .//script"):
        junk.drop_tree()
    return re.sub(r"\s+", "", article.text_content())


def page_hrefs(site_dir: Path, page: str) -> set[str]:
    tree = lxml.html.parse(str(site_dir / page / "index.html" if page else site_dir / "index.html"))
    return {a.get("href") for a in tree.xpath("//article//a[@href]")}


def nows(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_stage_is_on_the_timeline_and_in_the_plan(edition_dir, site_data):
    timeline, plan = page_text(edition_dir, "timeline"), page_text(edition_dir, "plan")
    for stage in site_data.stages:
        assert nows(f"{textfmt.cn_date(stage.start)}—{textfmt.cn_date(stage.end)}") in timeline
        assert nows(stage.focus) in timeline
        assert f"{stage.name}（{textfmt.stage_span(stage)}）" in plan


def test_every_deadline_is_on_the_timeline_with_its_channel(edition_dir, site_data):
    timeline = page_text(edition_dir, "timeline")
    hrefs = page_hrefs(edition_dir, "timeline")
    for item in site_data.deadlines:
        assert textfmt.due_text(item) in timeline
        assert textfmt.cn_date(item.due) in timeline
        assert nows(item.what) in timeline
        channel = site_data.channel_of(item)
        assert (f"mailto:{channel}" if item.channel == "email" else channel) in hrefs


def test_member_deadlines_are_on_the_home_page_and_in_the_notice(edition_dir, site_data):
    home, notice = page_text(edition_dir, ""), page_text(edition_dir, "notice")
    for item in site_data.deadlines_for(site_data.primary.key):
        assert textfmt.due_text(item) in home
        assert nows(item.what) in home
        assert textfmt.due_text(item) in notice


def test_every_contact_is_on_the_contacts_page_with_links(edition_dir, site_data):
    text = page_text(edition_dir, "contacts")
    hrefs = page_hrefs(edition_dir, "contacts")
    for contact in site_data.contacts:
        assert nows(contact.department) in text
        for person in contact.people:
            assert person in text
        for phone in contact.phones:
            assert textfmt.phone_display(phone) in text
            assert textfmt.tel_href(phone) in {h.split("?")[0] for h in hrefs}
        for email in contact.emails:
            assert email in text
            assert any(h.startswith(f"mailto:{email}") for h in hrefs)


def _parts(text: str) -> list[str]:
    return [nows(p) for p in text.replace("（分段）", "").split("；") if "……" not in p]


def test_every_correction_is_listed_and_applied(built_site, edition_dir, site_data):
    about = page_text(built_site, "about")
    assert nows(f"{site_data.key}年通知的勘误记录（共{len(site_data.corrections)}处）") in about
    official = "".join(page_text(edition_dir, p) for p in ("notice", "plan", "form"))
    for c in site_data.corrections:
        for field in (c.where, c.reason):
            assert nows(field) in about
        assert nows(c.original) in about and nows(c.corrected) in about
        for part in _parts(c.corrected):
            assert part in official, f"correction not applied: {part}"
        for original, corrected in zip(_parts(c.original), _parts(c.corrected)):
            if original not in corrected:
                assert original not in official, f"uncorrected text still shown: {original}"


def test_document_metadata_block(edition_dir, site_data):
    notice = page_text(edition_dir, "notice")
    doc = site_data.document
    for label, value in [
        ("发文机关", doc.issuer),
        ("发文字号", doc.number),
        ("成文日期", textfmt.cn_date(doc.date)),
        ("主送", "，".join(doc.recipients)),
        ("附件", doc.attachment),
    ]:
        assert nows(label + value) in notice or (nows(label) in notice and nows(value) in notice)


def _text_files(site_dir: Path, skip: set[str] = frozenset()):
    """The text files of a built site, except those in the folders ``skip`` (other editions)."""
    for path in sorted(site_dir.rglob("*")):
        if path.relative_to(site_dir).parts[0] in skip:
            continue
        if path.suffix in {".html", ".json", ".xml", ".ics", ".vcf", ".txt"}:
            yield path, path.read_text(encoding="utf-8", errors="replace")


# The edit below is made in this edition's stages.yaml (its text is the fixture).
FIXTURE = "2021"


def test_changed_date_reaches_every_page_and_the_old_one_is_gone(built_site, site_model, project_copy, tmp_path):
    """Change 筹备方案's deadline 2021-05-08 -> 2021-05-07 in a copy of data/2021/."""
    stages = project_copy / "data" / FIXTURE / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    assert "due: 2021-05-08" in text
    stages.write_text(text.replace("due: 2021-05-08", "due: 2021-05-07"), encoding="utf-8")
    changed = tmp_path / "changed-site"
    # every edition, as built_site has them, with the same engine (Zensical writes a search.json MkDocs does not)
    build_site(project_copy, changed, drafts=True, engine=TEST_ENGINE)

    old_forms = ["5月8日", "2021-05-08", "2021年5月8日"]
    new_forms = {"5月8日": "5月7日", "2021-05-08": "2021-05-07", "2021年5月8日": "2021年5月7日"}
    # Other editions' folders may name the same day of their own year; they are not compared.
    others = {e.key for e in site_model.editions if e.key != FIXTURE}
    showed_old = {
        path.relative_to(built_site): [f for f in old_forms if f in body]
        for path, body in _text_files(built_site, others)
        if any(f in body for f in old_forms)
    }
    edition = Path(FIXTURE)
    assert edition / "index.html" in showed_old and edition / "notice/index.html" in showed_old
    assert edition / "timeline/index.html" in showed_old
    assert edition / "downloads" / f"kjgzzr-{FIXTURE}-members.ics" in showed_old
    if site_model.current.key == FIXTURE:
        assert Path("index.html") in showed_old  # the site root is the current edition's home
    for rel, forms in showed_old.items():
        body = (changed / rel).read_text(encoding="utf-8", errors="replace")
        for form in forms:
            assert new_forms[form] in body, f"{rel} lost the date instead of showing the new one"
    for path, body in _text_files(changed, others):
        for form in old_forms:
            assert form not in body, f"old date {form} still in {path.relative_to(changed)}"


def _is_chinese_with_description(html: str) -> None:
    assert '<html lang="zh"' in html
    assert re.search(r'<meta name="description" content="[^"]+">', html)


@pytest.mark.parametrize("page", ["", "notice", "plan", "timeline", "howto", "form", "contacts"])
def test_edition_pages_are_chinese_with_description(edition_dir, page):
    _is_chinese_with_description((edition_dir / page / "index.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", ["", "about", "accessibility", "editions"])
def test_site_pages_are_chinese_with_description(built_site, page):
    _is_chinese_with_description((built_site / page / "index.html").read_text(encoding="utf-8"))


def test_no_english_engine_credit_in_any_footer(built_site):
    """The theme's "Made with …" line (English, linking off the site) is switched off in mkdocs.yml."""
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 10
    credited = [p.relative_to(built_site).as_posix() for p in pages if "Made with" in p.read_text(encoding="utf-8")]
    assert not credited, credited


def test_heading_anchors_keep_their_chinese_text(built_site, edition_dir):
    tree = lxml.html.parse(str(edition_dir / "plan" / "index.html"))
    # Markdown headings (the official title carries a fixed id of its own).
    headings = tree.xpath("//article//*[self::h2 or self::h3][@id][not(contains(@class, 'official__title'))]")
    assert len(headings) >= 10
    for h in headings:
        text = "".join(h.itertext()).replace("#", "")
        expected = re.sub(r"[^\w]", "", text).lower()
        assert h.get("id") == expected, (h.get("id"), text)
    # A link to a Chinese anchor on another page resolves (the plan links to about.md#勘误记录).
    about = lxml.html.parse(str(built_site / "about" / "index.html"))
    assert about.xpath("//*[@id='勘误记录']")
    assert tree.xpath("//article//a[@href='../../about/#勘误记录']")


def test_sitemap_and_pages_name_the_same_update_day(built_site):
    """MkDocs dates the sitemap in UTC, our pages in Beijing time: the build picks an hour where both agree."""
    about = lxml.html.parse(str(built_site / "about" / "index.html"))
    shown = about.xpath("//article//time/@datetime")
    assert shown, "about page shows no 最近更新 date"
    lastmods = set(re.findall(r"<lastmod>([^<]+)</lastmod>", (built_site / "sitemap.xml").read_text(encoding="utf-8")))
    assert lastmods == {shown[0]}
