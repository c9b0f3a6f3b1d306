"""``make check``: validate data and page templates without writing anything."""

from __future__ import annotations

from pathlib import Path

from .errors import DataError
from .generate import check_docs_folders, render_site
from .load import load_site
from .textfmt import cn_count


def check_all(root: Path, base: str | None = None) -> str:
    """Every edition, drafts included (they are checked before they are published).

    With ``base`` (a git revision: ``make check BASE=origin/main``), also fail
    when a fact readers see changed since ``base`` and the edition's
    changes.yaml gained no change note. Only then is git read.
    """
    site = load_site(root, drafts=True)
    if base:
        from .history import unnoted_changes

        problems = unnoted_changes(root, base, site.editions)
        if problems:
            raise DataError(problems)
    check_docs_folders(site, root)
    # Render pages in memory so that a placeholder naming missing data is caught too.
    # Downloads are not produced here (that is the slow part); templates see none.
    from .feeds import site_url

    render_site(site, root / "docs", {}, site.current.document.date, site_url(root))
    parts = []
    for e in site.editions:
        state = {"current": "当前", "archived": "已归档", "draft": "草稿"}[site.state_of(e)]
        parts.append(
            f"{e.key} 年（{state}）：{len(e.modules)} 个模块，{len(e.stages)} 个阶段，"
            f"{len(e.deadlines)} 个截止时间，{len(e.contacts)} 组联系人，{len(e.corrections)} 处勘误"
        )
    checked = f"\n已与 {base} 比较：改动的事实都有更新说明。" if base else ""
    return f"数据检查通过，共 {len(site.editions)} 届通知。\n" + "\n".join(parts) + checked
