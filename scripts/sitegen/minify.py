"""Minified copies of our own JavaScript and CSS (rjsmin / rcssmin, both pure Python).

Used for the scripts written inline into pages (:func:`inline_script`, by the
Jinja global of the same name in pages.py) and by the speed pass for
``assets/site.js`` and ``assets/site.css`` (perf.py). The sources in
docs/assets/ keep their comments; only what readers download is minified.
Both minifiers are deterministic: the same source gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin
import rjsmin


def js(text: str) -> str:
    """``text`` without comments and needless white space (license comments ``/*! … */`` kept)."""
    return rjsmin.jsmin(text, keep_bang_comments=True).strip()


def css(text: str) -> str:
    return rcssmin.cssmin(text, keep_bang_comments=True).strip()


def inline_script(path: Path) -> str:
    """The file's JavaScript, minified, safe between ``<script>`` and ``</script>`` in a Markdown page.

    ``</`` cannot end the element early, and the text has no blank line, which
    would end Markdown's raw HTML block in the middle of the script.
    """
    code = js(path.read_text(encoding="utf-8")).replace("</", "<\\/")
    return re.sub(r"\n\s*\n", "\n", code)
