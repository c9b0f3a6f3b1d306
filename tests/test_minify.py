"""Minified scripts and styles (scripts/sitegen/minify.py; issue 11 item 9).

What readers download is minified; it must still be valid JavaScript (checked
by Node's own parser) and, for the inline live-status script, safe inside a
Markdown page: no ``</`` that would end the script element, no blank line that
would end Markdown's raw HTML block.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from sitegen import minify

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
OUR_SCRIPTS = sorted([*(ROOT / "docs/assets/js").glob("*.js"), ROOT / "docs/assets/form-fill.js",
                      ROOT / "docs/assets/site-search.js", ROOT / "docs/assets/inline/live-status.js"])


def node_check(code: str, tmp_path: Path) -> None:
    path = tmp_path / "check.js"
    path.write_text(code, encoding="utf-8")
    done = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("source", OUR_SCRIPTS, ids=lambda p: p.name)
def test_minified_script_is_valid_and_smaller(source, tmp_path):
    text = source.read_text(encoding="utf-8")
    small = minify.js(text)
    node_check(small, tmp_path)
    assert len(small) < len(text)
    assert "/*" not in small.replace("/*!", "")  # comments gone (a licence comment /*! would stay)


def test_inline_script_is_safe_in_markdown(tmp_path):
    source = ROOT / "docs/assets/inline/live-status.js"
    code = minify.inline_script(source)
    node_check(code, tmp_path)
    assert "</" not in code
    assert "\n\n" not in code and not any(not line.strip() for line in code.splitlines())


def test_inline_script_escapes_a_closing_tag(tmp_path):
    source = tmp_path / "s.js"
    source.write_text('var t = "</script>"; // a comment\n\n\nvar u = 1;\n', encoding="utf-8")
    code = minify.inline_script(source)
    assert "</script" not in code and "<\\/script>" in code
    assert "a comment" not in code
    node_check(code, tmp_path)


def test_css_minified_keeps_rules():
    css = "/* note */\n.a  { color : red ; }\n\n@media (min-width: 60em) {\n  .b { margin: 0 }\n}\n"
    assert minify.css(css) == ".a{color:red}@media (min-width:60em){.b{margin:0}}"


def test_built_bundles_are_minified(built_site):
    """site.js, site.css and the form's script in the built site: minified copies of the sources."""
    js_sources = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs/assets/js").glob("*.js")))
    built_js = (built_site / "assets/site.js").read_text(encoding="utf-8")
    assert len(built_js) < 0.8 * len(js_sources)
    assert "window.siteData" in built_js and "DAY_MS" not in built_js  # the live status is inline, not in site.js
    built_css = (built_site / "assets/site.css").read_text(encoding="utf-8")
    assert "/*" not in built_css and ".deadline-card" in built_css
    form = (built_site / "assets/form-fill.js").read_text(encoding="utf-8")
    assert "formExport" in form and len(form) < len((ROOT / "docs/assets/form-fill.js").read_text(encoding="utf-8"))


def test_live_status_is_inline_where_the_status_is(built_site):
    """Each page with a live status (or the notice's live 状态) carries the script once; the others none."""
    for page in sorted(built_site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        inline = html.count('getElementById("site-live-data")')
        live = 'data-live="status"' in html or 'data-live="doc-status"' in html
        assert inline == (1 if live else 0), (page.relative_to(built_site), inline, live)


def test_the_search_dialogs_files_load_only_with_the_dialog(built_site):
    """site-search.js/.css serve the site's own search dialog (engines without Material's search box):
    minified, and linked from a page only when it has the dialog, never joined into site.js/site.css."""
    for name in ("site-search.js", "site-search.css"):
        built = (built_site / "assets" / name).read_text(encoding="utf-8")
        assert len(built) < len((ROOT / "docs/assets" / name).read_text(encoding="utf-8"))
    assert "data-site-search-open" not in (built_site / "assets/site.js").read_text(encoding="utf-8")
    assert ".site-search" not in (built_site / "assets/site.css").read_text(encoding="utf-8")
    for page in sorted(built_site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        has_dialog = 'id="site-search"' in html
        assert ("assets/site-search.js" in html) == has_dialog == ("assets/site-search.css" in html), page
