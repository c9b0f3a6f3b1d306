"""Sharing: every page has its own meta description and Open Graph title and
description (an edition's pages name their year); sitemap.xml lists every
page; the 404 page is in Chinese and links to the home page, 历年通知 and the
current edition's contacts page."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Source:
    md: Path  # the Markdown source in docs/
    edition: object = None  # the Edition of a docs/<year>/ page; None for a site-wide page
    root_copy: bool = False  # the site root: a copy of the current edition's home page


def built_editions(site_model) -> list:
    """The editions in the tests' build (built_site has every edition in data/, drafts too)."""
    return list(site_model.editions)


def source_pages(root: Path, site_model) -> dict[str, Source]:
    """Built page (relative path) → its Markdown source, for every docs/*.md and each built edition's pages."""
    pages: dict[str, Source] = {}
    for md in sorted((root / "docs").glob("*.md")):
        pages[f"{md.stem}/index.html"] = Source(md)
    for edition in built_editions(site_model):
        for md in sorted((root / "docs" / edition.key).rglob("*.md")):
            rel = md.relative_to(root / "docs").with_suffix("").as_posix()
            built = f"{rel[: -len('index')]}index.html" if md.name == "index.md" else f"{rel}/index.html"
            pages[built] = Source(md, edition)
    current = site_model.current
    pages["index.html"] = Source(root / "docs" / current.key / "index.md", current, root_copy=True)
    return pages


@pytest.fixture(scope="module")
def sources(root, site_model):
    pages = source_pages(root, site_model)
    assert "index.html" in pages and f"{site_model.current.key}/index.html" in pages and len(pages) >= 5
    return pages


def test_each_page_has_its_own_description(built_site, sources):
    seen: dict[tuple, list[str]] = {}
    for built, source in sources.items():
        matter = front_matter(source.md)
        assert matter.get("description"), f"{source.md}: front matter has no description"
        tags = head(built_site / built)
        assert tags.meta.get("description") == [matter["description"]], built
        assert tags.meta.get("og:description") == [matter["description"]], built
        if not source.root_copy:
            # Within one edition (and among the site-wide pages) no two pages share one;
            # the same page of two years may (its title names the year).
            group = source.edition.key if source.edition else ""
            seen.setdefault((group, matter["description"]), []).append(built)
    assert all(len(v) == 1 for v in seen.values()), seen


def expected_title(source: Source, site_model) -> str:
    """The page's own title as the build writes it: 通知（2021年）, 通知（2020年，已结束）; site pages as written."""
    title = front_matter(source.md).get("title")
    if source.edition is None:
        return title
    mark = {"current": "", "archived": "，已结束", "draft": "，草稿"}[site_model.state_of(source.edition)]
    return f"{title}（{source.edition.key}年{mark}）"


def test_each_page_has_open_graph_title_and_url(built_site, sources, root, site_model):
    site_name = config_value(root, "site_name")
    site_url = config_value(root, "site_url").rstrip("/") + "/"
    for built, source in sources.items():
        tags = head(built_site / built)
        expected = site_name if built == "index.html" else f"{expected_title(source, site_model)} - {site_name}"
        assert tags.meta.get("og:title") == [expected], built
        assert tags.meta.get("og:site_name") == [site_name]
        assert tags.meta.get("og:type") == ["website"]
        assert tags.meta.get("og:locale") == ["zh_CN"]
        url = site_url + built[: -len("index.html")]
        assert tags.meta.get("og:url") == [url], built
        assert tags.links.get("canonical") == url


def test_archived_and_draft_pages_say_so_in_their_title(built_site, sources, site_model):
    for built, source in sources.items():
        if source.edition is None or source.root_copy:
            continue
        title = re.search(r"<title>(.*?)</title>", (built_site / built).read_text(encoding="utf-8"), re.S).group(1)
        assert title.startswith(expected_title(source, site_model) + " - "), (built, title)
        assert f"{source.edition.key}年" in title


def test_sitemap_lists_every_page(built_site, sources, root):
    site_url = config_value(root, "site_url").rstrip("/") + "/"
    tree = ElementTree.parse(built_site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in tree.findall("s:url/s:loc", ns)}
    expected = {site_url + b[: -len("index.html")] for b in sources}
    assert listed == expected
    assert (built_site / "sitemap.xml.gz").is_file()


def test_404_page_is_chinese_with_links_home_and_to_contacts(built_site, sources, root, site_model):
    page = head(built_site / "404.html")
    assert page.lang and page.lang.startswith("zh")
    assert "页面不存在" in page.h1
    base = urlsplit(config_value(root, "site_url")).path.rstrip("/") + "/"
    current = site_model.current.key
    contacts_title = front_matter(root / "docs" / current / "contacts.md")["title"]
    editions_title = front_matter(root / "docs" / "editions.md")["title"]
    links = [(href[len(base):], text) for href, text in page.article_anchors if href.startswith(base)]
    assert any(rel == "" and "首页" in text for rel, text in links), links
    # The current edition's contacts, and 历年通知 for an old year's address.
    assert any(rel == f"{current}/contacts/" and contacts_title in text for rel, text in links), links
    assert any(rel == "editions/" and editions_title in text for rel, text in links), links
    for rel, _ in links:
        assert (built_site / rel / "index.html").is_file(), rel
    title = re.search(r"<title>(.*?)</title>", (built_site / "404.html").read_text(encoding="utf-8"), re.S).group(1)
    assert "页面不存在" in title
