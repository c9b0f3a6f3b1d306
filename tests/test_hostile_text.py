"""Hostile and odd text in data/ is shown literally everywhere it goes.

tests/fixtures/hostile/overrides.yaml lists values with HTML (``<script>``,
``<img onerror>``), entities, Markdown and Jinja control characters, very
long text, full- and half-width punctuation and emoji, each for one field of
one edition's files (data/<year>/) or of data/site.yaml.
They are written over a copy of the real data, the site is built, and then:
the pages show each value as text, with no element, attribute or table cell
more than the normal build; the search index holds them escaped; and the
Word and PDF sample tables, the calendars and the vCards read back the very
same characters.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import subprocess
import threading
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from yaml.nodes import ScalarNode

from conftest import copy_project
from sitegen.build import build_site
from sitegen.load import load_edition, load_site

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "overrides.yaml"
OVERRIDES: dict[str, dict[str, str]] = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
VALUES = [(f"{name}:{path}", value) for name, fields in OVERRIDES.items() for path, value in fields.items()]
# The edition whose files the overrides change (their keys are paths below data/: 2021/stages.yaml).
(EDITION,) = {name.split("/")[0] for name in OVERRIDES if "/" in name}


def edition_data(project: Path):
    """The hostile edition as the build loads it."""
    return load_edition(project / "data" / EDITION, project)
EXECUTABLE = {None, "", "text/javascript", "module", "application/javascript"}


# ---------------------------------------------------------------------------
# The hostile data set: the real files with the listed fields replaced.


def _step(node, part: str):
    if part.startswith("["):
        return node.value, int(part[1:-1])
    for index, (key, _) in enumerate(node.value):
        if key.value == part:
            return node.value, index
    raise KeyError(f"{part} not found: fix tests/fixtures/hostile/overrides.yaml")


def write_overrides(data_dir: Path) -> None:
    """Replace values in the YAML node tree, so everything else stays exactly as written."""
    for name, fields in OVERRIDES.items():
        path = data_dir / name
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        literals = {}
        for number, (field, value) in enumerate(fields.items()):
            parts = re.findall(r"[^.\[\]]+|\[\d+\]", field)
            node = root
            for part in parts[:-1]:
                container, index = _step(node, part)
                node = container[index] if part.startswith("[") else container[index][1]
            token = f"HOSTILE{number}VALUE"
            literals[token] = json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
            container, index = _step(node, parts[-1])
            new = ScalarNode("tag:yaml.org,2002:str", token)
            container[index] = new if parts[-1].startswith("[") else (container[index][0], new)
        text = yaml.serialize(root, allow_unicode=True, width=10_000)
        for token, literal in literals.items():
            text = text.replace(token, literal)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    write_overrides(project / "data")
    site = build_site(project, project / "site", drafts=True)  # every edition, as built_site has them
    return project, site


# ---------------------------------------------------------------------------
# Reading pages back.


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.tables: list[list[int]] = []
        self._text: list[str] = []
        self._script: tuple[dict, list[str]] | None = None
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "script":
            self._script = (attrs, [])
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append(0)
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self.tables[-1][-1] += int(attrs.get("colspan") or 1)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        if not self._skip:
            self._text.append(data)

    @property
    def text(self) -> str:
        return squash("".join(self._text))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def no_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(site: Path) -> dict[str, Page]:
    return {p.relative_to(site).as_posix(): Page(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def hostile_pages(hostile):
    return pages(hostile[1])


@pytest.fixture(scope="module")
def normal_pages(built_site):
    return pages(built_site)


# ---------------------------------------------------------------------------
# Pages.


def test_hostile_data_loads_with_every_value_intact(hostile):
    project, _ = hostile
    load_site(project)  # valid data: every value is allowed
    for name, fields in OVERRIDES.items():
        written = yaml.safe_load((project / "data" / name).read_text(encoding="utf-8"))
        for field, value in fields.items():
            node = written
            for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
                node = node[int(part[1:-1])] if part.startswith("[") else node[part]
            assert node == value, f"{name}:{field}"


@pytest.mark.parametrize("where,value", VALUES, ids=[w for w, _ in VALUES])
def test_value_is_shown_literally_on_the_pages(hostile_pages, where, value):
    shown_on = [path for path, page in hostile_pages.items() if squash(value) in page.text]
    assert shown_on, f"{where}: {value!r} is not shown literally on any page"


def test_pages_have_the_same_elements_as_the_normal_build(hostile_pages, normal_pages):
    """Markup in data creates no element: every page has exactly the normal build's tags."""
    assert sorted(hostile_pages) == sorted(normal_pages)
    for path, page in hostile_pages.items():
        hostile_tags = Counter(tag for tag, _ in page.elements)
        normal_tags = Counter(tag for tag, _ in normal_pages[path].elements)
        assert hostile_tags == normal_tags, f"{path}: extra {hostile_tags - normal_tags}, missing {normal_tags - hostile_tags}"


def test_no_event_handlers_injected_images_or_script_links(hostile_pages):
    for path, page in hostile_pages.items():
        for tag, attrs in page.elements:
            handlers = [name for name in attrs if name.startswith("on")]
            assert not handlers, f"{path}: <{tag}> has {handlers}"
            assert not (tag == "img" and attrs.get("src") in ("x", "x.png")), f"{path}: injected <img>"
            href = (attrs.get("href") or "").strip().lower()
            assert not href.startswith("javascript:") and "evil.example" not in href, f"{path}: injected link {href}"


def test_scripts_are_only_the_sites_own(hostile_pages, normal_pages):
    for path, page in hostile_pages.items():
        for attrs, body in page.scripts:
            if attrs.get("type") in EXECUTABLE:
                assert "alert(1)" not in body, f"{path}: data ended up in executable script"
            elif "json" in (attrs.get("type") or ""):
                json.loads(body)  # embedded data stays valid JSON, closed tags escaped
                assert "</script" not in body.lower()
        sources = sorted(a.get("src") or "" for a, _ in page.scripts)
        assert sources == sorted(a.get("src") or "" for a, _ in normal_pages[path].scripts), path


def test_tables_keep_their_columns(hostile_pages, normal_pages):
    """'|' and long text break no table: every row has the same number of cells as in the normal build."""
    for path, page in hostile_pages.items():
        assert page.tables == normal_pages[path].tables, path


def test_embedded_timeline_data_holds_the_literal_text(hostile):
    project, site = hostile
    data = edition_data(project)
    hostile_what = data.deadlines[0].what
    assert hostile_what == OVERRIDES[f"{EDITION}/stages.yaml"]["deadlines[0].what"]
    page = Page((site / EDITION / "timeline" / "index.html").read_text(encoding="utf-8"))
    decoded = [json.loads(body) for attrs, body in page.scripts if "json" in (attrs.get("type") or "")]
    assert decoded, "timeline page embeds no JSON data"
    assert hostile_what in json.dumps(decoded, ensure_ascii=False)


def test_search_index_holds_the_text_as_text(hostile):
    """Pagefind stores the page's text: the hostile value is there as the letters a reader sees, once
    unescaped, never as markup (assets/search.js escapes what it shows but Pagefind's <mark>)."""
    from sitegen.search import read_index

    text = " ".join(p["content"] + p["meta"].get("title", "") for p in read_index(hostile[1]))
    assert "<script>alert(1)</script>" in html.unescape(text)
    assert "<script>alert(1)" not in text and "<img src=x" not in text  # Pagefind stores it escaped; its excerpts are HTML


# ---------------------------------------------------------------------------
# Downloads: read back with the libraries and tools a reader's software uses.


def downloads(site: Path, suffix: str) -> list[Path]:
    found = sorted((site / EDITION / "downloads").glob(f"*{suffix}"))
    assert found, f"no {suffix} download was built"
    return found


def form_values(project: Path) -> list[str]:
    """Every hostile value that the sample table prints: form.yaml and module names.

    Stage names are not printed: each activity caption leaves 所属阶段 blank.
    """
    values = list(OVERRIDES[f"{EDITION}/form.yaml"].values())
    data = edition_data(project)
    values += [m.name for m in data.modules]
    return values


def test_docx_sample_table_shows_the_values(hostile):
    import docx

    project, site = hostile
    (path,) = downloads(site, ".docx")
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    text = no_space("\n".join(parts))
    for value in form_values(project):
        assert no_space(value) in text, f"DOCX lacks {value!r}"


def test_pdf_sample_table_shows_the_values(hostile):
    project, site = hostile
    (path,) = downloads(site, ".pdf")
    extracted = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = no_space(extracted)
    for value in form_values(project):
        assert no_space(value) in text, f"PDF lacks {value!r} (a missing glyph extracts as another character)"


def test_calendars_carry_the_values(hostile):
    import icalendar

    project, site = hostile
    data = edition_data(project)
    texts = []
    for path in downloads(site, ".ics"):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        for event in calendar.walk("VEVENT"):
            texts += [str(event.get("SUMMARY", "")), str(event.get("DESCRIPTION", ""))]
    text = "\n".join(texts)
    expected = [data.stages[0].name, data.stages[0].focus, data.deadlines[0].what, data.deadlines[1].note, data.document.theme]
    for value in expected:
        assert value in text, f"calendar lacks {value!r}"


def test_vcards_carry_the_values(hostile):
    import vobject

    project, site = hostile
    contact = edition_data(project).contacts[0]
    cards = [card for path in downloads(site, ".vcf") for card in vobject.readComponents(path.read_text(encoding="utf-8"))]
    card = next(c for c in cards if contact.organization in c.org.value)
    assert card.org.value[:2] == [contact.organization, contact.department]
    assert card.fn.value == contact.people[0] and card.n.value.family == contact.people[0]
    assert contact.purpose in card.note.value


def test_download_names_are_safe_file_names(hostile, hostile_pages):
    """Names from hostile data (<, >, /, |, \\, *) are saved under a name every phone accepts."""
    found = [attrs["download"] for page in hostile_pages.values() for tag, attrs in page.elements
             if tag == "a" and attrs.get("download")]
    assert len(found) >= 5
    for name in found:
        assert not set(name) & set('\\/:*?"<>|'), name


# ---------------------------------------------------------------------------
# Long text on a phone.


@pytest.mark.browser
def test_long_values_do_not_widen_pages_on_a_phone(hostile, hostile_pages, browser):
    site = hostile[1]

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        for path in hostile_pages:
            # The site-wide pages and the hostile edition's pages.
            if path.endswith("index.html") and (path.count("/") <= 1 or path.startswith(f"{EDITION}/")):
                url = f"http://127.0.0.1:{httpd.server_address[1]}/{path.removesuffix('index.html')}"
                page.goto(url)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"{path} is {width} px wide at 390 px"
        page.close()
    finally:
        httpd.shutdown()
