"""Every internal link and #anchor in the built site resolves.

The crawl reads every HTML file of the built site and checks each href and
src (a, link, script, img, source, iframe, form action) that points into the
site: relative URLs, root-relative URLs under the site's published path (the
404 page uses those) and absolute URLs on the site's own address. A target
must be a file of the built site (a folder means its index.html); a
#fragment must be the id (or <a name>) of an element of the target page.
Other schemes (mailto:, tel:, data:, javascript:) and other hosts are not
followed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

URL_ATTRS = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src", "source": "src",
             "iframe": "src", "form": "action", "audio": "src", "video": "src", "track": "src"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        name = URL_ATTRS.get(tag)
        if name and attrs.get(name):
            self.urls.append((tag, attrs[name]))
        if tag in ("img", "source") and attrs.get("srcset"):
            for part in attrs["srcset"].split(","):
                if part.strip():
                    self.urls.append((tag, part.split()[0]))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def site_url(root: Path) -> str:
    found = re.search(r"^site_url:\s*(\S+)", (root / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert found
    return found.group(1).rstrip("/") + "/"


class Crawl:
    def __init__(self, site_dir: Path, base: str):
        self.site_dir = site_dir
        self.base = base
        self.base_path = urlsplit(base).path
        self.pages: dict[Path, Page] = {}

    def page(self, path: Path) -> Page:
        if path not in self.pages:
            self.pages[path] = parse(path)
        return self.pages[path]

    def page_url(self, path: Path) -> str:
        return self.base + path.relative_to(self.site_dir).as_posix()

    def resolve(self, page_path: Path, url: str) -> tuple[Path | None, str] | None:
        """(target file or None if missing, fragment) for an internal URL; None for external ones."""
        absolute = urljoin(self.page_url(page_path), url)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not absolute.startswith(self.base):
            return None
        rel = unquote(parts.path)[len(self.base_path):]
        target = self.site_dir / rel
        if rel == "" or rel.endswith("/") or target.is_dir():
            target = target / "index.html"
        return (target if target.is_file() else None), unquote(parts.fragment)

    def problems(self) -> list[str]:
        found = []
        for html in sorted(self.site_dir.rglob("*.html")):
            rel = html.relative_to(self.site_dir).as_posix()
            for tag, url in self.page(html).urls:
                resolved = self.resolve(html, url)
                if resolved is None:
                    continue
                target, fragment = resolved
                if target is None:
                    found.append(f"{rel}: <{tag}> {url} → no such file")
                elif fragment and target.suffix == ".html" and fragment not in self.page(target).ids:
                    found.append(f"{rel}: <{tag}> {url} → no element with id “{fragment}” in {target.relative_to(self.site_dir)}")
        return found

    def link_count(self) -> int:
        return sum(
            1 for html in self.site_dir.rglob("*.html") for _, url in self.page(html).urls if self.resolve(html, url)
        )


@pytest.fixture(scope="module")
def crawl(built_site, root) -> Crawl:
    return Crawl(built_site, site_url(root))


def test_every_internal_link_and_anchor_resolves(crawl):
    assert crawl.problems() == []
    assert crawl.link_count() > 100  # the crawl did follow the site's links


def test_the_404_page_links_resolve_under_the_published_path(crawl, built_site):
    page = crawl.page(built_site / "404.html")
    internal = [u for _, u in page.urls if crawl.resolve(built_site / "404.html", u)]
    assert any(u.startswith(crawl.base_path) for u in internal)  # root-relative, served at any depth


def test_the_crawl_finds_broken_links_and_anchors(tmp_path, root):
    """The checker itself fails on a missing page and on a missing anchor."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="missing/">x</a><a href="a/#nowhere">x</a>'
        '<a href="mailto:x@example.com">m</a><a href="https://example.com/">e</a>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">h</h2><a href="../#top">x</a>', encoding="utf-8")
    problems = Crawl(tmp_path, site_url(root)).problems()
    assert len(problems) == 3, problems
    assert any("missing/" in p for p in problems)
    assert any("nowhere" in p for p in problems)
    assert any("#top" in p for p in problems)
