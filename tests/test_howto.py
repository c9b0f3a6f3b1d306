"""如何报送 and the contact links: steps, address, dates and limits come from the
data; mailto: links carry a percent-encoded subject; tel: links are +86."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from sitegen import textfmt
from sitegen.load import load_edition
from sitegen.schema import DataError


def html_of(folder: Path, page: str) -> str:
    """A page of the built site: ``folder`` is the site or an edition's folder in it (site/<year>/)."""
    return (folder / page / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", unescape(re.sub(r"<[^>]+>", "", html)))


def mailtos(html: str) -> list[tuple[str, dict]]:
    found = []
    for href in re.findall(r'href="(mailto:[^"]+)"', html):
        parts = urlsplit(unescape(href))
        found.append((unquote(parts.path), {k: v[0] for k, v in parse_qs(parts.query).items()}))
    return found


def nav_links(html: str) -> list[str]:
    nav = re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"]+)"', html) or re.findall(
        r'<a href="([^"]+)" class="md-nav__link', html)
    return [h.strip("./") for h in nav]


def test_howto_is_in_the_nav_after_timeline_and_linked_from_home(edition_dir):
    home = html_of(edition_dir, "")
    assert 'href="howto/"' in home
    order = nav_links(home)
    assert "timeline" in order and "howto" in order
    assert order.index("howto") == order.index("timeline") + 1


def test_site_root_links_to_the_current_editions_howto(built_site, site_model):
    key = site_model.current.key
    home = html_of(built_site, "")
    assert f'href="{key}/howto/"' in home
    order = nav_links(home)
    assert order.index(f"{key}/howto") == order.index(f"{key}/timeline") + 1


def test_howto_walks_through_both_submissions(edition_dir, site_data):
    html = html_of(edition_dir, "howto")
    text = text_of(html)
    assert "不是公文原文" in text
    form = site_data.form
    for step in ("填写", "单位盖章", "扫描成PDF", "Word", "盖章PDF", "发到这个邮箱", "截止时间"):
        assert step in text
    for d in site_data.deadlines_for(site_data.primary.key):
        assert d.what in text
        assert textfmt.due_text(d) in text and textfmt.weekday(d.due) in text
        assert f'id="{d.key}"' in html
        # The address with a prefilled, percent-encoded subject.
        address = site_data.channel_of(d)
        assert (address, {"subject": d.mail_subject}) in mailtos(html)
        assert "%E3%80%90" in html  # 【 percent-encoded, not raw, in the href
        assert d.mail_subject in text
        assert f"单位名称-{d.short}.docx" in text and f"单位名称-{d.short}（盖章）.pdf" in text
    # The limits, from the data.
    assert f"约{len(site_data.stages)}项" in text and "原则上每个阶段1项" in text
    assert f"{form.plan.word_limit}字以内" in text
    cast_limit = next(d.word_limit for a in site_data.others for d in site_data.deadlines_for(a.key) if d.word_limit)
    assert f"合计{cast_limit}字以内" in text
    for element in form.plan.elements:
        assert element in text
    # What happens afterwards: the upload platform, whose date and contact the plan does not give.
    assert site_data.document.platform.name in text and "遴选、审核" in text
    assert "上传的截止时间和联系人，原文未规定" in text
    assert "通报表扬" in text


def test_contacts_page_mailto_subjects_and_tel_links(edition_dir, site_data):
    html = html_of(edition_dir, "contacts")
    links = mailtos(html)
    for d in site_data.deadlines:
        if d.channel == "email":
            assert (site_data.channel_of(d), {"subject": d.mail_subject}) in links
    for contact in site_data.contacts:
        for phone in contact.phones:
            href = textfmt.tel_href(phone)
            assert re.fullmatch(r"tel:\+86\d{9,11}", href)
            assert f'href="{href}"' in html


def test_mailto_href_encodes_subject_and_body():
    href = textfmt.mailto_href("a@b.cn", "【筹备方案】单位名称", "第一行\n&二?")
    assert href.startswith("mailto:a@b.cn?subject=%E3%80%90")
    parts = urlsplit(href)
    assert parse_qs(parts.query) == {"subject": ["【筹备方案】单位名称"], "body": ["第一行\n&二?"]}
    assert textfmt.mailto_href("a@b.cn") == "mailto:a@b.cn"


# The edits below are made in this edition's stages.yaml (its text is the fixture).
FIXTURE = "2021"


def test_word_limit_must_agree_with_the_text(project_copy):
    stages = project_copy / "data" / FIXTURE / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    assert "word_limit: 2000" in text
    stages.write_text(text.replace("word_limit: 2000", "word_limit: 1500"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_edition(stages.parent, project_copy)
    messages = [p for p in info.value.problems if "word_limit" in p.message]
    assert messages, info.value
    problem = messages[0]
    lines = stages.read_text(encoding="utf-8").splitlines()
    assert problem.file == f"data/{FIXTURE}/stages.yaml"
    assert re.fullmatch(r"deadlines\[\d+\]\.(what|format)", problem.path)
    assert "2000字" in lines[problem.line - 1]


def test_word_limit_must_be_a_number(project_copy):
    stages = project_copy / "data" / FIXTURE / "stages.yaml"
    text = stages.read_text(encoding="utf-8")
    assert "word_limit: 2000" in text
    stages.write_text(text.replace("word_limit: 2000", "word_limit: 两千"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_edition(stages.parent, project_copy)
    problem = next(p for p in info.value.problems if p.path.endswith("word_limit"))
    assert problem.file == f"data/{FIXTURE}/stages.yaml"
    assert "word_limit: 两千" in stages.read_text(encoding="utf-8").splitlines()[problem.line - 1]
