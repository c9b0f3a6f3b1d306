"""Vendored browser libraries: the committed copy is the npm package's file.

docs/assets/vendor/ holds files the site serves itself (no CDN) and that
`make site` must build without npm. package.json pins the same version, so
`npm ci` (run by `make test`) installs the file these copies must equal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "docs" / "assets" / "vendor"
NODE = ROOT / "node_modules"

# vendored file -> (npm package, file in the package)
VENDORED = {
    "fflate.js": ("fflate", "umd/index.js"),
    "fflate-LICENSE.txt": ("fflate", "LICENSE"),
}


@pytest.mark.parametrize("name", sorted(VENDORED))
def test_vendored_file_equals_npm_package(name):
    package, inside = VENDORED[name]
    installed = NODE / package / inside
    if not installed.is_file():
        pytest.fail(f"{installed} is missing: run `npm ci` (make node)")
    assert (VENDOR / name).read_bytes() == installed.read_bytes(), (
        f"docs/assets/vendor/{name} differs from node_modules/{package}/{inside}: "
        f"copy it again after changing the {package} version in package.json"
    )


def test_vendored_version_is_pinned():
    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["fflate"]
    assert wanted[0].isdigit(), "pin fflate exactly (the vendored copy is one version)"
    installed = json.loads((NODE / "fflate" / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == wanted
