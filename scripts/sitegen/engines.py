"""The build engines that read ``mkdocs.yml``: MkDocs (the default), ProperDocs, Zensical.

MkDocs 1.6 + Material 9 is the default install (requirements.txt) and runs in
this process. The other two are each pinned in ``engines/<name>.txt`` and
installed by the Makefile into ``.venv-<name>``; they run as a subprocess on
the Markdown our generator has already written, so every engine builds the
same pages:

- ProperDocs (a fork of MkDocs 1.6) runs our hook like MkDocs does;
- Zensical runs no MkDocs hooks, so what the hook adds to the configuration
  (the navigation, the site name, the 404 page's links) is written into a
  configuration file made for it from ``mkdocs.yml`` (``engine_config``).

Whatever the engine, ``build.py`` then checks and finishes the built folder
the same way (``finish_site`` here, then the engine-independent post-build).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from .errors import BuildError
from .generate import NAV_FILE, ROOT

DEFAULT = "mkdocs"
ENGINES = ("mkdocs", "properdocs", "zensical")
# Engines that run scripts/hooks.py themselves.
WITH_HOOKS = {"mkdocs", "properdocs"}
# The search index (Pagefind, written after every engine) is checked in build.check_output.


def chosen(engine: str | None = None) -> str:
    """The engine asked for (default: MkDocs), checked."""
    name = (engine or DEFAULT).strip().lower()
    if name not in ENGINES:
        raise BuildError(f"未知的构建引擎 ENGINE={name}：可选 {' / '.join(ENGINES)}")
    return name


def executable(engine: str, venvs: Path = ROOT) -> Path:
    """``.venv-<engine>/bin/<engine>``, which ``make site ENGINE=<engine>`` installs from engines/<engine>.txt."""
    path = Path(venvs) / f".venv-{engine}" / "bin" / engine
    if not path.is_file():
        raise BuildError(
            f"构建引擎 {engine} 未安装（找不到 {path}）：运行 make site ENGINE={engine}，"
            f"Makefile 会按 engines/{engine}.txt 装好它"
        )
    return path


def page_url(src: str) -> str:
    """The directory URL of a source page below the docs root: <year>/contacts.md → <year>/contacts/, index.md → ''."""
    stem = src[: -len(".md")] if src.endswith(".md") else src
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
        return stem
    return stem + "/"


def nav_items(nav: list) -> list[tuple[str, str]]:
    """(title, source path) of every page in the generator's navigation, in order."""
    items: list[tuple[str, str]] = []
    for entry in nav:
        if isinstance(entry, str):
            items.append(("", entry))
        elif isinstance(entry, dict):
            for title, value in entry.items():
                if isinstance(value, list):
                    items += nav_items(value)
                else:
                    items.append((title, value))
    return items


def not_found_links(nav: list, site_url: str | None) -> dict[str, str]:
    """The 404 page's links (overrides/404.html): the home page, 历年通知, the current edition's contacts page.

    The 404 page is served at any depth, so the links start from the server
    root: the path of site_url (/kjgzzr/), the same on every engine.
    """
    from urllib.parse import urlsplit

    base = urlsplit(site_url or "/").path.rstrip("/") + "/"
    links: dict[str, str] = {}
    for title, src in nav_items(nav):
        if src == "index.md" and "home" not in links:
            links["home"] = base
        elif src == "editions.md" and "editions" not in links:
            links["editions"] = base + page_url(src)
        elif src.endswith("/contacts.md") and "contacts" not in links:  # the current edition comes first
            links["contacts"], links["contacts_title"] = base + page_url(src), title
    return links


def read_nav(docs_dir: Path) -> list:
    nav_file = Path(docs_dir) / NAV_FILE
    return json.loads(nav_file.read_text(encoding="utf-8")) if nav_file.is_file() else []


# Top-level keys of mkdocs.yml that engine_config() writes itself (for an engine without hooks: all of them).
_REPLACED = ("docs_dir", "site_dir")
_REPLACED_NO_HOOKS = _REPLACED + ("nav", "site_name", "site_description", "site_author", "extra")


def engine_config(root: Path, docs_dir: Path, site_dir: Path, engine: str, target: Path | None = None) -> Path:
    """A copy of ``mkdocs.yml`` for one build, beside it (relative paths in it stay right).

    It names the folders of this build, and for an engine without hooks it
    also holds what scripts/hooks.py would have set: the navigation, the site
    name and description from data/site.yaml, and the 404 page's links. The
    caller removes the file after the build.
    """
    from .load import load_site

    root = Path(root)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    lines, skipping = [], False
    for line in text.splitlines():
        key = re.match(r"([a-z_]+):", line)
        if key:
            skipping = key.group(1) in (_REPLACED if engine in WITH_HOOKS else _REPLACED_NO_HOOKS)
        elif line and not line[0].isspace() and not line.startswith("#"):
            skipping = False
        if not skipping:
            lines.append(line)
    extra = _top_level_mapping(text, "extra") if engine not in WITH_HOOKS else {}
    added = {"docs_dir": _from(root, docs_dir), "site_dir": _from(root, site_dir)}
    if engine not in WITH_HOOKS:
        nav = read_nav(docs_dir)
        info = load_site(root).info
        added |= {
            "site_name": info.name,
            "site_description": info.description,
            "site_author": info.office.name,
            "nav": nav,
        }
        extra["not_found"] = not_found_links(nav, _top_level_scalar(text, "site_url"))
    if extra:
        added["extra"] = extra
    body = "\n".join(lines).rstrip() + "\n\n# Written for this build by scripts/sitegen/engines.py.\n"
    body += "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in added.items())
    if target is not None:
        target.write_text(body, encoding="utf-8")
        return target
    handle, name = tempfile.mkstemp(prefix=f".sitegen-{engine}-", suffix=".yml", dir=root)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(body)
    return Path(name)


def serve_config(root: Path, engine: str) -> Path:
    """For ``make serve ENGINE=zensical``: a configuration beside mkdocs.yml that serves build/docs.

    The preview is built into build/serve-site, never into site/.
    """
    root = Path(root)
    return engine_config(root, root / "build" / "docs", root / "build" / "serve-site", chosen(engine),
                         target=root / f".sitegen-{engine}.yml")


def _from(root: Path, path: Path) -> str:
    """``path`` relative to the project root when it is inside (Zensical panics on absolute ones), else absolute."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def _top_level_scalar(text: str, key: str) -> str | None:
    match = re.search(rf"^{key}:[ \t]*(\S.*?)[ \t]*$", text, re.M)
    return match.group(1).strip("'\"") if match else None


def _top_level_mapping(text: str, key: str) -> dict:
    """``key:`` of mkdocs.yml as plain data (mkdocs.yml holds a Python tag elsewhere, so not the whole file)."""
    import yaml

    match = re.search(rf"^{key}:\n((?:[ \t]+.*\n|\n)*)", text, re.M)
    if not match:
        return {}
    return yaml.safe_load(f"{key}:\n{match.group(1)}").get(key) or {}


def run_engine(engine: str, root: Path, docs_dir: Path, site_dir: Path) -> None:
    """Build ``docs_dir`` (already generated) into ``site_dir`` with ProperDocs or Zensical, in their own venv."""
    import shutil

    program = executable(engine)
    # Zensical reads and writes only inside the project: the pages are copied
    # into build/, built there, and the result is moved to site_dir.
    inside = Path(tempfile.mkdtemp(prefix=".engine-", dir=_build_folder(root))) if engine == "zensical" else None
    if inside is not None:
        shutil.copytree(docs_dir, inside / "docs")
        source_relative_links(inside / "docs")
        config = engine_config(root, inside / "docs", inside / "site", engine)
    else:
        config = engine_config(root, docs_dir, site_dir, engine)
    try:
        command = [str(program), "build", "-f", str(config), "--strict"]
        env = os.environ | {
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
            # ProperDocs runs our hook: it leaves the search index and the CSP to build.post_build.
            "SITEGEN_SEARCH_INDEX": "later",
        }
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
        if inside is not None and done.returncode == 0:
            shutil.move(str(inside / "site"), str(site_dir))
    finally:
        config.unlink(missing_ok=True)
        if inside is not None:
            shutil.rmtree(inside, ignore_errors=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BuildError(f"{engine} 构建失败（exit {done.returncode}）：\n{tail}")


# A URL in raw HTML: href="…" or src="…", in the pages the generator wrote.
_HTML_URL = re.compile(r'\b(href|src)="([^"]*)"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def source_relative_links(docs_dir: Path) -> int:
    """Rewrite relative URLs in raw HTML from "relative to the page's URL" to "relative to its source file".

    MkDocs leaves raw HTML alone, so the generator (the |url filter) and the
    pages write links from where a page is served: <year>/howto.md is served at
    <year>/howto/, and a link to <year>/downloads/x.docx is ../downloads/x.docx.
    Zensical resolves every relative link, raw HTML too, from the source file
    (<year>/) and then writes it from the page's URL, so the same link would end
    one level off. This pass gives Zensical the links in the form it expects
    (downloads/x.docx); the built pages then link to the same places on both.
    Returns the number of links changed.
    """
    import posixpath
    from urllib.parse import urlsplit

    changed = 0
    docs_dir = Path(docs_dir)
    for path in sorted(docs_dir.rglob("*.md")):
        page = path.relative_to(docs_dir).as_posix()
        source_dir = posixpath.dirname(page)
        name = posixpath.basename(page)
        served = source_dir if name == "index.md" else posixpath.join(source_dir, name[: -len(".md")])

        def rewrite(match: re.Match) -> str:
            nonlocal changed
            attr, url = match.groups()
            if not url or url.startswith(("#", "/", "{")) or _SCHEME.match(url):
                return match.group(0)
            parts = urlsplit(url)
            target = posixpath.normpath(posixpath.join(served, parts.path)) if parts.path else served
            if target.startswith(".."):
                return match.group(0)  # outside the site: not ours to change
            rel = posixpath.relpath(target or ".", source_dir or ".")
            if parts.path.endswith("/") or not parts.path:
                rel = "./" if rel == "." else rel.rstrip("/") + "/"
            new = rel + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
            if new != url:
                changed += 1
            return f'{attr}="{new}"'

        text = path.read_text(encoding="utf-8")
        new_text = _HTML_URL.sub(rewrite, text)
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
    return changed


def _build_folder(root: Path) -> Path:
    folder = Path(root) / "build"
    folder.mkdir(exist_ok=True)
    return folder


def finish_site(site_dir: Path, engine: str) -> None:
    """Make what differs between engines the same: the sitemap's <lastmod> (Zensical writes none).

    MkDocs dates every page with SOURCE_DATE_EPOCH (build.py sets it from git);
    the same date is added where an engine left it out.
    """
    sitemap = Path(site_dir) / "sitemap.xml"
    if not sitemap.is_file() or "<lastmod>" in (text := sitemap.read_text(encoding="utf-8")):
        return
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return
    day = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    text = re.sub(r"(</loc>)(\s*)(</url>)", rf"\1\2  <lastmod>{day}</lastmod>\2\3", text)
    sitemap.write_text(text, encoding="utf-8")
    gz = sitemap.with_suffix(".xml.gz")
    if gz.exists() or engine == "zensical":
        import gzip

        with open(gz, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=int(epoch)) as out:
            out.write(text.encode("utf-8"))
