"""The search index keeps names from data/ whole (jieba user dictionary).

jieba cuts an unknown name such as 江海洋 into 江 / 海洋, after which a
search for the name finds nothing. sitegen.search cuts the text Pagefind
indexes with jieba and the words of sitegen.searchdict (people, modules),
marking the word breaks with a zero-width space.
"""

from __future__ import annotations

import re

import yaml

from sitegen.build import build_site
from sitegen.search import prepare, read_index
from sitegen.searchdict import FILE_NAME, dictionary_text, user_words

SEPARATOR = re.compile(r"[\s\u200b\u3000\-、。，．？！；：（）“”《》]+")


def index_words(site_dir) -> set[str]:
    """The words handed to Pagefind: each built page as sitegen.search prepares it, cut at jieba's word breaks.

    (Pagefind's own store, read_index, has its finer display cuts: 田​鹏; a search for 田鹏 still finds
    the page, tests/browser/test_search_table.py.)"""
    words = set()
    for page in sorted(site_dir.rglob("*.html")):
        prepared = prepare(page.read_text(encoding="utf-8"), None)
        if prepared:
            words.update(w for w in SEPARATOR.split(re.sub(r"<[^>]+>", " ", prepared)) if w)
    assert read_index(site_dir), "no Pagefind index in the site"
    return words


def test_dictionary_lists_people_and_modules_from_data(site_model, site_data):
    words = user_words(site_model)
    for contact in site_data.contacts:
        assert set(contact.people) <= set(words)
    assert {m.name for m in site_data.modules} <= set(words)
    assert len(words) == len(set(words))
    assert dictionary_text(site_model).splitlines() == words


def test_every_name_is_one_word_in_the_built_index(built_site, site_data):
    words = index_words(built_site)
    names = [p for c in site_data.contacts for p in c.people]
    assert not [n for n in names if n not in words]


def test_a_name_jieba_would_split_stays_whole(project_copy, tmp_path, site_model):
    """江海洋 is 江 / 海洋 to plain jieba; as a contact in data it is indexed whole."""
    import jieba

    name = "江海洋"
    jieba.initialize()
    if not jieba.dt.FREQ.get(name):  # not yet added by an earlier build in this process
        assert name not in jieba.lcut(f"联系人：{name}、白云")
    contacts_file = project_copy / "data" / site_model.current.key / "contacts.yaml"
    data = yaml.safe_load(contacts_file.read_text(encoding="utf-8"))
    data["contacts"][-1]["people"][0] = name
    contacts_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    site = build_site(project_copy, tmp_path / "site")
    assert name in index_words(site)
    # the dictionary was written next to the generated pages, not into the site
    assert not list(site.rglob(FILE_NAME))



ARTICLE = '<article class="md-content__inner md-typeset"><h1>样表</h1>{}</article>'


def text_of(prepared: str) -> str:
    return re.sub(r"<[^>]+>", "", prepared).replace("\u200b", "")


def test_cells_end_in_a_separator_but_empty_cells_add_none():
    table = "<table><tr><td>主办单位</td><td></td><td> </td></tr><tr><td>注：请务必详实准确</td></tr></table>"
    text = text_of(prepare(ARTICLE.format(table), None))
    assert "主办单位；注：请务必详实准确；" in re.sub(r"\s+", "", text), text


def test_no_separator_doubles_a_mark_already_there():
    """A list in a cell ends twice (li, td), a cell may end in 。: one mark each, not "表彰发布；；" or "。；"."""
    table = ("<table><tr><td><ul><li>□ 表彰发布</li></ul></td><td>承办单位名称</td></tr>"
             "<tr><td>第三阶段6月6日-6月30日）。</td><td>每项活动</td></tr></table>")
    text = re.sub(r"\s+", "", text_of(prepare(ARTICLE.format(table), None)))
    assert "□表彰发布；承办单位名称；" in text, text
    assert "6月30日）。每项活动；" in text, text


def test_no_label_is_indexed_without_its_value(built_site):
    """A term whose value is left out of the index goes too: the contact card's 报送 row holds only the
    "write an e-mail" buttons (the same on every card, not indexed), and 报送：； read as an empty field."""
    bare = {page["url"]: re.findall(r"[\u4e00-\u9fff]+：；", page["content"]) for page in read_index(built_site)}
    assert not {url: found for url, found in bare.items() if found}, bare


def test_a_part_a_page_marks_for_pagefind_to_ignore_is_not_indexed(built_site, site_data):
    """The plan's 本站提示 repeats 时间安排's dates (it ranked the plan for 总结报告); every engine keeps its marker."""
    html = (built_site / site_data.key / "plan" / "index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-ignore="all"' in html and "本站提示" in html
    [plan] = [p for p in read_index(built_site) if p["url"] == f"/{site_data.key}/plan/"]
    assert "本站提示" not in plan["content"]
