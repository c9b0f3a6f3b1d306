"""Read ``data/*.yaml`` into one checked :class:`SiteData`.

``load_data`` either returns the whole model or raises :class:`DataError`
listing every problem found, each with file, line and field path.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import (
    CHANNELS,
    DUE_KINDS,
    ROW_KINDS,
    Audience,
    Contact,
    Correction,
    Deadline,
    Document,
    Form,
    FormBasic,
    FormPlan,
    FormRow,
    Module,
    Parent,
    Platform,
    SiteData,
    Span,
    Stage,
)
from .schema import (
    EMAIL,
    KEY,
    PHONE,
    URL,
    Choice,
    DataError,
    Date,
    F,
    Integer,
    ListOf,
    Problem,
    Problems,
    Record,
    Text,
    Type,
    compose_file,
)

LONG = Text(single_line=False, max_len=5000)


class _Flag(Type):
    """true / false."""

    def check(self, node, path, out):
        value = getattr(node, "value", None)
        if node.tag == "tag:yaml.org,2002:bool" and isinstance(value, str):
            return value.lower() in ("true", "yes", "on")
        out.add(node, path, "应为 true 或 false")
        return None


DOCUMENT = Record(
    {
        "issuer": F(Text()),
        "number": F(Text()),
        "date": F(Date()),
        "title": F(Text()),
        "recipients": F(ListOf(Text(), min_items=1)),
        "attachment": F(Text()),
        "category": F(Text()),
        "holiday": F(Date()),
        "holiday_edition": F(Text()),
        "theme": F(Text()),
        "campaign": F(Record({"start": F(Date()), "end": F(Date())}, Span)),
        "parent": F(
            Record(
                {"issuer": F(Text()), "short_issuer": F(Text()), "number": F(Text()), "title": F(Text())},
                Parent,
            )
        ),
        "platform": F(Record({"name": F(Text()), "url": F(URL)}, Platform)),
    },
    Document,
)

MODULES = Record(
    {
        "modules": F(
            ListOf(
                Record({"key": F(KEY), "name": F(Text()), "summary": F(LONG)}, Module),
                min_items=1,
            )
        )
    }
)

STAGES = Record(
    {
        "stages": F(
            ListOf(
                Record(
                    {
                        "key": F(KEY),
                        "name": F(Text()),
                        "start": F(Date()),
                        "end": F(Date()),
                        "focus": F(LONG),
                        "end_with_month": F(_Flag(), required=False, default=False),
                    },
                    Stage,
                ),
                min_items=1,
            )
        ),
        "audiences": F(
            ListOf(
                Record(
                    {
                        "key": F(KEY),
                        "name": F(Text()),
                        "short": F(Text()),
                        "sends_to": F(Text()),
                        "source": F(Text()),
                    },
                    Audience,
                ),
                min_items=1,
            )
        ),
        "deadlines": F(
            ListOf(
                Record(
                    {
                        "key": F(KEY),
                        "audience": F(KEY),
                        "what": F(Text()),
                        "due": F(Date()),
                        "due_kind": F(Choice(*DUE_KINDS)),
                        "format": F(Text()),
                        "channel": F(Choice(*CHANNELS)),
                        "contact": F(KEY),
                        "note": F(Text(), required=False),
                        "short": F(Text(max_len=12), required=False),
                        "word_limit": F(Integer(1, 100000), required=False),
                    },
                    Deadline,
                ),
                min_items=1,
            )
        ),
    }
)

CONTACTS = Record(
    {
        "contacts": F(
            ListOf(
                Record(
                    {
                        "id": F(KEY),
                        "organization": F(Text()),
                        "department": F(Text()),
                        "purpose": F(Text()),
                        "audience": F(KEY),
                        "people": F(ListOf(Text(), min_items=1)),
                        "phones": F(ListOf(PHONE, min_items=1)),
                        "emails": F(ListOf(EMAIL), required=False, default=()),
                        "source": F(Text()),
                    },
                    Contact,
                ),
                min_items=1,
            )
        )
    }
)

CORRECTIONS = Record(
    {
        "corrections": F(
            ListOf(
                Record(
                    {"where": F(Text()), "original": F(LONG), "corrected": F(LONG), "reason": F(LONG)},
                    Correction,
                )
            )
        )
    }
)

FORM = Record(
    {
        "title": F(Text()),
        "file_name": F(Text()),
        "header_fields": F(ListOf(Text(), min_items=1)),
        "basic": F(
            Record(
                {
                    "heading": F(Text()),
                    "rows": F(
                        ListOf(
                            Record(
                                {
                                    "label": F(Text()),
                                    "kind": F(Choice(*ROW_KINDS), required=False, default="text"),
                                    "hint": F(Text(), required=False),
                                    "options": F(ListOf(Text(), min_items=1), required=False),
                                    "options_from": F(Choice("modules"), required=False),
                                    "other_blank": F(_Flag(), required=False, default=False),
                                    "fields": F(ListOf(ListOf(Text(), min_items=1), min_items=1), required=False),
                                },
                                FormRow,
                            ),
                            min_items=1,
                        )
                    ),
                    "note": F(LONG),
                },
                FormBasic,
            )
        ),
        "plan": F(
            Record(
                {
                    "heading": F(Text()),
                    "instructions": F(LONG),
                    "table_title": F(Text()),
                    "elements": F(ListOf(Text(), min_items=1, unique=True)),
                    "word_limit": F(Integer(1, 100000)),
                },
                FormPlan,
            )
        ),
    },
    Form,
)

# file name -> schema; the order is the order problems are reported in.
FILES: dict[str, Record] = {
    "document.yaml": DOCUMENT,
    "modules.yaml": MODULES,
    "stages.yaml": STAGES,
    "contacts.yaml": CONTACTS,
    "corrections.yaml": CORRECTIONS,
    "form.yaml": FORM,
}


def shown(path: Path, root: Path | None) -> str:
    """The file name as a maintainer sees it: relative to the project root."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def load_data(data_dir: Path, root: Path | None = None) -> SiteData:
    """Load and check every data file; raise DataError with all problems."""
    data_dir = Path(data_dir)
    if root is None:
        root = data_dir.parent
    problems: list[Problem] = []
    parsed: dict[str, object] = {}
    names: dict[str, str] = {}
    for file_name, schema in FILES.items():
        name = shown(data_dir / file_name, root)
        names[file_name] = name
        node = compose_file(data_dir / file_name, name, problems)
        if node is None:
            continue
        out = Problems(name)
        parsed[file_name] = schema.check(node, "", out)
        problems.extend(out.items)
    for extra in sorted(data_dir.glob("*.y*ml")):
        if extra.name not in FILES:
            problems.append(
                Problem(shown(extra, root), None, "", f"不认识的数据文件；data/ 中只能有：{'、'.join(FILES)}")
            )
    # Checks across records and files run on every file that parsed, so one
    # broken file does not hide the problems of another.
    problems.extend(cross_check(parsed, names))
    if problems or len(parsed) != len(FILES) or any(v is None for v in parsed.values()):
        raise DataError(problems)
    return SiteData(
        document=parsed["document.yaml"],
        modules=parsed["modules.yaml"]["modules"],
        stages=parsed["stages.yaml"]["stages"],
        audiences=parsed["stages.yaml"]["audiences"],
        deadlines=parsed["stages.yaml"]["deadlines"],
        contacts=parsed["contacts.yaml"]["contacts"],
        corrections=parsed["corrections.yaml"]["corrections"],
        form=parsed["form.yaml"],
    )


def cross_check(parsed: dict[str, object], names: dict[str, str]) -> list[Problem]:
    """Checks that span records or files: order, overlap, references.

    ``parsed`` maps a file name to its checked content, or to None where the
    file had errors; each check runs when the files it needs are usable.
    """
    problems: list[Problem] = []

    def add(file_name: str, line: int | None, path: str, message: str) -> None:
        problems.append(Problem(names[file_name], line, path, message))

    doc = parsed.get("document.yaml")
    stages_file = parsed.get("stages.yaml")
    modules_file = parsed.get("modules.yaml")
    contacts_file = parsed.get("contacts.yaml")
    form = parsed.get("form.yaml")

    if modules_file:
        _unique(modules_file["modules"], "key", "modules", "modules.yaml", add)
    if contacts_file:
        _unique(contacts_file["contacts"], "id", "contacts", "contacts.yaml", add)
    if stages_file:
        _unique(stages_file["stages"], "key", "stages", "stages.yaml", add)
        _unique(stages_file["audiences"], "key", "audiences", "stages.yaml", add)
        _unique(stages_file["deadlines"], "key", "deadlines", "stages.yaml", add)
        _check_stages(stages_file, doc, add)
        _check_deadlines(stages_file, doc, contacts_file, add)
        if contacts_file:
            _check_contact_audiences(contacts_file, stages_file, add)
    if doc:
        year = doc.date.year
        if doc.campaign.end < doc.campaign.start:
            add("document.yaml", doc.campaign.lines.get("end"), "campaign.end",
                f"{doc.campaign.end} 早于开始日期 {doc.campaign.start}")
        if doc.holiday.year != year:
            add("document.yaml", doc.lines.get("holiday"), "holiday", f"{doc.holiday} 不在活动年度 {year} 年内")
    if form:
        _check_form(form, add)
    return problems


def _check_stages(stages_file: dict, doc, add) -> None:
    previous = None
    for index, stage in enumerate(stages_file["stages"]):
        path = f"stages[{index}]"
        if stage.end < stage.start:
            add("stages.yaml", stage.lines.get("end"), f"{path}.end",
                f"结束日期 {stage.end} 早于开始日期 {stage.start}")
        for key in ("start", "end"):
            if doc is None:
                break
            value, year = getattr(stage, key), doc.date.year
            if value.year != year:
                add("stages.yaml", stage.lines.get(key), f"{path}.{key}", f"{value} 不在活动年度 {year} 年内")
            elif not doc.campaign.start <= value <= doc.campaign.end:
                add("stages.yaml", stage.lines.get(key), f"{path}.{key}",
                    f"{value} 不在 document.yaml 的活动期 {doc.campaign.start} 至 {doc.campaign.end} 之内")
        if previous is not None and stage.start <= previous.end:
            add("stages.yaml", stage.lines.get("start"), f"{path}.start",
                f"开始日期 {stage.start} 与上一阶段（{previous.name}，到 {previous.end} 结束）重叠或顺序颠倒")
        previous = stage


def _check_deadlines(stages_file: dict, doc, contacts_file: dict | None, add) -> None:
    audience_keys = {a.key for a in stages_file["audiences"]}
    contact_ids = {c.id: c for c in contacts_file["contacts"]} if contacts_file else None
    for index, item in enumerate(stages_file["deadlines"]):
        path = f"deadlines[{index}]"
        if item.audience not in audience_keys:
            add("stages.yaml", item.lines.get("audience"), f"{path}.audience",
                f"“{item.audience}”不是已定义的报送对象，可用：{'、'.join(sorted(audience_keys))}")
        if contact_ids is None:
            pass
        elif item.contact not in contact_ids:
            add("stages.yaml", item.lines.get("contact"), f"{path}.contact",
                f"“{item.contact}”不是 contacts.yaml 中的联系人 id，可用：{'、'.join(contact_ids)}")
        elif item.channel == "email" and not contact_ids[item.contact].emails:
            add("stages.yaml", item.lines.get("channel"), f"{path}.channel",
                f"channel 为 email，但联系人“{item.contact}”没有填写邮箱")
        if doc is not None and item.due.year != doc.date.year:
            add("stages.yaml", item.lines.get("due"), f"{path}.due", f"{item.due} 不在活动年度 {doc.date.year} 年内")
        elif doc is not None and item.due < doc.date:
            add("stages.yaml", item.lines.get("due"), f"{path}.due",
                f"{item.due} 早于通知的成文日期 {doc.date}")
        if item.due_kind == "month_end":
            import calendar

            last = calendar.monthrange(item.due.year, item.due.month)[1]
            if item.due.day != last:
                add("stages.yaml", item.lines.get("due"), f"{path}.due",
                    f"due_kind 为 month_end（月底前），日期应为该月最后一天 {item.due.year}-{item.due.month:02d}-{last}")
        if item.word_limit is not None:
            for key in ("what", "format"):
                stated = re.findall(r"(\d+)\s*字", getattr(item, key))
                if any(int(n) != item.word_limit for n in stated):
                    add("stages.yaml", item.lines.get(key), f"{path}.{key}",
                        f"写的是“{'、'.join(n + '字' for n in stated)}”，与 word_limit: {item.word_limit} 不一致")



def _check_contact_audiences(contacts_file: dict, stages_file: dict, add) -> None:
    audience_keys = {a.key for a in stages_file["audiences"]}
    for index, contact in enumerate(contacts_file["contacts"]):
        if contact.audience not in audience_keys:
            add("contacts.yaml", contact.lines.get("audience"), f"contacts[{index}].audience",
                f"“{contact.audience}”不是 stages.yaml 中已定义的报送对象，可用：{'、'.join(sorted(audience_keys))}")



def _check_form(form, add) -> None:
    for index, row in enumerate(form.basic.rows):
        path = f"basic.rows[{index}]"
        if row.kind == "choice" and not (row.options or row.options_from):
            add("form.yaml", row.lines.get(""), path, "kind 为 choice 时须写 options 或 options_from")
        if row.kind == "choice" and row.options and row.options_from:
            add("form.yaml", row.lines.get("options"), f"{path}.options", "options 与 options_from 只能写一个")
        if row.kind != "choice" and (row.options or row.options_from or row.other_blank):
            add("form.yaml", row.lines.get(""), path, "只有 kind: choice 的行才能有选项")
        if row.kind == "contact" and not row.fields:
            add("form.yaml", row.lines.get(""), path, "kind 为 contact 时须写 fields")
        if row.kind != "contact" and row.fields:
            add("form.yaml", row.lines.get("fields"), f"{path}.fields", "只有 kind: contact 的行才能有 fields")


def _unique(items, attr: str, list_name: str, file_name: str, add) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            add(file_name, item.lines.get(attr), f"{list_name}[{index}].{attr}",
                f"“{value}”与 {list_name}[{seen[value]}] 重复，每个 {attr} 只能用一次")
        else:
            seen[value] = index
