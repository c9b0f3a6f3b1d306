"""Page edits used for editions: links moved to the root copy, relative URLs, front matter, counts."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen import mdedit
from sitegen.textfmt import cn_count, month_end_or_day


@pytest.mark.parametrize("target, expected", [
    ("notice.md", "2027/notice.md"),
    ("plan.md#五特色亮点活动上传方式", "2027/plan.md#五特色亮点活动上传方式"),
    ("../about.md#勘误记录", "about.md#勘误记录"),
    ("form/", "2027/form/"),
    ("downloads/form-2027.docx", "2027/downloads/form-2027.docx"),
    ("../", "./"),
    ("#联系人", "#联系人"),
    ("mailto:a@b.cn", "mailto:a@b.cn"),
    ("tel:+861051871797", "tel:+861051871797"),
    ("https://www.scimall.org.cn/", "https://www.scimall.org.cn/"),
    ("/absolute/", "/absolute/"),
])
def test_rebase_moves_relative_links_only(target, expected):
    assert mdedit.rebase(target, "2027") == expected


def test_rebase_links_rewrites_markdown_and_html_links():
    text = '[样表](form.md) <a href="notice/">通知</a> <a href="mailto:x@y.cn">x</a> ![](img.png)'
    assert mdedit.rebase_links(text, "2027") == (
        '[样表](2027/form.md) <a href="2027/notice/">通知</a> <a href="mailto:x@y.cn">x</a> ![](2027/img.png)'
    )


@pytest.mark.parametrize("target, page, expected", [
    ("2027/downloads/form.docx", "2027/howto.md", "../downloads/form.docx"),
    ("2027/downloads/form.docx", "2027/index.md", "downloads/form.docx"),
    ("2027/downloads/form.docx", "index.md", "2027/downloads/form.docx"),
    ("2027/", "editions.md", "../2027/"),
    ("2021/", "index.md", "2021/"),
])
def test_relative_url_from_a_page_with_directory_urls(target, page, expected):
    assert mdedit.relative(target, page) == expected


def test_relative_source_is_a_markdown_link_between_source_files():
    assert mdedit.relative_source("index.md", "2021/notice.md") == "../index.md"
    assert mdedit.relative_source("2021/downloads/x.pdf", "2021/form.md") == "downloads/x.pdf"


def test_front_matter_updates_merge_and_keep_the_body():
    text = "---\ntitle: 通知\nsearch:\n  boost: 0.5\n---\n\n# 通知原文\n"
    out = mdedit.update_front_matter(text, title="通知（2021年）", search={"exclude": True})
    meta, body = mdedit.split_front_matter(out)
    assert meta == {"title": "通知（2021年）", "search": {"boost": 0.5, "exclude": True}}
    assert body == "\n# 通知原文\n"
    banner = mdedit.insert_after_front_matter(out, "<div>横幅</div>")
    assert mdedit.split_front_matter(banner)[1].startswith("\n<div>横幅</div>\n\n# 通知原文")


@pytest.mark.parametrize("n, words", [(1, "一"), (2, "两"), (3, "三"), (6, "六"), (8, "八")])
def test_counts_read_as_chinese(n, words):
    assert cn_count(n) == words


def test_month_end_only_on_the_last_day():
    assert month_end_or_day(dt.date(2021, 6, 30)) == "6月底"
    assert month_end_or_day(dt.date(2022, 6, 24)) == "6月24日"
    assert month_end_or_day(dt.date(2024, 2, 29)) == "2月底"
