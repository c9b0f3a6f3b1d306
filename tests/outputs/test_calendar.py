"""The calendar files: parsed back with icalendar, every event matches the data;
RFC 5545 framing (CRLF, folding at 75 octets); stable UIDs; fixed DTSTAMP;
one file per audience (member units' and CAST's deadlines apart); a PRODID and
UIDs of the edition's year; linked from 首页 and 时间安排."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from sitegen.model import TIMEZONE
from sitegen.outputs import calendar as ics
from sitegen.textfmt import due_text


@pytest.fixture(scope="module")
def produced(site_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("ics")
    items = ics.produce(site_data, out)
    return out, {item.key: item for item in items}


def parse(out: Path, item) -> tuple[bytes, Calendar]:
    data = (out / item.path).read_bytes()
    return data, Calendar.from_ical(data)


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def as_date(prop) -> dt.date:
    value = prop.dt
    assert type(value) is dt.date, f"{value!r} is not an all-day date"
    return value


def test_one_file_per_audience(site_data, produced):
    out, items = produced
    assert set(items) == {f"ics-{a.key}" for a in site_data.audiences}
    assert len(items) >= 2 and f"ics-{site_data.primary.key}" in items
    paths = {item.path for item in items.values()}
    assert len(paths) == len(items)
    for item in items.values():
        assert re.fullmatch(rf"downloads/kjgzzr-{site_data.key}-[a-z0-9-]+\.ics", item.path)
        assert item.format == "日历文件"
        who = site_data.audience(item.key.removeprefix("ics-"))
        assert item.file_name == f"{site_data.document.holiday.year}年全国科技工作者日-{who.short}截止时间.ics"
        assert item.date == site_data.document.date or any(c.date == item.date for c in site_data.history)
        assert (out / item.path).is_file()


def test_every_event_matches_the_data(site_data, produced):
    for audience in site_data.audiences:
        check_events(site_data, produced, audience.key)


def check_events(site_data, produced, audience: str) -> None:
    out, items = produced
    _, cal = parse(out, items[f"ics-{audience}"])
    who = site_data.audience(audience)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == f"-//{site_data.document.issuer}//{site_data.key}全国科技工作者日活动网站//ZH"
    assert str(cal["X-WR-CALNAME"]) == ics.calendar_name(site_data, audience)
    assert who.short in str(cal["X-WR-CALNAME"])
    found = events(cal)
    stamp = dt.datetime.combine(site_data.document.date, dt.time(0), tzinfo=TIMEZONE)

    expected_uids = set()
    for stage in site_data.stages:
        uid = ics.uid(site_data, "stage", stage.key)
        expected_uids.add(uid)
        event = found[uid]
        assert stage.key in uid and site_data.key in uid
        assert as_date(event["DTSTART"]) == stage.start
        assert as_date(event["DTEND"]) == stage.end + dt.timedelta(days=1)  # exclusive end
        assert stage.name in str(event["SUMMARY"])
        assert stage.focus in str(event["DESCRIPTION"])
        assert event["DTSTAMP"].dt == stamp

    holiday = found[ics.uid(site_data, "day", "holiday")]
    expected_uids.add(str(holiday["UID"]))
    assert as_date(holiday["DTSTART"]) == site_data.document.holiday

    for item in site_data.deadlines_for(audience):
        uid = ics.uid(site_data, "due", item.key)
        expected_uids.add(uid)
        event = found[uid]
        assert item.key in uid
        assert as_date(event["DTSTART"]) == item.due
        assert as_date(event["DTEND"]) == item.due + dt.timedelta(days=1)
        assert item.what in str(event["SUMMARY"]) and due_text(item) in str(event["SUMMARY"])
        description = str(event["DESCRIPTION"])
        # The audience is named in every deadline, and so are format and channel.
        assert who.name in description and who.short in description
        assert item.format in description
        assert site_data.channel_of(item) in description
        assert who.short in [str(c) for c in event["CATEGORIES"].cats]
        assert event["DTSTAMP"].dt == stamp
        # Two reminders, both at 09:00 local time: three days before and on the due day.
        alarms = event.walk("VALARM")
        assert len(alarms) == 2, f"{item.key}: {len(alarms)} alarms"
        fires = []
        for alarm in alarms:
            assert str(alarm["ACTION"]) == "DISPLAY"  # RFC 5545 3.6.6: DISPLAY needs DESCRIPTION and TRIGGER
            assert item.what in str(alarm["DESCRIPTION"])
            trigger = alarm["TRIGGER"]
            assert isinstance(trigger.dt, dt.timedelta)  # relative to DTSTART (no RELATED=END)
            assert trigger.params.get("RELATED", "START") == "START"
            fires.append(dt.datetime.combine(item.due, dt.time(0)) + trigger.dt)
        assert sorted(fires) == [dt.datetime.combine(item.due - dt.timedelta(days=3), dt.time(9)),
                                 dt.datetime.combine(item.due, dt.time(9))], f"{item.key}: {fires}"
        assert len({str(a["UID"]) for a in alarms}) == 2
        on_the_day = [a for a in alarms if a["TRIGGER"].dt == dt.timedelta(hours=9)][0]
        assert "今天" in str(on_the_day["DESCRIPTION"])

    # Nothing else, and none of the other audience's deadlines.
    assert set(found) == expected_uids
    others = [d for d in site_data.deadlines if d.audience != audience]
    assert others
    for item in others:
        assert ics.uid(site_data, "due", item.key) not in found


def test_uids_are_unique_and_stable(site_data, produced, tmp_path):
    out, items = produced
    again = {i.key: i for i in ics.produce(site_data, tmp_path)}
    all_uids = []
    for key, item in items.items():
        data, cal = parse(out, item)
        assert (tmp_path / again[key].path).read_bytes() == data  # same data, same bytes
        all_uids += [str(c["UID"]) for c in cal.walk() if "UID" in c]
    per_file = {}
    for key, item in items.items():
        _, cal = parse(out, item)
        uids = [str(c["UID"]) for c in cal.walk() if "UID" in c]
        assert len(uids) == len(set(uids)), f"{key}: duplicate UIDs"
        per_file[key] = set(uids)
    # Shared events (stages, the holiday) carry the same UID in every file, so
    # importing several never duplicates them; deadlines appear in one file only.
    shared = set.intersection(*per_file.values())
    assert shared == {ics.uid(site_data, "stage", s.key) for s in site_data.stages} | {
        ics.uid(site_data, "day", "holiday")
    }
    for item in site_data.deadlines:
        uid = ics.uid(site_data, "due", item.key)
        assert [key for key, uids in per_file.items() if uid in uids] == [f"ics-{item.audience}"], item.key


def test_uids_differ_between_editions(site_data):
    """The same keys in another year's notice give other UIDs: importing two years never merges their events."""
    other = dataclasses.replace(site_data, key=str(site_data.year + 1), document=dataclasses.replace(
        site_data.document, holiday=site_data.document.holiday.replace(year=site_data.year + 1)))
    for stage in site_data.stages:
        assert ics.uid(other, "stage", stage.key) != ics.uid(site_data, "stage", stage.key)


def test_no_clock_in_the_file(site_data, produced):
    out, items = produced
    for item in items.values():
        data = (out / item.path).read_bytes().decode()
        stamps = set(re.findall(r"DTSTAMP:(\d{8})", data))
        # DTSTAMP is the notice date (00:00 Beijing time, written in UTC).
        assert stamps == {ics.dtstamp(site_data).strftime("%Y%m%d")}
        assert ics.dtstamp(site_data).astimezone(TIMEZONE).date() == site_data.document.date


def test_crlf_and_folding(produced):
    out, items = produced
    for item in items.values():
        data = (out / item.path).read_bytes()
        assert data.endswith(b"\r\n")
        assert b"\n" not in data.replace(b"\r\n", b""), "bare LF"
        assert b"\r" not in data.replace(b"\r\n", b""), "bare CR"
        lines = data.split(b"\r\n")[:-1]
        folded = 0
        for line in lines:
            assert len(line) <= 75, f"{len(line)} octets: {line[:40]!r}"
            line.decode("utf-8")  # folding never splits a character
            folded += line.startswith(b" ")
        assert folded, "long Chinese descriptions should need folding"
        unfolded = data.replace(b"\r\n ", b"")
        assert b"BEGIN:VCALENDAR" in unfolded and unfolded.rstrip().endswith(b"END:VCALENDAR")


def test_calendar_follows_the_data(site_data, tmp_path):
    """Another due date in the data gives another date in the file."""
    first = site_data.deadlines_for(site_data.primary.key)[0]
    moved = dataclasses.replace(first, due=first.due + dt.timedelta(days=2))
    changed = dataclasses.replace(site_data, deadlines=[moved if d is first else d for d in site_data.deadlines])
    item = next(i for i in ics.produce(changed, tmp_path) if i.key == f"ics-{site_data.primary.key}")
    _, cal = parse(tmp_path, item)
    event = events(cal)[ics.uid(site_data, "due", first.key)]
    assert as_date(event["DTSTART"]) == moved.due


def test_linked_from_home_and_timeline(edition_dir, site_data):
    home = (edition_dir / "index.html").read_text(encoding="utf-8")
    timeline = (edition_dir / "timeline" / "index.html").read_text(encoding="utf-8")
    primary = ics.path_for(site_data, site_data.primary.key)
    assert f'href="{primary}"' in home
    for audience in site_data.audiences:
        path = ics.path_for(site_data, audience.key)
        assert f'href="../{path}"' in timeline
        assert (edition_dir / path).is_file()
        Calendar.from_ical((edition_dir / path).read_bytes())


def test_site_root_links_the_current_editions_calendar(built_site, site_model):
    current = site_model.current
    home = (built_site / "index.html").read_text(encoding="utf-8")
    path = f"{current.key}/{ics.path_for(current, current.primary.key)}"
    assert f'href="{path}"' in home and (built_site / path).is_file()
