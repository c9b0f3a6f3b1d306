"""Small formatting helpers shared by pages and downloads (no I/O)."""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup

from .model import Deadline, Stage

# Characters that mean something to Markdown or HTML. Data values are written
# into pages as numeric character references, so a value can never open a
# tag, a link, emphasis or a table cell, wherever a template puts it.
# Values never start a line in our templates, so line-start syntax (#, -, 1.)
# needs no escaping.
_SPECIAL = {c: f"&#{ord(c)};" for c in "&<>\"'*_[]|`\\{}~^"}


def literal(value: object) -> str:
    """Escape any value so that Markdown and HTML show it as plain text."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    text = "".join(_SPECIAL.get(c, c) for c in text)
    return Markup(text.replace("\n", " "))


def cn_date(day: dt.date) -> str:
    """2027-05-08 -> 2027年5月8日"""
    return f"{day.year}年{day.month}月{day.day}日"


def md(day: dt.date) -> str:
    """2027-05-08 -> 5月8日"""
    return f"{day.month}月{day.day}日"


def span(start: dt.date, end: dt.date, end_with_month: bool = False) -> str:
    """A date range as the plan writes it: 5月10日-25日, 5月26日-6月5日, 6月6日-6月30日."""
    if start.month == end.month and not end_with_month:
        return f"{md(start)}-{end.day}日"
    return f"{md(start)}-{md(end)}"


def stage_span(stage: Stage) -> str:
    return span(stage.start, stage.end, stage.end_with_month)


def due_text(item: Deadline) -> str:
    """How the official text words a deadline: 5月8日, 6月25日前, 6月底前."""
    if item.due_kind == "before":
        return f"{md(item.due)}前"
    if item.due_kind == "month_end":
        return f"{item.due.month}月底前"
    return md(item.due)


def weekday(day: dt.date) -> str:
    return "星期" + "一二三四五六日"[day.weekday()]


_EXTENSION = re.compile(r"(?P<main>.+?\d{7,8})-(?P<ext>\d{1,6})")


def split_extension(phone: str) -> tuple[str, str | None]:
    """010-51871797-123 -> ("010-51871797", "123"); numbers without one -> (phone, None)."""
    match = _EXTENSION.fullmatch(phone.strip())
    return (match["main"], match["ext"]) if match else (phone, None)


def phone_digits(phone: str) -> str:
    """The digits of the number itself, without an extension."""
    return re.sub(r"\D", "", split_extension(phone)[0])


def tel_href(phone: str) -> str:
    """(010) 68586651 -> tel:+861068586651; an extension becomes ;ext= (RFC 3966)."""
    digits = phone_digits(phone)
    if digits.startswith("0"):
        digits = digits[1:]
    ext = split_extension(phone)[1]
    return f"tel:+86{digits}" + (f";ext={ext}" if ext else "")


def mailto_href(address: str, subject: str | None = None, body: str | None = None) -> str:
    """mailto: URI (RFC 6068) with a percent-encoded (UTF-8) subject and body."""
    from urllib.parse import quote

    query = [f"{name}={quote(value, safe='')}" for name, value in (("subject", subject), ("body", body)) if value]
    return f"mailto:{address}" + ("?" + "&".join(query) if query else "")


def phone_display(phone: str) -> str:
    """Unify to the 010-68586651 form used by the notice (转 before an extension)."""
    digits = phone_digits(phone)
    ext = split_extension(phone)[1]
    if digits.startswith("1") and len(digits) == 11:
        return digits
    area_len = 3 if digits[1:2] in "12" else 4
    return f"{digits[:area_len]}-{digits[area_len:]}" + (f"转{ext}" if ext else "")


def phone_as_written(phone: str) -> str:
    """The number as the official text prints it: (010) 68586651 -> （010）68586651."""
    return phone.replace("(", "（").replace(")", "）").replace("） ", "）")


def book_title(title: str) -> str:
    """Wrap a title in 《》; a title already holding 《》 gets 〈〉 inside (GB/T 15834)."""
    return "《" + title.replace("《", "〈").replace("》", "〉") + "》"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 -> 一 (up to 十)."""
    return CN_NUMERALS[n - 1]


def cn_count(n: int) -> str:
    """A count before a measure word: 2 -> 两 (两个阶段), otherwise as cn_number (三个阶段)."""
    return "两" if n == 2 else cn_number(n)


def month_end_or_day(day: dt.date) -> str:
    """How the plan writes an end date: 6月底 on the last day of a month, else 6月24日."""
    import calendar

    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{day.month}月底"
    return md(day)
