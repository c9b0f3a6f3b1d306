"""The WeChat hint's bar is written into the page at build, above the block of the first download link."""

from __future__ import annotations

from sitegen.wechathint import SHELL, place_hint, place_hints


def page(body: str) -> str:
    return f'<!doctype html>\n<html><head><meta charset="utf-8"></head><body>\n<a href="downloads/x.docx">页眉</a>\n<article class="md-content__inner">\n{body}\n</article></body></html>'


def before(html: str, marker: str) -> bool:
    """The bar stands right before the element that starts with ``marker``."""
    return SHELL + marker in html


def test_above_the_download_box_around_the_link():
    html = place_hint(page('<p>说明</p>\n<div class="downloads"><ul><li><p><a href="../downloads/x.docx">Word</a></p></li></ul></div>'))
    assert html.count('id="wechat-hint"') == 1 and before(html, '<div class="downloads">')


def test_above_the_contact_card_or_table():
    card = place_hint(page('<section class="contact-card x"><p><a href="c.vcf" download="陈.vcf">存入</a></p></section>'))
    assert before(card, '<section class="contact-card x">')
    table = place_hint(page('<table><tr><td><a href="webcal://h/a.ics">订阅</a></td></tr></table>'))
    assert before(table, "<table>")


def test_above_the_outermost_list_else_the_paragraph():
    nested = place_hint(page('<ol><li>一<ul><li><a href="d/downloads/f.pdf">PDF</a></li></ul></li></ol>'))
    assert before(nested, "<ol>")
    para = place_hint(page('<p>先读</p><p>再<a href="f.ics" download>下载</a></p>'))
    assert before(para, "<p>再")
    bare = place_hint(page('<div><a href="f.ics" download>下载</a></div>'))
    assert before(bare, '<a href="f.ics" download>')


def test_only_links_inside_the_article_count_and_other_links_are_not_downloads():
    assert place_hint(page('<p><a href="../plan/">实施方案</a> <a href="mailto:a@b.cn">邮件</a></p>')) == page(
        '<p><a href="../plan/">实施方案</a> <a href="mailto:a@b.cn">邮件</a></p>')


def test_the_first_download_only_and_idempotent():
    html = place_hint(page('<p id="one"><a href="a.ics" download>一</a></p><p id="two"><a href="b.ics" download>二</a></p>'))
    assert before(html, '<p id="one">') and html.count(SHELL) == 1
    assert place_hint(html) == html


def test_hidden_until_the_page_says_wechat_and_not_a_search_result():
    assert " hidden " in SHELL and 'data-pagefind-ignore="all"' in SHELL and "<summary" in SHELL


def test_every_page_of_a_site(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(page('<p><a href="x.vcf" download>名片</a></p>'), encoding="utf-8")
    (tmp_path / "index.html").write_text(page("<p>无下载</p>"), encoding="utf-8")
    assert place_hints(tmp_path) == 1
    assert place_hints(tmp_path) == 1  # again: nothing added
    assert (tmp_path / "a" / "index.html").read_text(encoding="utf-8").count(SHELL) == 1
