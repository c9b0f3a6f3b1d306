"""The Content-Security-Policy pass (scripts/sitegen/postbuild.py, issue 12 item 6), without a browser.

Hashes are checked against hashlib on the exact text between the tags; the
built site's every page must carry one policy that matches its inline
scripts. tests/browser/test_csp_browser.py checks the same in Chromium.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import re
import shutil
import types
from pathlib import Path

import pytest

from sitegen.errors import BuildError
from sitegen.postbuild import REFERRER, apply_csp, check_page, secure_page

ROOT = Path(__file__).resolve().parents[1]
ONE = "\n  var a = 1; if (a < 2) { document.title = '</div>'; }\n"
TWO = '!function(){document.documentElement.classList.add("x")}()'
PAGE = f"""<!doctype html>
<html lang="zh">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width">
    <script>{ONE}</script>
    <link rel="stylesheet" href="site.css">
    <script id="__config" type="application/json">{{"a": 1}}</script>
  </head>
  <body>
    <!-- <script>not a script</script> is in a comment, but hashing it would do no harm -->
    <p>正文</p>
    <script src="site.js"></script>
    <script>{TWO}</script>
  </body>
</html>
"""


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def directives(html: str) -> dict[str, list[str]]:
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert len(found) == 1, found
    return {d.split()[0]: d.split()[1:] for d in found[0].split("; ")}


def test_two_inline_scripts_get_exactly_their_two_hashes():
    out = secure_page(PAGE)
    policy = directives(out)
    hashes = [s for s in policy["script-src"] if s.startswith("'sha256-")]
    assert hashes == [sha(ONE), sha(TWO)]  # the JSON data block and the src script are not hashed
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"] and policy["worker-src"] == ["'self'"]
    assert "frame-ancestors" not in policy, "ignored in <meta>, and Chromium logs an error for it"
    assert "'wasm-unsafe-eval'" not in policy["script-src"]
    assert f'<meta name="referrer" content="{REFERRER}">' in out
    assert check_page(out) == []


def test_policy_comes_right_after_charset_before_any_script():
    out = secure_page(PAGE)
    csp = out.index('http-equiv="Content-Security-Policy"')
    assert out.index('<meta charset="utf-8">') < csp < out.index("<script")
    assert out.index('name="referrer"') < out.index("<link")
    # Everything else is as it was.
    assert re.sub(r'\n<meta http-equiv="Content-Security-Policy"[^>]*>\n<meta name="referrer"[^>]*>', "", out) == PAGE


def test_applied_again_replaces_itself_never_twice():
    once = secure_page(PAGE)
    assert secure_page(once) == once
    assert once.count("Content-Security-Policy") == 1 and once.count('name="referrer"') == 1
    # A step that changes a script after the first pass (e.g. the hook's pass, then the build's): new hash, one policy.
    changed = once.replace("var a = 1", "var a = 3")
    again = secure_page(changed)
    assert again.count("Content-Security-Policy") == 1
    assert sha(ONE.replace("var a = 1", "var a = 3")) in directives(again)["script-src"]
    assert sha(ONE) not in directives(again)["script-src"]


def test_a_page_changed_after_hashing_fails_the_check():
    out = secure_page(PAGE)
    tampered = out.replace('classList.add("x")', 'classList.add("y")')
    problems = check_page(tampered)
    assert len(problems) == 1 and "not in script-src" in problems[0] and 'classList.add("y")' in problems[0]
    added = out.replace("</body>", "<script>alert(1)</script></body>")
    assert any("alert(1)" in p for p in check_page(added))
    assert check_page(PAGE) == ["0 CSP meta tags (want 1)"]


def test_hash_is_of_the_text_as_the_browser_sees_it():
    """The HTML parser turns CR LF into LF before the browser hashes a script."""
    page = "<!doctype html><html><head><meta charset=utf-8><script>\r\nvar é = '科';\r\n</script></head></html>"
    assert sha("\nvar é = '科';\n") in directives(secure_page(page))["script-src"]


def test_style_elements_are_hashed_attributes_allowed():
    css = "body{color:#222}"
    page = f"<!doctype html><html><head><meta charset=utf-8><style>{css}</style></head><body><td style=\"text-align: left\"></td></body></html>"
    policy = directives(secure_page(page))
    assert policy["style-src-elem"] == ["'self'", sha(css)]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert sha(css) not in policy["script-src"]


@pytest.mark.parametrize("markup,attribute", [
    ('<button onclick="go()">去</button>', "onclick"),
    ('<img src="x.png" onerror="x()" alt="">', "onerror"),
    ('<a href="javascript:void(0)">链接</a>', "href"),
])
def test_inline_event_attributes_are_refused_with_file_and_line(markup, attribute):
    page = f"<!doctype html><html><head><meta charset=utf-8></head><body>\n<p>一</p>\n{markup}\n</body></html>"
    with pytest.raises(BuildError) as caught:
        secure_page(page, name="docs/2021/howto.md")
    message = str(caught.value)
    assert "docs/2021/howto.md" in message and "第 3 行" in message and attribute in message
    assert "内容安全策略" in message


@pytest.mark.parametrize("page", [
    # Another engine's way of writing the same: capitals, a module script, unquoted charset, ">" in an attribute.
    "<!DOCTYPE html>\n<HTML><HEAD><META CHARSET=UTF-8><TITLE>t</TITLE>"
    '<SCRIPT type="module" data-x="a>b">{one}</SCRIPT></HEAD><BODY><script>{two}</Script></BODY></HTML>',
    # Head and html implied by the parser.
    "<!doctype html><meta charset=utf-8><title>t</title><script>{one}</script><p>x<script>{two}</script>",
    "<!doctype html><title>t</title><script>{one}</script><p>x<script>{two}</script>",
])
def test_other_ways_of_writing_a_page(page):
    page = page.format(one=ONE, two=TWO)
    out = secure_page(page)
    assert [s for s in directives(out)["script-src"] if s.startswith("'sha256-")] == [sha(ONE), sha(TWO)]
    assert out.index("Content-Security-Policy") < out.lower().index("<script")
    assert check_page(out) == []


def test_files_that_are_not_pages_are_left_alone(tmp_path):
    (tmp_path / "google0123.html").write_text("google-site-verification: google0123.html", encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    apply_csp(tmp_path)
    assert (tmp_path / "google0123.html").read_text(encoding="utf-8") == "google-site-verification: google0123.html"
    assert check_page((tmp_path / "page.html").read_text(encoding="utf-8")) == []


def test_pagefind_folder_adds_wasm_unsafe_eval(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    apply_csp(tmp_path)
    assert "'wasm-unsafe-eval'" not in directives((tmp_path / "a" / "index.html").read_text(encoding="utf-8"))["script-src"]
    (tmp_path / "pagefind").mkdir()
    apply_csp(tmp_path)
    policy = directives((tmp_path / "a" / "index.html").read_text(encoding="utf-8"))
    assert policy["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert sha(ONE) in policy["script-src"]


def test_every_built_page_has_a_matching_policy(built_site, tmp_path):
    pages = sorted(built_site.rglob("*.html"))
    assert built_site / "404.html" in pages and len(pages) >= 5
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert check_page(html) == [], path
        assert html.count(f'<meta name="referrer" content="{REFERRER}">') == 1, path
        head = html[: html.index("</head>")]
        assert head.index("Content-Security-Policy") < head.index("<script"), path
        hashes = [s for s in directives(html)["script-src"] if s.startswith("'sha256-")]
        assert len(hashes) >= 3, path  # the theme's and ours
        # Style elements by hash only, on every engine (Zensical's search made run-time styles; ours makes none).
        assert "'unsafe-inline'" not in directives(html)["style-src-elem"], path
    # Deterministic, and a second pass over the finished site changes no byte.
    copy = shutil.copytree(built_site, tmp_path / "site")
    apply_csp(copy)
    for path in pages:
        assert (copy / path.relative_to(built_site)).read_bytes() == path.read_bytes(), path


def test_onclick_in_markdown_stops_the_build_naming_the_page(project_copy, tmp_path, caplog):
    from sitegen.build import build_site

    about = project_copy / "docs" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + '\n<button onclick="alert(1)">试试</button>\n', encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_site(project_copy, tmp_path / "site")
    # The post-build CSP pass (once, on the finished site) names the built page, the line and the attribute.
    message = str(caught.value)
    assert "about/index.html" in message and "onclick" in message and "内容安全策略" in message
    assert re.search(r"第 \d+ 行", message), message
    assert not (tmp_path / "site").exists(), "nothing is published"


def test_every_page_is_secured_once_per_build(project_copy, tmp_path, monkeypatch):
    """MkDocs builds: the hook leaves the CSP to build.post_build, which secures each page once (review of issue 12)."""
    import sitegen.postbuild as postbuild
    from sitegen.build import build_site

    calls: list[str] = []
    real = postbuild.secure_page

    def counting(html, features=(), name=""):
        if "<html" in html.lower():
            calls.append(name or "(unnamed)")
        return real(html, features, name)

    # The hook binds secure_page when MkDocs loads it, during the build: it gets this one too.
    monkeypatch.setattr(postbuild, "secure_page", counting)
    site = build_site(project_copy, tmp_path / "site")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "<html" in p.read_text(encoding="utf-8").lower())
    assert len(pages) >= 10
    assert sorted(calls) == pages, "each page secured exactly once, by the post-build pass"
    for page in pages:
        assert check_page((site / page).read_text(encoding="utf-8")) == [], page


def load_hooks():
    spec = importlib.util.spec_from_file_location("sitegen_hooks_under_test", ROOT / "scripts" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_leaves_builds_to_the_post_build_pass():
    """`mkdocs build` from the command line, and build.py's own MkDocs call (no on_startup): no CSP page by page."""
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="2021/howto.md"))
    for command in (None, "build", "gh-deploy"):
        hooks = load_hooks()
        if command:
            hooks.on_startup(command=command, dirty=False)
        assert "Content-Security-Policy" not in hooks.on_post_page(PAGE, page=page, config=None)
        assert "Content-Security-Policy" not in hooks.on_post_template(PAGE, template_name="404.html", config=None)


def test_plain_mkdocs_build_secures_the_finished_site_in_on_post_build(tmp_path, monkeypatch):
    """`mkdocs build` on a fresh clone runs no build.post_build: the hook's on_post_build indexes and secures once."""
    hooks = load_hooks()
    hooks.on_startup(command="build", dirty=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    indexed = []
    monkeypatch.setattr(hooks, "index_site", lambda site_dir, site, root: indexed.append(site_dir) or (site_dir / "pagefind").mkdir())
    config = types.SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path))
    monkeypatch.delenv("SITEGEN_SEARCH_INDEX", raising=False)
    hooks.on_post_build(config)
    assert indexed == [tmp_path]
    html = (tmp_path / "a" / "index.html").read_text(encoding="utf-8")
    assert check_page(html) == [] and "'wasm-unsafe-eval'" in directives(html)["script-src"]

    # Under build.py (and engines.run_engine for ProperDocs): neither, post_build does both.
    (tmp_path / "a" / "index.html").write_text(PAGE, encoding="utf-8")
    monkeypatch.setenv("SITEGEN_SEARCH_INDEX", "later")
    hooks.on_post_build(config)
    assert indexed == [tmp_path] and (tmp_path / "a" / "index.html").read_text(encoding="utf-8") == PAGE


def test_hook_secures_pages_404_and_the_live_reload_script():
    from mkdocs.livereload import LiveReloadServer

    hooks = load_hooks()
    hooks.on_startup(command="serve", dirty=False)  # mkdocs serve / properdocs serve
    page = types.SimpleNamespace(file=types.SimpleNamespace(src_uri="2021/howto.md"))
    assert hooks.on_post_page(PAGE, page=page, config=None) == secure_page(PAGE, ("pagefind",))
    assert hooks.on_post_template(PAGE, template_name="404.html", config=None) == secure_page(PAGE, ("pagefind",))
    assert hooks.on_post_template("<urlset/>", template_name="sitemap.xml", config=None) == "<urlset/>"
    with pytest.raises(Exception, match="docs/2021/howto.md"):
        hooks.on_post_page(PAGE.replace("<p>", '<p onclick="x()">'), page=page, config=None)

    # mkdocs serve: the real injection of MkDocs 1.6, then the policy again with its hash.
    server = types.SimpleNamespace(_inject_js_into_html=functools.partial(LiveReloadServer._inject_js_into_html, None))
    assert hooks.on_serve(server, config=None, builder=None) is server
    served = server._inject_js_into_html(secure_page(PAGE, ("pagefind",)).encode("utf-8"), 1234).decode("utf-8")
    assert "livereload(1234," in served and served.count("Content-Security-Policy") == 1
    assert check_page(served) == []
