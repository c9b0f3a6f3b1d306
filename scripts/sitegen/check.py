"""``make check``: validate data and page templates without writing anything."""

from __future__ import annotations

from pathlib import Path

from .generate import _check_docs_folders, render_site
from .load import load_site
from .textfmt import cn_count


def check_all(root: Path) -> str:
    """Every edition, drafts included (they are checked before they are published)."""
    site = load_site(root, drafts=True)
    _check_docs_folders(site, root)
    # Render pages in memory so that a placeholder naming missing data is caught too.
    # Downloads are not produced here (that is the slow part); templates see none.
    render_site(site, root / "docs", {}, site.current.document.date)
    parts = []
    for e in site.editions:
        state = {"current": "当前", "archived": "已归档", "draft": "草稿"}[site.state_of(e)]
        parts.append(
            f"{e.key} 年（{state}）：{len(e.modules)} 个模块，{len(e.stages)} 个阶段，"
            f"{len(e.deadlines)} 个截止时间，{len(e.contacts)} 组联系人，{len(e.corrections)} 处勘误"
        )
    return f"数据检查通过，共 {len(site.editions)} 届通知。\n" + "\n".join(parts)
