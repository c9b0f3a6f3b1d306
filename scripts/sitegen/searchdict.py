"""The search index's word list: a jieba user dictionary written from ``data/``.

The theme's search plugin cuts Chinese text into words with jieba before
indexing. jieba does not know people's names, so a name such as 江海洋 can
come out as 江 / 海洋 and then a search for the whole name finds nothing.
The words below are taken from the data (written there once) and handed to
the plugin as its ``jieba_dict_user`` by ``scripts/hooks.py``.
"""

from __future__ import annotations

from pathlib import Path

from .model import Site

# A file name next to (never inside) the generated docs folder, so that it is
# not copied into the site.
FILE_NAME = "jieba-userdict.txt"


def user_words(site: Site) -> list[str]:
    """People's names from every edition's contacts.yaml and module names from modules.yaml.

    Only short proper names: a long compound (a department name) made into one
    word would stop searches for its parts (科普 in 学术交流与科普部).
    """
    words: list[str] = []
    for edition in site.editions:
        for contact in edition.contacts:
            words.extend(contact.people)
        words.extend(module.name for module in edition.modules)
    seen: set[str] = set()
    return [w for w in words if w and not (w in seen or seen.add(w))]


def dictionary_text(site: Site) -> str:
    """jieba's user-dictionary format: one word per line (jieba picks the frequency)."""
    return "".join(f"{word}\n" for word in user_words(site))


def write_user_dict(site: Site, path: Path) -> Path:
    """Write the dictionary for ``site`` to ``path`` (only if it changed)."""
    text = dictionary_text(site)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
