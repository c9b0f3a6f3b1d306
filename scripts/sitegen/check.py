"""``make check``: validate data and page templates without writing anything."""

from __future__ import annotations

from pathlib import Path

from .load import load_data
from .pages import render_pages


def check_all(root: Path) -> str:
    site = load_data(root / "data", root)
    # Render pages in memory so that a placeholder naming missing data is caught too.
    # Downloads are not produced here (that is the slow part); templates see empty ones.
    render_pages(site, root / "docs", {"downloads": {}, "updated": site.document.date, "timeline": {}})
    return (
        f"数据检查通过：{len(site.modules)} 个模块，{len(site.stages)} 个阶段，"
        f"{len(site.deadlines)} 个截止时间，{len(site.contacts)} 组联系人，{len(site.corrections)} 处勘误。"
    )
