"""CONTRIBUTING.md stays true: its commands, files, keys and error messages exist."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

from sitegen.load import FILES
from sitegen.schema import F, ListOf, Record

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def schema_keys() -> set[str]:
    found: set[str] = set()

    def walk(kind) -> None:
        if isinstance(kind, Record):
            for name, spec in kind.fields.items():
                found.add(name)
                walk(spec.type)
        elif isinstance(kind, ListOf):
            walk(kind.item)
        elif isinstance(kind, F):
            walk(kind.type)

    for schema in FILES.values():
        walk(schema)
    return found


def test_every_make_target_named_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, re.MULTILINE))
    named = set(re.findall(r"`make ([a-z][\w-]*)", GUIDE))
    assert {"check", "serve", "test", "site"} <= named
    assert named <= targets, named - targets


EDITIONS = sorted(p.name for p in (ROOT / "data").iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def test_every_file_named_exists():
    paths = set(re.findall(r"`((?:data|docs|\.github)/[\w./-]+\.(?:ya?ml|md))`", GUIDE))
    assert "data/site.yaml" in paths
    for name in ("stages.yaml", "contacts.yaml", "corrections.yaml", "form.yaml"):
        assert any(f"data/{year}/{name}" in paths for year in EDITIONS), f"the guide names no data/<年份>/{name}"
    missing = []
    for path in sorted(paths):
        parts = path.split("/")
        if parts[0] in ("data", "docs") and len(parts) == 3 and re.fullmatch(r"\d{4}", parts[1]) \
                and parts[1] not in EDITIONS:
            # A year still to come (the recipe for next year's notice): the file the newest edition has.
            path = "/".join((parts[0], EDITIONS[-1], parts[2]))
        if not (ROOT / path).is_file():
            missing.append(path)
    assert missing == []


def test_yaml_examples_parse_and_use_real_keys():
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE, re.DOTALL)
    assert len(blocks) >= 4
    known = schema_keys()
    for block in blocks:
        value = yaml.safe_load(textwrap.dedent(block))
        keys: set[str] = set()

        def collect(node) -> None:
            if isinstance(node, dict):
                keys.update(map(str, node))
                for item in node.values():
                    collect(item)
            elif isinstance(node, list):
                for item in node:
                    collect(item)

        collect(value)
        assert keys <= known, f"CONTRIBUTING.md uses keys the data files do not have: {keys - known}"


def test_recipes_cover_the_common_changes():
    for heading in ("修改一个截止时间", "增加或更换联系人", "更正公文原文", "样表中的措辞", "发布", "如何预览 pull request"):
        assert heading in GUIDE
    assert "site-preview-pr-" in GUIDE and "python3 -m http.server" in GUIDE
    assert "make check FORMAT=github" in GUIDE


def test_quoted_error_messages_are_the_real_ones():
    """Each message quoted in the table is produced by the maintainer-mistakes test cases."""
    from test_maintainer_mistakes import MISTAKES

    quoted = re.findall(r"^\| [^|]+ \| `((?:data|docs)/[^`]+)` \|$", GUIDE, re.MULTILINE)
    assert len(quoted) >= 10
    for message in quoted:
        body = message.split(": ", 1)[1]
        assert any(m.words in body for m in MISTAKES), f"not a tested message: {message}"
