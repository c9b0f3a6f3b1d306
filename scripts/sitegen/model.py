"""Typed objects for every kind of fact in ``data/``.

``Site`` is the whole of ``data/``: the site-wide facts (``data/site.yaml``)
and one ``Edition`` per year folder (``data/<year>/``). An edition is passed
down the pipeline as a value; nothing reads "the" edition from a global.

Each object is immutable. ``lines`` maps a field name to its line in the
YAML file ("" is the record itself) so that checks run after loading can
still point at the right line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .errors import MissingItem

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
    """One year's notice (学秘函) and the plan it forwards."""

    status: str  # "published" or "draft"
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
    primary: bool = False  # the audience this site serves first (its deadlines lead the home page)
    lines: dict[str, int] = _lines()


DUE_KINDS = ("on", "before", "month_end")
CHANNELS = ("email", "platform")
SUGGESTIBLE = ("format", "channel")  # parts of a deadline the site may suggest when the text is silent


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
    featured: bool = False  # the deadline whose mailbox the status box and WeChat hint offer
    suggested: tuple[str, ...] = ()  # which of format / channel the site suggests (the text does not say)
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


@dataclass(frozen=True)
class Change:
    """One change note (data/<year>/changes.yaml): when a fact readers see changed, and what to do."""

    date: dt.date
    note: str
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class FactChange:
    """A fact readers see whose value differs between two versions of an edition's data.

    ``kind``/``key``/``field`` identify the fact whatever its position
    (``("deadline", "members-plan", "due")``); ``path``, ``file`` and ``line``
    say where it is written now (or was, when it was removed). ``old`` and
    ``new`` are the values (a date, a text, a list of texts; None when the
    record did not exist). ``date`` is the date of the change note that came
    with it (None when compared without notes, as the pull-request check does).
    """

    kind: str
    key: str
    field: str
    old: object
    new: object
    path: str
    file: str
    line: int | None
    label: str = ""  # what the fact is, in words: 活动筹备方案的截止时间
    date: dt.date | None = None
    note: str = ""  # the change note that came with it


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
    inferred: str | None = None  # the site's completion of a truncated label, shown as label［inferred］
    lines: dict[str, int] = _lines()

    @property
    def shown_label(self) -> str:
        """The label as the form shows it: 主办单位［邮寄地址］ when the site completed it."""
        return f"{self.label}［{self.inferred}］" if self.inferred else self.label


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


STATUSES = ("published", "draft")


@dataclass(frozen=True)
class Edition:
    """One year's notice: everything in ``data/<year>/``, checked and cross-referenced."""

    key: str  # the folder name, a year: "2027"
    document: Document
    modules: list[Module]
    stages: list[Stage]
    audiences: list[Audience]
    deadlines: list[Deadline]
    contacts: list[Contact]
    corrections: list[Correction]
    form: Form
    data_dir: str = ""  # data/2027, as the maintainer sees it (for messages)
    changes: list[Change] = field(default_factory=list)  # change notes, newest first
    # Facts changed with a change note, oldest first (from git history: sitegen.history); empty outside git.
    history: tuple[FactChange, ...] = ()

    @property
    def year(self) -> int:
        return int(self.key)

    @property
    def is_draft(self) -> bool:
        return self.document.status == "draft"

    @property
    def latest_change(self) -> Change | None:
        return self.changes[0] if self.changes else None

    def change_of(self, kind: str, key: str, field_name: str) -> FactChange | None:
        """The latest noted change of one fact, if the value shown now is the one it changed to."""
        found = [c for c in self.history if (c.kind, c.key, c.field) == (kind, key, field_name)]
        return found[-1] if found else None

    def changes_of(self, facts: list[tuple[str, str, str]]) -> list[FactChange]:
        """Every noted change of any of ``facts``, oldest first."""
        wanted = set(facts)
        return [c for c in self.history if (c.kind, c.key, c.field) in wanted]

    # Lookups -------------------------------------------------------------
    def _find(self, items, attr: str, value: str, what: str, file_name: str):
        for item in items:
            if getattr(item, attr) == value:
                return item
        known = "、".join(getattr(i, attr) for i in items) or "（无）"
        raise MissingItem(f"{self.data_dir or 'data/' + self.key}/{file_name} 中没有 {attr} 为“{value}”的{what}；现有：{known}")

    def module(self, key: str) -> Module:
        return self._find(self.modules, "key", key, "模块", "modules.yaml")

    def deadline(self, key: str) -> Deadline:
        """A deadline by its key (pages name the one they mean, not a position)."""
        return self._find(self.deadlines, "key", key, "截止时间", "stages.yaml")

    def contact(self, contact_id: str) -> Contact:
        return self._find(self.contacts, "id", contact_id, "联系人", "contacts.yaml")

    def audience(self, key: str) -> Audience:
        return self._find(self.audiences, "key", key, "报送对象", "stages.yaml")

    @property
    def primary(self) -> Audience:
        """The audience marked ``primary: true`` (the loader checks there is exactly one)."""
        return next((a for a in self.audiences if a.primary), self.audiences[0])

    @property
    def others(self) -> list[Audience]:
        """Every audience but the primary one, in data order."""
        return [a for a in self.audiences if a is not self.primary]

    @property
    def featured(self) -> Deadline:
        """The deadline marked ``featured: true``, else the primary audience's first one."""
        own = self.deadlines_for(self.primary.key) or self.deadlines
        return next((d for d in self.deadlines if d.featured), own[0])

    @property
    def office(self) -> Contact:
        """The contact who receives the featured deadline's item."""
        return self.contact(self.featured.contact)

    def deadlines_for(self, audience: str) -> list[Deadline]:
        return sorted((d for d in self.deadlines if d.audience == audience), key=lambda d: (d.due, d.key))

    def deadlines_by(self, channel: str) -> list[Deadline]:
        """Deadlines whose item goes through ``channel`` ("email" or "platform"), by date."""
        return sorted((d for d in self.deadlines if d.channel == channel), key=lambda d: (d.due, d.key))

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


@dataclass(frozen=True)
class Office:
    name: str
    email: str
    phones: list[str]
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class SiteInfo:
    """``data/site.yaml``: facts shared by every edition."""

    name: str
    society: str
    description: str
    office: Office
    pages: list[PageSpec]
    lines: dict[str, int] = _lines()


@dataclass(frozen=True)
class Site:
    """The whole of ``data/``: site-wide facts and every edition, newest first."""

    info: SiteInfo
    editions: list[Edition]

    @property
    def current(self) -> Edition:
        """The newest published edition (the loader checks there is one)."""
        return next(e for e in self.editions if not e.is_draft)

    def state_of(self, edition: Edition) -> str:
        """"current", "draft" or "archived"."""
        if edition.is_draft:
            return "draft"
        return "current" if edition.key == self.current.key else "archived"

    def edition(self, key: str) -> Edition:
        for e in self.editions:
            if e.key == key:
                return e
        raise MissingItem(f"没有 {key} 年的通知；data/ 中有：{'、'.join(e.key for e in self.editions)}")

    def without_drafts(self) -> "Site":
        return Site(self.info, [e for e in self.editions if not e.is_draft])

