"""Post-build steps on the built HTML, for every engine (issue 12, item 6).

``apply_csp(site_dir)`` gives every page of a built site a
Content-Security-Policy that allows only the site itself, and a referrer
policy. It reads nothing but the HTML files, so it works the same on the
output of MkDocs, ProperDocs and Zensical. ``scripts/sitegen/build.py``
runs it as the *last* step on the built folder (after anything else that
rewrites HTML: a changed inline script needs a new hash). The MkDocs hook
runs ``secure_page`` on each page as it is written as well, so ``mkdocs
build`` / ``mkdocs serve`` pages have the policy too; both calls replace the
policy this module wrote before, so a page never gets two.

The policy is a ``<meta http-equiv="Content-Security-Policy">`` (GitHub
Pages sends no headers of ours), placed right after ``<meta charset>``,
before any script, style sheet or image:

* ``script-src 'self'`` plus the SHA-256 of each inline ``<script>`` of
  that page, computed here; no ``'unsafe-inline'``, so inline event
  attributes (``onclick=…``) and ``javascript:`` links cannot run either:
  the build refuses pages that have them.
* style sheets: ``style-src-elem`` allows the site's files and the hash of
  each ``<style>`` element; style *attributes* stay allowed
  (``style-src-attr 'unsafe-inline'``): Markdown tables write
  ``style="text-align: …"`` for aligned columns. Browsers without the
  ``-elem``/``-attr`` directives (iOS before 15.4) fall back to
  ``style-src 'self' 'unsafe-inline'``.
* ``img-src 'self' data:``: the favicon and the theme's icons in CSS are
  ``data:`` URIs.
* ``worker-src 'self'``: the theme's search worker.
* ``'wasm-unsafe-eval'`` in script-src only when the site has a
  ``pagefind/`` folder (Pagefind's search is WebAssembly).
* ``frame-ancestors`` is left out: browsers ignore it in a ``<meta>`` (and
  log an error saying so).

Policy and referrer are deterministic: the same HTML gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import BuildError

# Directive → sources, in the order written. Extend here (one line per
# directive); page-specific hashes are appended by ``policy()``.
POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'", "'unsafe-inline'"),
    "style-src-elem": ("'self'",),
    "style-src-attr": ("'unsafe-inline'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "worker-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
}
# Added when the built site has this folder: what the tool in it needs.
SITE_FEATURES: dict[str, dict[str, tuple[str, ...]]] = {
    "pagefind": {"script-src": ("'wasm-unsafe-eval'",)},
}
# The same policy on every engine: nothing here depends on which one built
# the site. (Zensical's own search dialog made a <style> at run time, which
# no hash can name; its header now opens the site's own dialog,
# overrides/partials/site-search.html, so no engine needs inline styles.)

# No referrer to other sites: the site has no use for telling them which page
# (or which search, ?h=…) a reader came from; links within the site keep theirs.
REFERRER = "same-origin"

CSP_META = '<meta http-equiv="Content-Security-Policy" content="{}">'
REFERRER_META = f'<meta name="referrer" content="{REFERRER}">'
# Exactly what this module writes (and nothing else), so a second run replaces it.
_OURS = re.compile(
    r'<meta http-equiv="Content-Security-Policy" content="[^"<>]*">\n?'
    + "|" + re.escape(REFERRER_META) + r"\n?"
)

# The HTML standard's JavaScript MIME types; any other type="…" is a data
# block (the theme's __config, our site-live-data), which CSP does not govern.
_JS_TYPES = {
    "", "module", "text/javascript", "application/javascript", "application/ecmascript",
    "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/javascript1.0",
    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
    "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript",
}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href"}


@dataclass
class Inline:
    kind: str  # "script" or "style"
    text: str  # exactly the characters between the tags
    line: int

    @property
    def source(self) -> str:
        return sha256_source(self.text)

    @property
    def directive(self) -> str:
        return "script-src" if self.kind == "script" else "style-src-elem"

    def allowed_by(self, sources) -> bool:
        """Whether a directive with these sources lets this element run: its hash, or (styles only) 'unsafe-inline'."""
        return self.source in sources or (self.kind == "style" and "'unsafe-inline'" in sources)


@dataclass
class Scan:
    inline: list[Inline] = field(default_factory=list)
    handlers: list[tuple[int, str]] = field(default_factory=list)  # (line, 'onclick="…"')
    insert_at: int | None = None  # offset just after <meta charset> or <head>
    first_resource: int | None = None  # offset of the first <script>/<style>/<link>/<img>…


def sha256_source(text: str) -> str:
    """The CSP source for an inline element's text, as the browser hashes it.

    The browser hashes the element's text after the HTML parser's newline
    normalisation (CR LF and lone CR become LF), encoded as UTF-8.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalised.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _Scanner(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.scan = Scan()
        self._open: tuple[str, int, int] | None = None  # kind, content start, line
        self._head_end: int | None = None
        self._body = False

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype") and self.scan.insert_at is None:
            self.scan.insert_at = self._pos() + len(decl) + 3  # <!doctype html>: a page, its <head> implied

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        start = self._pos()
        end = start + len(self.get_starttag_text() or "")
        names = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            if name.startswith("on"):
                self.scan.handlers.append((line, f'{name}="{(value or "")[:40]}"'))
            elif name in _URL_ATTRS and (value or "").strip().lower().startswith("javascript:"):
                self.scan.handlers.append((line, f'{name}="{value[:40]}"'))
        if tag in ("script", "style", "link", "img", "iframe", "object", "embed", "base") and self.scan.first_resource is None:
            self.scan.first_resource = start
        if tag == "head" and self._head_end is None:
            self._head_end = end
            self.scan.insert_at = end
        elif tag == "meta" and "charset" in names and self.scan.first_resource is None and not self._body:
            self.scan.insert_at = end
        elif tag == "html" and self.scan.insert_at is None:
            self.scan.insert_at = end  # no <head> tag (yet): the parser implies one here
        elif tag == "body":
            self._body = True
        if tag == "script" and "src" not in names and (names.get("type") or "").strip().lower() in _JS_TYPES:
            self._open = ("script", end, line)
        elif tag == "style":
            self._open = ("style", end, line)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            kind, start, line = self._open
            self.scan.inline.append(Inline(kind, self.html[start:self._pos()], line))
            self._open = None


def scan_page(html: str) -> Scan:
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    return scanner.scan


def policy(scan: Scan, features: tuple[str, ...] = ()) -> str:
    """The policy for one page: the table, the site's features, the page's hashes."""
    table = {k: list(v) for k, v in POLICY.items()}
    for feature in features:
        for directive, sources in SITE_FEATURES[feature].items():
            table[directive].extend(s for s in sources if s not in table[directive])
    for item in scan.inline:
        if not item.allowed_by(table[item.directive]):
            table[item.directive].append(item.source)
    return "; ".join(f"{k} {' '.join(v)}" for k, v in table.items())


def secure_page(html: str, features: tuple[str, ...] = (), name: str = "") -> str:
    """``html`` with this module's CSP and referrer meta (replacing any it wrote before).

    Raises BuildError for inline event attributes or ``javascript:`` links,
    which the policy would block. A file that is not a page (no doctype,
    <html>, <head> or <meta charset>) comes back unchanged.
    """
    html = _OURS.sub("", html)
    scan = scan_page(html)
    where = name or "页面"
    if scan.handlers:
        found = "；".join(f"{attr}（生成的网页第 {line} 行）" for line, attr in scan.handlers)
        raise BuildError(
            f"{where} 含有内联事件属性或 javascript: 链接：{found}。本站的内容安全策略不允许，"
            "浏览器不会执行；请删去，把脚本写进 docs/assets/js/ 里的文件。"
        )
    if scan.insert_at is None:
        return html
    at = scan.insert_at
    if scan.first_resource is not None and scan.first_resource < at:
        raise BuildError(f"{where} 在 <head> 之前就有脚本或样式，无法在它们之前加上内容安全策略")
    tags = "\n" + CSP_META.format(policy(scan, features)) + "\n" + REFERRER_META
    return html[:at] + tags + html[at:]


# ---------------------------------------------------------------- theme markup

# Markup the themes write outside any template block that the W3C checker
# refuses (tests/test_html_valid.py), mended the same way on every engine's
# pages: the MkDocs hook as each page is written (scripts/hooks.py), and
# build.post_build on the finished site, which is how Zensical's pages (no
# hooks) get it. Each change only removes an attribute.
# - autocomplete="off" on the two checkbox toggles: HTML allows it on text-like inputs only.
_TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle"[^>]*?) autocomplete="off"')
# - Zensical's aria-hidden on the drawer overlay's <label for="__drawer">: not allowed on a
#   label of a form control (Material writes the label without it).
_OVERLAY_HIDDEN = re.compile(r'(<label class="md-overlay" for="__drawer") aria-hidden="true"')
# - A page outside the navigation (the current edition's home: the site root is
#   its copy in the nav) has no table-of-contents toggle, yet the theme still
#   writes the toggle's <label for="__toc">: the for goes.
_TOC_LABEL = '<label class="md-nav__title" for="__toc">'


def mend_theme_markup(html: str) -> str:
    """``html`` without the theme's invalid attributes listed above (the same page when it has none)."""
    html = _TOGGLE_AUTOCOMPLETE.sub(r"\1", html)
    html = _OVERLAY_HIDDEN.sub(r"\1", html)
    if 'id="__toc"' not in html:
        html = html.replace(_TOC_LABEL, '<label class="md-nav__title">')
    return html


def mend_site(site_dir: Path) -> None:
    """:func:`mend_theme_markup` on every page of a built site."""
    for path in sorted(Path(site_dir).rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        mended = mend_theme_markup(html)
        if mended != html:
            path.write_text(mended, encoding="utf-8", newline="")


# ---------------------------------------------------------------- the site

def site_features(site_dir: Path) -> tuple[str, ...]:
    return tuple(name for name in SITE_FEATURES if (Path(site_dir) / name).is_dir())


def apply_csp(site_dir: Path) -> None:
    """Give every HTML page under ``site_dir`` its CSP; run after every other step that changes HTML.

    The same on every engine's output.
    """
    site_dir = Path(site_dir)
    features = site_features(site_dir)
    for path in sorted(site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        secured = secure_page(html, features, name=path.relative_to(site_dir).as_posix())
        if secured != html:
            path.write_text(secured, encoding="utf-8", newline="")


def check_page(html: str) -> list[str]:
    """What is wrong with a page's CSP: missing, too late, or an inline script/style whose hash is not in it."""
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    if len(found) != 1:
        return [f"{len(found)} CSP meta tags (want 1)"]
    scan = scan_page(_OURS.sub("", html))
    problems = []
    meta_at = html.index('<meta http-equiv="Content-Security-Policy"')
    if re.search(r"<(script|style|link|img)\b", html[:meta_at], re.I):
        problems.append("a script, style or image comes before the CSP meta")
    directives = dict((d.split(" ", 1) + [""])[:2] for d in found[0].split("; "))
    for item in scan.inline:
        if not item.allowed_by(directives.get(item.directive, "").split()):
            problems.append(f"inline <{item.kind}> at line {item.line} is not in {item.directive}: {item.text[:60]!r}")
    if "'unsafe-inline'" in directives.get("script-src", ""):
        problems.append("script-src allows 'unsafe-inline'")
    return problems
