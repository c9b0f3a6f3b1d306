"""Typed objects for every kind of fact in ``data/``.

Each object is immutable. ``lines`` maps a field name to its line in the
YAML file ("" is the record itself) so that checks run after loading can
still point at the right line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Shanghai")


def _lines() -> dict[str, int]:
    return field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Parent:
    issuer: str
    short_issuer: str
    number: str
    title: str
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Platform:
    name: str
    url: str
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Document:
    """The notice 学秘函〔2021〕11号 and the plan it forwards."""

    issuer: str
    number: str
    date: dt.date
    title: str
    recipients: list[str]
    attachment: str
    category: str
    holiday: dt.date
    holiday_edition: str
    theme: str
    campaign: Span
    parent: Parent
    platform: Platform
    lines: dict[str, int] = _lines()

    def status_on(self, day: dt.date) -> str:
        """Status of the notice on ``day`` (Beijing date)."""
        if day < self.date:
            return "未印发"
        if day <= self.campaign.end:
            return "有效"
        return "活动已结束"


@dataclass(frozen=True)
class Module:
    key: str
    name: str
    summary: str
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    start: dt.date
    end: dt.date
    focus: str
    end_with_month: bool = False  # write 6月6日-6月30日 rather than 6月6日-30日, as the plan does
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Audience:
    key: str
    name: str
    short: str
    sends_to: str
    source: str
    lines: dict[str, int] = _lines()


DUE_KINDS = ("on", "before", "month_end")
CHANNELS = ("email", "platform")


@dataclass(frozen=True)
class Deadline:
    key: str
    audience: str
    what: str
    due: dt.date
    due_kind: str
    format: str
    channel: str
    contact: str
    note: str | None = None
    short: str | None = None  # 简称 for e-mail subjects and file names, e.g. 筹备方案
    word_limit: int | None = None  # 字数上限 stated by the text, e.g. 2000
    lines: dict[str, int] = _lines()

    @property
    def mail_subject(self) -> str:
        """The suggested e-mail subject: 【筹备方案】单位名称 (the sender replaces 单位名称)."""
        return f"【{self.short or self.what}】单位名称"


@dataclass(frozen=True)
class Contact:
    id: str
    organization: str
    department: str
    purpose: str
    audience: str
    people: list[str]
    phones: list[str]
    emails: list[str]
    source: str
    lines: dict[str, int] = _lines()

    @property
    def name(self) -> str:
        return f"{self.organization}{self.department}"


@dataclass(frozen=True)
class Correction:
    where: str
    original: str
    corrected: str
    reason: str
    lines: dict[str, int] = _lines()


ROW_KINDS = ("text", "choice", "contact")


@dataclass(frozen=True)
class FormRow:
    """One row of section 一 of the sample table."""

    label: str
    kind: str = "text"
    hint: str | None = None
    options: list[str] | None = None
    options_from: str | None = None
    other_blank: bool = False
    fields: list[list[str]] | None = None
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class FormBasic:
    heading: str
    rows: list[FormRow]
    note: str
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class FormPlan:
    heading: str
    instructions: str
    table_title: str
    elements: list[str]
    word_limit: int
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Form:
    """特色亮点活动筹备方案（样表）."""

    title: str
    file_name: str
    header_fields: list[str]
    basic: FormBasic
    plan: FormPlan
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class SiteData:
    """Everything in ``data/``, checked and cross-referenced."""

    document: Document
    modules: list[Module]
    stages: list[Stage]
    audiences: list[Audience]
    deadlines: list[Deadline]
    contacts: list[Contact]
    corrections: list[Correction]
    form: Form

    # Lookups -------------------------------------------------------------
    def module(self, key: str) -> Module:
        return next(m for m in self.modules if m.key == key)

    def deadline(self, key: str) -> Deadline:
        """A deadline by its key (pages name the one they mean, not a position)."""
        return next(d for d in self.deadlines if d.key == key)

    def contact(self, contact_id: str) -> Contact:
        return next(c for c in self.contacts if c.id == contact_id)

    def audience(self, key: str) -> Audience:
        return next(a for a in self.audiences if a.key == key)

    def deadlines_for(self, audience: str) -> list[Deadline]:
        return sorted((d for d in self.deadlines if d.audience == audience), key=lambda d: (d.due, d.key))

    def contacts_for(self, audience: str) -> list[Contact]:
        return [c for c in self.contacts if c.audience == audience]

    def form_options(self, row: FormRow) -> list[str]:
        """The options of a choice row, with ``options_from: modules`` resolved."""
        if row.options_from == "modules":
            return [m.name for m in self.modules]
        return list(row.options or [])

    def channel_of(self, deadline: Deadline) -> str:
        """The address a deadline's item goes to: an e-mail address or a URL."""
        if deadline.channel == "platform":
            return self.document.platform.url
        return self.contact(deadline.contact).emails[0]
