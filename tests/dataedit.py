"""Make one edit in a copy of a project file and say which line a message should name.

Shared by the loader tests (tests/test_load.py) and the maintainer-mistake
tests (tests/test_maintainer_mistakes.py).
"""

from __future__ import annotations

from pathlib import Path


def edit_file(path: Path, old: str, new: str, marker: str | None = None, encoding: str = "utf-8") -> int:
    """Replace the first ``old`` in ``path`` by ``new``; return the line that holds ``marker``.

    ``marker`` defaults to the first line of ``new``. It is looked for inside
    the replacement first, so an identical line elsewhere in the file does not
    match; otherwise in the whole file (the last occurrence when the marker
    ends with a line break, as for a key written twice).
    """
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} is not in {path.name}"
    at = text.index(old)
    text = text[:at] + new + text[at + len(old):]
    path.write_bytes(text.encode(encoding))
    if marker is None:
        marker = new.splitlines()[0]
    inside = new.find(marker)
    if inside >= 0:
        return text[: at + inside].count("\n") + 1
    start = text.rfind(marker) if marker.endswith("\n") else text.find(marker)
    assert start >= 0, f"marker {marker!r} not found"
    return text[:start].count("\n") + 1
