"""``make edition NEW=<year>``: start next year's notice as a draft copy of the newest one.

Copies ``data/<newest>/`` and ``docs/<newest>/`` to ``data/<year>/`` and
``docs/<year>/``, sets ``status: draft`` and empties the correction log (it
belongs to the old transcription) and the change notes. ``make check`` then lists every value
still carried over from the old notice.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .errors import DataError, Problem

CORRECTIONS = """# 勘误记录：本站对转录文本所作的每一处更正。只更正明显的转录错误，公文原有措辞不改。
# where: 所在位置；original: 转录稿原样；corrected: 本站采用；reason: 理由。
# 没有勘误时保留 corrections: []
corrections: []
"""

CHANGES = """# 更新说明：通知发布后，改动读者能看到的事实（日期、截止时间、联系人的姓名/电话/邮箱、样表栏目、模块名称）时，
# 在这里加一条，写明哪天改了什么、读者要怎么做（见 CONTRIBUTING.md“改了日期或联系人之后：写更新说明”）。例如：
#   - date: YYYY-MM-DD
#     note: 活动筹备方案的截止时间由5月8日改为5月9日，请据此安排报送。
# 还没有更新时保留 changes: []
changes: []
"""


def start_edition(root: Path, year: str) -> tuple[str, list[str]]:
    """Copy the newest edition to ``year`` as a draft; return (the source year, the folders made)."""
    root = Path(root)
    data, docs = root / "data", root / "docs"
    if not re.fullmatch(r"20[0-9]{2}", str(year)):
        raise DataError([Problem("make edition", None, "NEW", f"“{year}”不是四位年份，例如 make edition NEW=2027")])
    years = sorted(p.name for p in data.iterdir() if p.is_dir() and re.fullmatch(r"20[0-9]{2}", p.name))
    if not years:
        raise DataError([Problem("data/", None, "", "没有可以复制的通知：data/ 中还没有任何年份的文件夹")])
    source = years[-1]
    problems = []
    for folder in (data / year, docs / year):
        if folder.exists():
            problems.append(Problem(folder.relative_to(root).as_posix(), None, "", "已经存在，不会覆盖"))
    if int(year) <= int(source):
        problems.append(Problem("make edition", None, "NEW", f"{year} 不晚于已有的最新一届 {source}；新的一届要用更晚的年份"))
    if problems:
        raise DataError(problems)
    shutil.copytree(data / source, data / year)
    if (docs / source).is_dir():
        shutil.copytree(docs / source, docs / year)
    document = data / year / "document.yaml"
    text = document.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^status:.*$", "status: draft", text)
    if not count:
        text = "status: draft\n" + text
    document.write_text(text, encoding="utf-8")
    (data / year / "corrections.yaml").write_text(CORRECTIONS, encoding="utf-8")
    # Change notes belong to the old notice too: the new one starts with none.
    (data / year / "changes.yaml").write_text(CHANGES, encoding="utf-8")
    return source, [f"data/{year}/", f"docs/{year}/"]
