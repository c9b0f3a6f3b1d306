"""Sharing: every page has its own meta description and Open Graph title and
description; sitemap.xml lists every page; the 404 page is in Chinese and
links to the home page and the contacts page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import yaml


class Head(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.lang = None
        self.anchors: list[tuple[str, str]] = []
        self._href = None
        self._text = ""
        self.h1 = ""
        self._in_h1 = False
        self._in_article = False
        self.article_anchors: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.setdefault(a.get("name") or a.get("property"), []).append(a.get("content", ""))
        if tag == "link" and a.get("rel"):
            self.links[a["rel"]] = a.get("href", "")
        if tag == "a" and a.get("href"):
            self._href, self._text = a["href"], ""
        if tag == "h1":
            self._in_h1 = True
        if tag == "article":
            self._in_article = True

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, self._text.strip()))
            if self._in_article:
                self.article_anchors.append((self._href, self._text.strip()))
            self._href = None
        if tag == "article":
            self._in_article = False
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._href is not None:
            self._text += data
        if self._in_h1:
            self.h1 += data


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, f"{path} has no front matter"
    return yaml.safe_load(match.group(1))


def config_value(root: Path, key: str) -> str:
    match = re.search(rf"^{key}:\s*(.+)$", (root / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert match, key
    return match.group(1).strip()


def source_pages(root: Path) -> dict[str, Path]:
    """Built page (relative path) → its Markdown source, for every docs/**/*.md."""
    pages = {}
    for md in sorted((root / "docs").rglob("*.md")):
        rel = md.relative_to(root / "docs").with_suffix("").as_posix()
        pages["index.html" if rel == "index" else f"{rel}/index.html"] = md
    return pages


@pytest.fixture(scope="module")
def sources(root):
    pages = source_pages(root)
    assert "index.html" in pages and len(pages) >= 5
    return pages


def test_each_page_has_its_own_description(built_site, sources):
    seen = {}
    for built, md in sources.items():
        matter = front_matter(md)
        assert matter.get("description"), f"{md}: front matter has no description"
        tags = head(built_site / built)
        assert tags.meta.get("description") == [matter["description"]], built
        assert tags.meta.get("og:description") == [matter["description"]], built
        seen.setdefault(matter["description"], []).append(built)
    assert all(len(v) == 1 for v in seen.values()), seen  # no two pages share one


def test_each_page_has_open_graph_title_and_url(built_site, sources, root):
    site_name = config_value(root, "site_name")
    site_url = config_value(root, "site_url").rstrip("/") + "/"
    for built, md in sources.items():
        tags = head(built_site / built)
        title = front_matter(md).get("title")
        expected = site_name if built == "index.html" else f"{title} - {site_name}"
        assert tags.meta.get("og:title") == [expected], built
        assert tags.meta.get("og:site_name") == [site_name]
        assert tags.meta.get("og:type") == ["website"]
        assert tags.meta.get("og:locale") == ["zh_CN"]
        url = site_url + ("" if built == "index.html" else built[: -len("index.html")])
        assert tags.meta.get("og:url") == [url], built
        assert tags.links.get("canonical") == url


def test_sitemap_lists_every_page(built_site, sources, root):
    site_url = config_value(root, "site_url").rstrip("/") + "/"
    tree = ElementTree.parse(built_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in tree.findall("s:url/s:loc", ns)}
    expected = {site_url + ("" if b == "index.html" else b[: -len("index.html")]) for b in sources}
    assert listed == expected
    assert (built_site / "sitemap.xml.gz").is_file()


def test_404_page_is_chinese_with_links_home_and_to_contacts(built_site, sources, root):
    page = head(built_site / "404.html")
    assert page.lang and page.lang.startswith("zh")
    assert "页面不存在" in page.h1
    base = urlsplit(config_value(root, "site_url")).path.rstrip("/") + "/"
    contacts_title = front_matter(root / "docs" / "contacts.md")["title"]
    links = [(href[len(base):], text) for href, text in page.article_anchors if href.startswith(base)]
    assert any(rel == "" and "首页" in text for rel, text in links), links
    assert any(rel == "contacts/" and contacts_title in text for rel, text in links), links
    for rel, _ in links:
        assert (built_site / rel / "index.html").is_file(), rel
    title = re.search(r"<title>(.*?)</title>", (built_site / "404.html").read_text(encoding="utf-8"), re.S).group(1)
    assert "页面不存在" in title
