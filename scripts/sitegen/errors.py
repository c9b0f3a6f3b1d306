"""Error types shared by every step of the build.

This module imports nothing from the rest of ``sitegen``, so any module
(loader, pages, producers, build) can raise these without an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One data error, in words a maintainer understands."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field_path = f" {self.path}" if self.path else ""
        return f"{where}:{field_path} {self.message}"


class DataError(Exception):
    """Raised when one or more data files are wrong; carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BuildError(Exception):
    """A step after validation failed (a download could not be made, MkDocs failed, …).

    The message is one line for the maintainer; the last good site stays.
    """


class MissingItem(LookupError):
    """A page asked for a deadline, contact, module or edition the data does not have.

    The message says, in Chinese, what was asked for and what exists; the page
    renderer adds the page's file and line.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "数据中没有这一项"
