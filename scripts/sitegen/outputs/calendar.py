"""Calendar files (RFC 5545, made with ``icalendar``): one per audience.

Member units (报学会) and CAST's direct reporters (报中国科协) have different
deadlines, so each audience gets its own file: a reader subscribes to the
dates that are theirs and never to the other set. Both files hold the three
stages (as all-day spans) and the holiday; each deadline is an all-day event
on its due date with two reminders: at 09:00 three days before, and at 09:00
on the due day itself.

Everything is derived from the data, including DTSTAMP (the notice date), so
the same data always gives the same bytes.

When a fact of an event changed with a change note (``Edition.history``,
from data/<year>/changes.yaml and git), the event keeps its UID, its
SEQUENCE is the number of change notes that changed it and its DTSTAMP and
LAST-MODIFIED move to the latest of those notes' dates: a calendar that
imports the file again, or a subscribed one, replaces the old event.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from ..model import TIMEZONE, Deadline, Edition, Stage
from ..textfmt import cn_date, due_text, phone_display, stage_span
from . import Produced, prodid, safe_file_name, version_date

# Namespace of every UID; together with the data keys it makes UIDs stable
# across builds and unique across the files of this site.
UID_DOMAIN = "kjgzzr.crs-tdxh.github.io"
REMINDER_DAYS = 3
# Clock time of the reminder on that day: an all-day event starts at 00:00,
# so "three days before, at 09:00" is a trigger of -P2DT15H.
REMINDER_AT = dt.time(9, 0)
FORMAT = "日历文件"
# Events land in a reader's own calendar among other things: say what they belong to.
EVENT_PREFIX = "科技工作者日·"


def slug(site: Edition) -> str:
    return f"kjgzzr-{site.document.holiday.year}"


def uid(site: Edition, kind: str, key: str) -> str:
    return f"{slug(site)}-{kind}-{key}@{UID_DOMAIN}"


def path_for(site: Edition, audience: str) -> str:
    return f"downloads/{slug(site)}-{audience}.ics"


def file_name(site: Edition, audience: str) -> str:
    """The name offered when saving: <year>年全国科技工作者日-本会会员单位截止时间.ics."""
    return safe_file_name(f"{site.document.holiday.year}年全国科技工作者日-{site.audience(audience).short}截止时间") + ".ics"


def calendar_facts(site: Edition, audience: str) -> list[tuple[str, str, str]]:
    """Every fact the audience's file shows (for its version date)."""
    facts = [f for s in site.stages for f in event_facts(site, "stage", s.key)] + event_facts(site, "day", "holiday")
    for item in site.deadlines_for(audience):
        facts += event_facts(site, "due", item.key)
    return facts


def calendar_name(site: Edition, audience: str) -> str:
    doc = site.document
    return f"{doc.holiday.year}年全国科技工作者日·{site.audience(audience).short}"


def dtstamp(site: Edition, day: dt.date | None = None) -> dt.datetime:
    """The notice date (or ``day``, a change note's), 00:00 Beijing time, in UTC: fixed by the data, never the clock."""
    issued = dt.datetime.combine(day or site.document.date, dt.time(0, 0), tzinfo=TIMEZONE)
    return issued.astimezone(dt.timezone.utc)


def event_facts(site: Edition, kind: str, key: str) -> list[tuple[str, str, str]]:
    """The facts (history identities) an event shows: its dates, and for a deadline its contact."""
    if kind == "stage":
        return [("stage", key, "start"), ("stage", key, "end")]
    if kind == "day":
        return [("document", "", "holiday")]
    if kind == "due":
        contact = site.deadline(key).contact
        return [("deadline", key, "due")] + [("contact", contact, f) for f in ("people", "phones", "emails")]
    return []


def revision(site: Edition, kind: str, key: str) -> tuple[int, dt.date | None, list]:
    """(SEQUENCE, date of the latest change, the changes) of one event: 0 and None when it never changed."""
    changes = site.changes_of(event_facts(site, kind, key))
    notes = {(c.date, c.note) for c in changes if c.date is not None}
    return len(notes), (max(d for d, _ in notes) if notes else None), changes


def _event(site: Edition, kind: str, key: str, summary: str, start: dt.date, end_inclusive: dt.date,
           description: str, categories: list[str]) -> Event:
    sequence, changed, changes = revision(site, kind, key)
    if changes:
        latest = changes[-1]
        description += f"\n更新（{cn_date(latest.date)}）：{latest.note}"
    event = Event()
    event.add("uid", uid(site, kind, key))
    event.add("dtstamp", dtstamp(site, changed))
    if sequence:
        event.add("sequence", sequence)
        event.add("last-modified", dtstamp(site, changed))
    event.add("summary", summary)
    event.add("dtstart", start)
    # All-day events: DTEND is the day after the last day (RFC 5545 3.6.1).
    event.add("dtend", end_inclusive + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("description", description)
    event.add("categories", categories)
    return event


def stage_event(site: Edition, stage: Stage) -> Event:
    doc = site.document
    description = "\n".join(
        [
            f"{stage.name}（{stage_span(stage)}）：{stage.focus}",
            f"适用于：全部参与单位（{'；'.join(a.name for a in site.audiences)}）。",
            f"依据：{doc.parent.short_issuer}《{doc.parent.title}》（{doc.parent.number}）“四、阶段性安排”。",
        ]
    )
    return _event(site, "stage", stage.key, f"{EVENT_PREFIX}{stage.name}（{stage_span(stage)}）", stage.start, stage.end,
                  description, ["活动阶段"])


def holiday_event(site: Edition) -> Event:
    doc = site.document
    description = f"{cn_date(doc.holiday)}是{doc.holiday_edition}。节日主题：{doc.theme}。"
    return _event(site, "day", "holiday", f"全国科技工作者日（{doc.theme}）", doc.holiday, doc.holiday,
                  description, ["节日"])


def reminder_trigger(days_before: int = REMINDER_DAYS) -> dt.timedelta:
    """Offset from the (midnight) start of the due day to a reminder ``days_before`` it, at REMINDER_AT.

    Three days before is -P2DT15H; the due day itself is PT9H (RFC 5545 3.8.6.3:
    relative to DTSTART, the all-day event's midnight in the reader's time zone)."""
    return -dt.timedelta(days=days_before) + dt.timedelta(hours=REMINDER_AT.hour, minutes=REMINDER_AT.minute)


def deadline_summary(item: Deadline) -> str:
    return f"{EVENT_PREFIX}{item.what}截止（{due_text(item)}）"


def deadline_description(site: Edition, item: Deadline) -> str:
    audience = site.audience(item.audience)
    contact = site.contact(item.contact)
    if item.channel == "email":
        channel = f"发送至邮箱 {site.channel_of(item)}"
    else:
        channel = f"上传至“{site.document.platform.name}” {site.channel_of(item)}"
    phones = "、".join(phone_display(p) for p in contact.phones)
    lines = [
        f"适用于：{audience.name}（{audience.short}，报{audience.sends_to}）。",
        f"报送内容：{item.what}",
        f"截止：{due_text(item)}（{cn_date(item.due)}）",
        f"格式：{item.format}",
        f"报送方式：{channel}",
        f"联系人：{contact.name} {'、'.join(contact.people)}，电话 {phones}",
    ]
    if item.note:
        lines.append(f"说明：{item.note}")
    lines.append(f"依据：{audience.source}")
    return "\n".join(lines)


def deadline_event(site: Edition, item: Deadline) -> Event:
    audience = site.audience(item.audience)
    event = _event(site, "due", item.key, deadline_summary(item), item.due, item.due,
                   deadline_description(site, item), ["截止时间", audience.short])
    reminders = [
        (REMINDER_DAYS, "alarm", f"{REMINDER_DAYS}天后截止：{item.what}（{due_text(item)}）"),
        (0, "alarm-due", f"今天是截止日：{item.what}（{due_text(item)}）"),
    ]
    for days_before, kind, text in reminders:
        alarm = Alarm()
        alarm.add("uid", uid(site, kind, item.key))  # RFC 9074: lets a calendar tell the two apart
        alarm.add("action", "DISPLAY")
        alarm.add("description", text)
        alarm.add("trigger", reminder_trigger(days_before))
        event.add_component(alarm)
    return event


def build_calendar(site: Edition, audience: str) -> Calendar:
    doc = site.document
    who = site.audience(audience)
    cal = Calendar()
    cal.add("prodid", prodid(site))
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name(site, audience))
    cal.add("x-wr-caldesc", f"{doc.issuer}{doc.number}：三个活动阶段和{who.short}（{who.name}）的报送截止时间。"
                            f"日期为北京时间，以正式印发文本为准。")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for stage in site.stages:
        cal.add_component(stage_event(site, stage))
    cal.add_component(holiday_event(site))
    for item in site.deadlines_for(audience):
        cal.add_component(deadline_event(site, item))
    return cal


def produce(site: Edition, out_dir: Path) -> list[Produced]:
    made: list[Produced] = []
    for audience in site.audiences:
        rel = path_for(site, audience.key)
        target = Path(out_dir) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(build_calendar(site, audience.key).to_ical())
        made.append(
            Produced(
                key=f"ics-{audience.key}",
                path=rel,
                file_name=file_name(site, audience.key),
                format=FORMAT,
                date=version_date(site, calendar_facts(site, audience.key)),
            )
        )
    return made
