"""MkDocs hook: a thin adapter that asks ``sitegen`` for the pages.

All the work (reading data, rendering pages and downloads) is plain Python in
``scripts/sitegen`` and runs without MkDocs; this file only calls it before
each build, so ``mkdocs serve`` picks up edits under ``data/`` and ``docs/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitegen.generate import ensure_generated  # noqa: E402
from sitegen.schema import DataError  # noqa: E402


def on_pre_build(config, **kwargs):
    root = Path(config.config_file_path).resolve().parent
    try:
        ensure_generated(Path(config.docs_dir), root)
    except DataError as exc:
        raise PluginError("数据或页面有错误（data errors）：\n" + str(exc)) from None
