"""Post-build speed pass (issue 11 item 9): first paint without waiting for the theme's script or unused CSS.

Run by :func:`sitegen.build.build_site` on the finished MkDocs output, before
any later pass that fingerprints the pages (a Content-Security-Policy pass
hashes inline scripts: this pass adds and changes no inline script or style,
so it may run before or after it, but runs first by convention).

Three changes; the first two to files the theme wrote:

1. **The theme's stylesheet keeps only the rules this site can use.**
   Material's ``main.*.min.css`` (137 KB, render-blocking) styles every
   feature of the theme. A rule is dropped when one of its selectors' class
   names or ids appears nowhere the site could put it: in no page's HTML and
   in no JavaScript file of the site (the theme's bundle builds search results,
   tooltips and the like from class names written as strings in it, so they
   count as used). Selectors inside ``:is()``, ``:where()``, ``:not()`` and
   ``:has()`` are never the reason a rule goes. Custom properties
   (``--md-…``) that nothing reads with ``var()`` go as well (mostly icons of
   admonition types the site does not use). The result is written under a new
   content-hashed name and every page is pointed at it; the source map, which
   no longer matches, is removed.
2. **The theme's script and ours are ``defer``.** They stand at the end of
   ``<body>`` already, so the order of execution is unchanged (deferred
   scripts run in document order, before ``DOMContentLoaded``); only the first
   paint no longer waits for them to download.
3. **Our own script and stylesheet bundles are minified** (:data:`MINIFIED`,
   with rjsmin / rcssmin through minify.py): the sources in docs/assets/ keep
   their comments, which made up a third of what readers downloaded.

All are deterministic: the same site gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import tinycss2

from . import minify

# Functional pseudo-classes whose argument never makes a rule unused.
_LENIENT = {"is", "where", "not", "has", "matches", "-webkit-any", "-moz-any", "host", "host-context", "slotted"}
_BLOCK_AT_RULES = {"media", "supports", "layer", "container", "document"}
_CLASS_ATTR = re.compile(r'\bclass\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))', re.I)
_ID_ATTR = re.compile(r'\bid\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s>]+))', re.I)
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_JS_TOKEN = re.compile(r"[A-Za-z_][\w-]*")
_CUSTOM_PROPERTY = re.compile(r"--[A-Za-z_][\w-]*")
_VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")
_THEME_SCRIPT = re.compile(r'<script src="([^"]*assets/(?:javascripts/bundle\.[^"/]*\.js|site\.js))"></script>')


# ---------------------------------------------------------------- names used

def used_names(site_dir: Path) -> set[str]:
    """Every element name, class name and id in the site's HTML, and every identifier-like word in its JavaScript."""
    names: set[str] = set()
    for html in sorted(site_dir.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        names.update(tag.lower() for tag in _TAG.findall(text))
        for match in _CLASS_ATTR.finditer(text):
            names.update((match.group(1) or match.group(2) or match.group(3) or "").split())
        for match in _ID_ATTR.finditer(text):
            names.add(match.group(1) or match.group(2) or match.group(3) or "")
        # inline scripts name classes too (e.g. reader-js on <html>)
        names.update(_JS_TOKEN.findall(" ".join(re.findall(r"<script[^>]*>(.*?)</script>", text, re.S))))
    for js in sorted(site_dir.rglob("*.js")):
        names.update(_JS_TOKEN.findall(js.read_text(encoding="utf-8", errors="replace")))
    return names


# ---------------------------------------------------------------- selectors

def _split_selectors(prelude: list) -> list[list]:
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return parts


def _required(selector: list) -> set[str]:
    """Class names and ids that must be on the page for ``selector`` to match anything."""
    need = set()
    tokens = [t for t in selector if t.type != "comment"]
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        if token.type == "literal" and token.value == "." and i + 1 < len(tokens) and tokens[i + 1].type == "ident":
            need.add(tokens[i + 1].value)
        elif token.type == "ident" and not (before is not None and before.type == "literal" and before.value in (".", ":", "|")):
            need.add(token.value.lower())  # an element name: html, table, kbd …
        elif token.type == "hash" and token.is_identifier:
            need.add(token.value)
        # function tokens (:is(...) etc.) and [attr] blocks are skipped whole: they are nested nodes
    return need


def _name_used(name: str, names: set[str]) -> bool:
    """``name`` is in ``names``, or is two of them joined at a - or _ (scripts build classes as PREFIX + "__copy")."""
    if name in names:
        return True
    return any(name[:i] in names and name[i:] in names for i in range(1, len(name))
               if name[i - 1] in "-_" or name[i] in "-_")


def _selector_used(selector: list, names: set[str]) -> bool:
    return all(_name_used(name, names) for name in _required(selector))


# ---------------------------------------------------------------- the purge

def _purge_rules(rules: list, names: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _split_selectors(rule.prelude) if _selector_used(s, names)]
            if not selectors:
                continue
            prelude = ",".join(tinycss2.serialize(s).strip() for s in selectors)
            kept.append(("rule", prelude, rule.content))
        elif rule.type == "at-rule" and rule.lower_at_keyword in _BLOCK_AT_RULES and rule.content is not None:
            inner = _purge_rules(tinycss2.parse_rule_list(rule.content), names)
            if inner:
                kept.append(("block", "@" + rule.at_keyword + tinycss2.serialize(rule.prelude), inner))
        elif rule.type in ("at-rule",):
            kept.append(("raw", rule.serialize()))
        # whitespace, comments and parse errors are dropped
    return kept


def _declarations(content: list) -> list:
    return [d for d in tinycss2.parse_blocks_contents(content) if d.type in ("declaration", "qualified-rule", "at-rule")]


def _render(kept: list, keep_var) -> str:
    out = []
    for item in kept:
        if item[0] == "rule":
            _, prelude, content = item
            parts = []
            for node in _declarations(content):
                if node.type == "declaration":
                    if node.name.startswith("--") and not keep_var(node.name):
                        continue
                    value = tinycss2.serialize(node.value).strip()
                    parts.append(f"{node.name}:{value}{'!important' if node.important else ''}")
                else:  # nested rule (CSS nesting): keep as written
                    parts.append(node.serialize())
            if parts:
                out.append(prelude + "{" + ";".join(parts) + "}")
        elif item[0] == "block":
            _, head, inner = item
            body = _render(inner, keep_var)
            if body:
                out.append(head.strip() + "{" + body + "}")
        else:
            out.append(item[1])
    return "".join(out)


def purge_css(css: str, names: set[str], other_css: str = "", *, prune_variables: bool = True) -> str:
    """``css`` without the rules no page can use and without custom properties nothing reads.

    ``other_css`` is every other text that may read or set a custom property
    (our stylesheet, the scripts, the pages): any ``--name`` in it is kept.
    """
    kept = _purge_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), names)
    if not prune_variables:
        return _render(kept, lambda name: True)
    # Custom properties: read by var() in the kept rules, our own CSS, or set/read by scripts.
    draft = _render(kept, lambda name: True)
    read = set(_VAR_USE.findall(draft)) | set(_CUSTOM_PROPERTY.findall(other_css))
    defined = {}
    for match in re.finditer(r"(--[\w-]+)\s*:([^;{}]*)", draft):
        defined.setdefault(match.group(1), []).append(match.group(2))
    wanted = set(read)
    # variables whose value reads other variables keep those alive (to a fixed point)
    frontier = list(wanted)
    while frontier:
        name = frontier.pop()
        for value in defined.get(name, ()):
            for ref in _VAR_USE.findall(value):
                if ref not in wanted:
                    wanted.add(ref)
                    frontier.append(ref)
    return _render(kept, lambda name: name in wanted)


# ---------------------------------------------------------------- the site

# Our files in the built site (generate.py writes them from docs/assets/), and how each is minified.
MINIFIED = {"assets/site.js": minify.js, "assets/form-fill.js": minify.js, "assets/site-search.js": minify.js,
            "assets/site.css": minify.css, "assets/site-search.css": minify.css}


def minify_own(site_dir: Path) -> dict[str, tuple[int, int]]:
    """Minify :data:`MINIFIED` in place; {path: (bytes before, bytes after)}."""
    sizes = {}
    for rel, minifier in MINIFIED.items():
        path = Path(site_dir) / rel
        if not path.is_file():
            continue
        original = path.read_text(encoding="utf-8")
        small = minifier(original) + "\n"
        path.write_text(small, encoding="utf-8")
        sizes[rel] = (len(original.encode("utf-8")), len(small.encode("utf-8")))
    return sizes


def optimize_site(site_dir: Path) -> dict[str, tuple[int, int]]:
    """Purge the theme's stylesheets, defer the end-of-body scripts and minify ours, in place.

    Returns {changed file's path: (bytes before, bytes after)} for the bench.
    """
    site_dir = Path(site_dir)
    minified = minify_own(site_dir)
    pages = sorted(site_dir.rglob("*.html"))
    names = used_names(site_dir)
    own_css = "".join(p.read_text(encoding="utf-8") for p in sorted((site_dir / "assets").glob("*.css")))
    own_js = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(site_dir.rglob("*.js")))
    own_js += "".join(" ".join(_CUSTOM_PROPERTY.findall(p.read_text(encoding="utf-8"))) for p in pages)
    renames, sizes = {}, {}
    # Material writes assets/stylesheets/main.*.css, Zensical one per look (classic/, modern/).
    for sheet in sorted((site_dir / "assets" / "stylesheets").rglob("main.*.css")):
        original = sheet.read_text(encoding="utf-8")
        purged = purge_css(original, names, own_css + own_js)
        digest = hashlib.sha256(purged.encode("utf-8")).hexdigest()[:8]
        new = sheet.with_name(f"main.{digest}.min.css")
        new.write_text(purged, encoding="utf-8")
        if new != sheet:
            sheet.unlink()
        stale_map = sheet.with_name(sheet.name + ".map")
        if stale_map.exists():
            stale_map.unlink()
        renames[sheet.name] = new.name
        sizes[new.relative_to(site_dir).as_posix()] = (len(original.encode("utf-8")), len(purged.encode("utf-8")))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        changed = text
        for old, new in renames.items():
            changed = changed.replace("/" + old + '"', "/" + new + '"')
        changed = _THEME_SCRIPT.sub(r'<script src="\1" defer></script>', changed)
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    return sizes | minified
