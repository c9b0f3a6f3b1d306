"""Small edits on rendered Markdown pages: front matter, a banner, links moved to another folder.

Pure text functions, no engine: ``generate`` uses them to mark an edition's
pages (archived, draft) and to place the current edition's home page at the
site root.
"""

from __future__ import annotations

import posixpath
import re

import yaml

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT.match(text)
    if not match:
        return {}, text
    return (yaml.safe_load(match.group(1)) or {}), text[match.end():]


def join_front_matter(meta: dict, body: str) -> str:
    if not meta:
        return body
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000).strip()
    return f"---\n{head}\n---\n{body}"


def update_front_matter(text: str, **changes) -> str:
    """Set keys of the page's front matter (a value of None removes the key); nested dicts are merged."""
    meta, body = split_front_matter(text)
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        elif isinstance(value, dict) and isinstance(meta.get(key), dict):
            meta[key] = {**meta[key], **value}
        else:
            meta[key] = value
    return join_front_matter(meta, body)


def insert_after_front_matter(text: str, block: str) -> str:
    """Put ``block`` (Markdown or HTML) first in the page body."""
    meta, body = split_front_matter(text)
    return join_front_matter(meta, f"\n{block.strip()}\n\n{body.lstrip()}")


def append(text: str, block: str) -> str:
    return text.rstrip() + "\n\n" + block.strip() + "\n"


# Targets that are not paths inside the site.
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#|\{)", re.I)
_MD_LINK = re.compile(r"(\]\()([^)\s]+)(\))")
_HTML_LINK = re.compile(r"""(\s(?:href|src)=")([^"]+)(")""")


def rebase(target: str, folder: str) -> str:
    """A relative link written in ``folder`` (e.g. "2027"), as written from the site root."""
    if not target or _ABSOLUTE.match(target):
        return target
    path, sep, fragment = target.partition("#")
    if not path:
        return target
    trailing = "/" if path.endswith("/") else ""
    moved = posixpath.normpath(posixpath.join(folder, path))
    if moved == ".":
        moved = "./"  # the site root itself
    elif trailing:
        moved += "/"
    return moved + (sep + fragment if sep else "")


def rebase_links(text: str, folder: str) -> str:
    """Rewrite every relative Markdown and HTML link of a page in ``folder`` for a copy at the site root."""
    text = _MD_LINK.sub(lambda m: m.group(1) + rebase(m.group(2), folder) + m.group(3), text)
    return _HTML_LINK.sub(lambda m: m.group(1) + rebase(m.group(2), folder) + m.group(3), text)


def relative(target: str, page: str, directory_urls: bool = True) -> str:
    """The URL of ``target`` (a path below the site root) as a link from the page whose source is ``page``.

    With directory URLs, ``2027/howto.md`` is served at ``2027/howto/`` and
    ``2027/index.md`` at ``2027/``, so links from them start from there.
    """
    source_dir = posixpath.dirname(page)
    name = posixpath.basename(page)
    if directory_urls and name != "index.md":
        base = posixpath.join(source_dir, name[: -len(".md")])
    else:
        base = source_dir
    rel = posixpath.relpath(target, base or ".")
    return rel + ("/" if target.endswith("/") and not rel.endswith("/") else "")


def relative_source(target: str, page: str) -> str:
    """``target`` (a source path below the docs root) as a Markdown link from the source file ``page``."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
