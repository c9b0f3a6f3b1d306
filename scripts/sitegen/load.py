"""Read ``data/site.yaml`` and every ``data/<year>/*.yaml`` into one checked :class:`Site`.

``load_site`` either returns the whole model or raises :class:`DataError`
listing every problem found, each with file, line and field path.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import (
    CHANNELS,
    SUGGESTIBLE,
    DUE_KINDS,
    ROW_KINDS,
    Audience,
    Change,
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
    STATUSES,
    Edition,
    Office,
    PageSpec,
    Site,
    SiteInfo,
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
    Pattern,
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


def R(fields: dict[str, F], build=None, partial: bool = False) -> Record:
    return Record(fields, build, partial=partial)


def records(item: Record, min_items: int = 1) -> ListOf:
    """A list of records in a data file: one bad item does not hide the others from the checks across files."""
    return ListOf(item, min_items=min_items, partial=True)


DOCUMENT = R(
    {
        "status": F(Choice(*STATUSES), help="发布状态：published 为已发布，draft 为草稿（只在预览中出现）", example="status: draft"),
        "issuer": F(Text(), help="发文机关", example="issuer: 中国铁道学会"),
        "number": F(Text(), help="发文字号", example="number: 学秘函〔2027〕3号"),
        "date": F(Date(), help="成文日期（YYYY-MM-DD）", example="date: 2027-04-28"),
        "title": F(Text(), help="通知标题", example="title: 关于转发……的通知"),
        "recipients": F(ListOf(Text(), min_items=1), help="主送单位，每个一行", example="recipients: [各分支机构]"),
        "attachment": F(Text(), help="附件名称", example="attachment: 2027年“全国科技工作者日”活动实施方案"),
        "category": F(Text(), help="主题分类", example="category: 学术交流与科普 / 科技工作者日"),
        "holiday": F(Date(), help="全国科技工作者日的日期", example="holiday: 2027-05-30"),
        "holiday_edition": F(Text(), help="第几个科技工作者日", example="holiday_edition: 第5个“全国科技工作者日”"),
        "theme": F(Text(), help="节日主题", example="theme: 众心向党，自立自强"),
        "campaign": F(
            R({"start": F(Date(), help="活动开始日期", example="start: 2027-05-10"),
               "end": F(Date(), help="活动结束日期", example="end: 2027-06-30")}, Span),
            help="活动期（start 开始、end 结束）", example="campaign: {start: 2027-05-10, end: 2027-06-30}",
        ),
        "parent": F(
            R(
                {"issuer": F(Text(), help="上级文件的发文机关", example="issuer: 中国科学技术协会"),
                 "short_issuer": F(Text(), help="发文机关简称", example="short_issuer: 中国科协"),
                 "number": F(Text(), help="上级文件的发文字号", example="number: 科协办函组字〔2027〕12号"),
                 "title": F(Text(), help="上级文件（实施方案）的标题", example="title: 2027年“全国科技工作者日”活动实施方案")},
                Parent,
            ),
            help="所转发的中国科协文件", example="parent: {issuer: …, short_issuer: …, number: …, title: …}",
        ),
        "platform": F(
            R({"name": F(Text(), help="平台名称", example="name: 科技工作者之家"),
               "url": F(URL, help="平台网址", example="url: https://www.scimall.org.cn/")}, Platform),
            help="活动上传平台（name 名称、url 网址）", example="platform: {name: 科技工作者之家, url: https://www.scimall.org.cn/}",
        ),
    },
    Document,
    partial=False,
)

MODULES = R(
    {
        "modules": F(
            records(
                R({"key": F(KEY, help="模块标识，页面用它引用模块", example="key: unite"),
                   "name": F(Text(), help="模块名称", example="name: 凝心聚力"),
                   "summary": F(LONG, help="一句话说明", example="summary: 聚焦……")}, Module),
            ),
            help="活动模块的列表", example="modules:\n  - key: unite",
        )
    },
    partial=True,
)

STAGES = R(
    {
        "stages": F(
            records(
                R(
                    {
                        "key": F(KEY, help="阶段标识", example="key: stage1"),
                        "name": F(Text(), help="阶段名称", example="name: 第一阶段"),
                        "start": F(Date(), help="开始日期", example="start: 2027-05-10"),
                        "end": F(Date(), help="结束日期", example="end: 2027-05-25"),
                        "focus": F(LONG, help="这一阶段的重点（原文）", example="focus: 与……紧密结合"),
                        "end_with_month": F(_Flag(), required=False, default=False,
                                            help="true 时结束日期连月份写，如“6月6日-6月30日”"),
                    },
                    Stage,
                ),
            ),
            help="活动阶段的列表（1 到 6 个）", example="stages:\n  - key: stage1",
        ),
        "audiences": F(
            records(
                R(
                    {
                        "key": F(KEY, help="报送对象标识", example="key: members"),
                        "name": F(Text(), help="报送对象的全称", example="name: 学会各分支机构、各省级铁道学会及有关单位"),
                        "short": F(Text(), help="简称", example="short: 本会会员单位"),
                        "sends_to": F(Text(), help="材料报给谁", example="sends_to: 中国铁道学会学术交流与科普部"),
                        "source": F(Text(), help="依据的文件", example="source: 学秘函〔2027〕3号"),
                        "primary": F(_Flag(), required=False, default=False,
                                     help="true 表示本站主要面向的报送对象（只能有一个）"),
                    },
                    Audience,
                ),
            ),
            help="报送对象的列表", example="audiences:\n  - key: members",
        ),
        "deadlines": F(
            records(
                R(
                    {
                        "key": F(KEY, help="截止时间的标识", example="key: members-plan"),
                        "audience": F(KEY, help="哪个报送对象（audiences 中的 key）", example="audience: members"),
                        "what": F(Text(), help="报送什么", example="what: 活动筹备方案"),
                        "due": F(Date(), help="截止日期", example="due: 2027-05-08"),
                        "due_kind": F(Choice(*DUE_KINDS), help="on 为于某日，before 为某日前，month_end 为某月底前",
                                      example="due_kind: on"),
                        "format": F(Text(), help="格式要求", example="format: Word版和盖章PDF版"),
                        "channel": F(Choice(*CHANNELS), help="email 为发邮件给 contact，platform 为上传到平台",
                                     example="channel: email"),
                        "contact": F(KEY, help="收件的联系人（contacts.yaml 中的 id）", example="contact: crs-academic"),
                        "note": F(Text(), required=False, help="本站的说明（可选）"),
                        "short": F(Text(max_len=12), required=False, help="简称，用于邮件主题和文件名（可选）"),
                        "word_limit": F(Integer(1, 100000), required=False, help="原文规定的字数上限（可选）"),
                        "featured": F(_Flag(), required=False, default=False,
                                      help="true 表示状态栏突出这一项（可选，只能有一项）"),
                        "suggested": F(ListOf(Choice(*SUGGESTIBLE), unique=True), required=False, default=(),
                                       help="原文没有规定、由本站建议的要素：format（格式）、channel（报送渠道）（可选）",
                                       example="suggested: [format, channel]"),
                    },
                    Deadline,
                ),
            ),
            help="全部截止时间的列表", example="deadlines:\n  - key: members-plan",
        ),
    },
    partial=True,
)

CONTACTS = R(
    {
        "contacts": F(
            records(
                R(
                    {
                        "id": F(KEY, help="联系人标识，stages.yaml 用它引用", example="id: crs-academic"),
                        "organization": F(Text(), help="单位", example="organization: 中国铁道学会"),
                        "department": F(Text(), help="部门", example="department: 学术交流与科普部"),
                        "purpose": F(Text(), help="找这个联系人办什么事", example="purpose: 本会会员单位报送活动筹备方案"),
                        "audience": F(KEY, help="面向哪个报送对象（stages.yaml 中的 key）", example="audience: members"),
                        "people": F(ListOf(Text(), min_items=1), help="联系人姓名", example="people: [陈若水]"),
                        "phones": F(ListOf(PHONE, min_items=1), help="电话", example="phones: [010-51871797]"),
                        "emails": F(ListOf(EMAIL), required=False, default=(), help="邮箱（可选）"),
                        "source": F(Text(), help="出处", example="source: 学秘函〔2027〕3号"),
                    },
                    Contact,
                ),
            ),
            help="联系人的列表", example="contacts:\n  - id: crs-academic",
        )
    },
    partial=True,
)

CORRECTIONS = R(
    {
        "corrections": F(
            records(
                R(
                    {"where": F(Text(), help="位置", example="where: 实施方案 一、指导思想"),
                     "original": F(LONG, help="转录稿原样", example="original: 提提升"),
                     "corrected": F(LONG, help="本站采用的文字", example="corrected: 提升"),
                     "reason": F(LONG, help="为什么这样改", example="reason: 重复录入")},
                    Correction,
                ),
                min_items=0,
            ),
            help="勘误记录的列表，没有勘误时写 corrections: []", example="corrections: []",
        )
    },
    partial=True,
)

CHANGES = R(
    {
        "changes": F(
            records(
                R(
                    {"date": F(Date(), help="发布这项更新的日期（YYYY-MM-DD）", example="date: 2027-05-03"),
                     "note": F(LONG, help="用一两句话写明改了什么、读者要怎么做",
                               example="note: 活动筹备方案的截止时间由5月8日改为5月9日。")},
                    Change,
                ),
                min_items=0,
            ),
            help="更新说明的列表，还没有更新时写 changes: []", example="changes: []",
        )
    },
    partial=True,
)

FORM = R(
    {
        "title": F(Text(), help="样表标题", example="title: 特色亮点活动筹备方案（样表）"),
        "file_name": F(Text(), help="下载时的文件名（不含扩展名）", example="file_name: 特色亮点活动筹备方案（样表）"),
        "header_fields": F(ListOf(Text(), min_items=1), help="表头的栏目，如单位盖章、报送时间",
                           example="header_fields: [单位盖章, 报送时间]"),
        "basic": F(
            R(
                {
                    "heading": F(Text(), help="第一部分的标题", example="heading: 一、基本信息"),
                    "rows": F(
                        ListOf(
                            R(
                                {
                                    "label": F(Text(), help="栏目名称", example="label: 活动名称"),
                                    "kind": F(Choice(*ROW_KINDS), required=False, default="text",
                                              help="text 填写、choice 勾选、contact 联系人栏"),
                                    "hint": F(Text(), required=False, help="栏目下方的小字说明"),
                                    "options": F(ListOf(Text(), min_items=1), required=False, help="勾选项"),
                                    "options_from": F(Choice("modules"), required=False,
                                                      help="写 modules 时勾选项取自 modules.yaml"),
                                    "other_blank": F(_Flag(), required=False, default=False,
                                                     help="true 时最后加一个可自填的空"),
                                    "fields": F(ListOf(ListOf(Text(), min_items=1), min_items=1), required=False,
                                                help="contact 栏的小栏目，每行一组"),
                                    "inferred": F(Text(), required=False,
                                                  help="原表栏目名残缺时本站补全的部分，显示为方括号内的文字"),
                                },
                                FormRow,
                            ),
                            min_items=1,
                        ),
                        help="基本信息表的各行", example="rows:\n  - label: 活动名称",
                    ),
                    "note": F(LONG, help="表下的注", example="note: 注：……"),
                },
                FormBasic,
            ),
            help="一、基本信息", example="basic: {heading: …, rows: […], note: …}",
        ),
        "plan": F(
            R(
                {
                    "heading": F(Text(), help="第二部分的标题", example="heading: 二、工作方案"),
                    "instructions": F(LONG, help="填写说明", example="instructions: 列出约3项……"),
                    "table_title": F(Text(), help="每张活动表的标题", example="table_title: 特色亮点活动"),
                    "elements": F(ListOf(Text(), min_items=1, unique=True), help="每项活动要写的要素",
                                  example="elements: [活动名称, 活动时间]"),
                    "word_limit": F(Integer(1, 100000), help="每项活动的字数上限", example="word_limit: 500"),
                },
                FormPlan,
            ),
            help="二、工作方案", example="plan: {heading: …, elements: […], word_limit: 500}",
        ),
    },
    Form,
)

SITE = R(
    {
        "name": F(Text(), help="网站名称（不含年份）", example="name: 全国科技工作者日活动"),
        "society": F(Text(), help="学会名称", example="society: 中国铁道学会"),
        "description": F(Text(), help="网站简介，用于搜索引擎和分享", example="description: 中国铁道学会……"),
        "office": F(
            R({"name": F(Text(), help="维护本站的部门全称", example="name: 中国铁道学会学术交流与科普部"),
               "email": F(EMAIL, help="部门邮箱", example="email: tdxh622@163.com"),
               "phones": F(ListOf(PHONE, min_items=1), help="部门电话", example="phones: [010-51871797]")}, Office),
            help="维护本站的部门（报告错误、索取其他格式时联系）", example="office: {name: …, email: …, phones: […]}",
        ),
        "pages": F(
            ListOf(R({"file": F(Pattern(r"[a-z0-9-]+\.md", "页面文件名", "notice.md"), help="docs/<年份>/ 中的文件名",
                             example="file: notice.md"),
                      "title": F(Text(), help="导航中的名称", example="title: 通知")}, PageSpec), min_items=1),
            help="每年通知的页面及导航顺序", example="pages:\n  - file: index.md\n    title: 首页",
        ),
    },
    SiteInfo,
)

# file name -> schema; the order is the order problems are reported in.
FILES: dict[str, Record] = {
    "document.yaml": DOCUMENT,
    "modules.yaml": MODULES,
    "stages.yaml": STAGES,
    "contacts.yaml": CONTACTS,
    "corrections.yaml": CORRECTIONS,
    "form.yaml": FORM,
    "changes.yaml": CHANGES,
}
# Files an edition may leave out: a missing changes.yaml is an edition with no change notes yet.
OPTIONAL_FILES = {"changes.yaml": {"changes": []}}


def shown(path: Path, root: Path | None) -> str:
    """The file name as a maintainer sees it: relative to the project root."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


YEAR_FOLDER = re.compile(r"20[0-9]{2}")


def load_site(root: Path, *, drafts: bool = True) -> Site:
    """Load ``data/site.yaml`` and every ``data/<year>/``; raise DataError with every problem of every file.

    ``drafts=False`` (what gets published) leaves ``status: draft`` editions out entirely.
    """
    root = Path(root)
    data_dir = root / "data"
    problems: list[Problem] = []
    info = _load_site_info(data_dir / "site.yaml", root, problems)
    editions: list[Edition] = []
    loaded_raw: dict[str, dict] = {}
    folders = sorted(p for p in data_dir.iterdir() if p.is_dir()) if data_dir.is_dir() else []
    for folder in folders:
        if not YEAR_FOLDER.fullmatch(folder.name):
            problems.append(Problem(shown(folder, root), None, "",
                                    f"data/ 中的文件夹名应为四位年份，例如 data/2027/；“{folder.name}”不是年份"))
            continue
        try:
            editions.append(load_edition(folder, root, raw=loaded_raw.setdefault(folder.name, {})))
        except DataError as exc:
            problems.extend(exc.problems)
    for extra in sorted(data_dir.glob("*")) if data_dir.is_dir() else []:
        if extra.is_file() and extra.name != "site.yaml" and not extra.name.startswith("."):
            problems.append(Problem(shown(extra, root), None, "",
                                    "data/ 的顶层只放 site.yaml；每年的数据文件放在 data/<年份>/ 中"))
    if not folders:
        problems.append(Problem(shown(data_dir, root), None, "", "没有任何一年的通知：请建立 data/<年份>/（见 make edition）"))
    editions.sort(key=lambda e: e.year, reverse=True)
    # A line the checks above already point at is not listed again as carried over.
    seen = {(p.file, p.line) for p in problems}
    problems.extend(p for p in carried_over(editions, loaded_raw, root) if (p.file, p.line) not in seen)
    problems.sort(key=lambda p: (p.file.split("/")[:2], p.file, p.line or 0))
    if editions and not any(not e.is_draft for e in editions) and not problems:
        newest = editions[0]
        problems.append(Problem(f"{newest.data_dir}/document.yaml", newest.document.lines.get("status"), "status",
                                "没有一年的通知是 status: published；网站至少要有一届已发布的通知"))
    if problems or info is None:
        raise DataError(problems)
    site = Site(info, editions)
    return site if drafts else site.without_drafts()


def _load_site_info(path: Path, root: Path, problems: list[Problem]) -> SiteInfo | None:
    name = shown(path, root)
    node = compose_file(path, name, problems)
    if node is None:
        return None
    out = Problems(name)
    info = SITE.check(node, "", out)
    problems.extend(out.items)
    if info is not None:
        seen: dict[str, int] = {}
        for index, page in enumerate(info.pages):
            if page.file in seen:
                problems.append(Problem(name, page.lines.get("file"), f"pages[{index}].file",
                                        f"“{page.file}”与 pages[{seen[page.file]}] 重复"))
            seen.setdefault(page.file, index)
        if "index.md" not in seen:
            problems.append(Problem(name, info.lines.get("pages"), "pages", "pages 中必须有 index.md（每年通知的首页）"))
    return info


def load_edition(data_dir: Path, root: Path | None = None, raw: dict | None = None) -> Edition:
    """Load and check every file of one ``data/<year>/``; raise DataError with all problems.

    ``raw`` (if given) receives each file's text, for the carried-over check.
    """
    data_dir = Path(data_dir)
    if root is None:
        root = data_dir.parents[1] if data_dir.parent.name == "data" else data_dir.parent
    year = data_dir.name
    problems: list[Problem] = []
    parsed: dict[str, object] = {}
    names: dict[str, str] = {}
    clean: set[str] = set()
    for file_name, schema in FILES.items():
        name = shown(data_dir / file_name, root)
        names[file_name] = name
        if file_name in OPTIONAL_FILES and not (data_dir / file_name).exists():
            parsed[file_name] = dict(OPTIONAL_FILES[file_name])
            clean.add(file_name)
            continue
        node = compose_file(data_dir / file_name, name, problems)
        if raw is not None and (data_dir / file_name).is_file():
            raw[file_name] = (name, (data_dir / file_name).read_text(encoding="utf-8", errors="replace"))
        if node is None:
            continue
        out = Problems(name)
        parsed[file_name] = schema.check(node, "", out)
        if isinstance(parsed[file_name], dict):
            for list_name, attr in RAW_KEYS.get(file_name, ()):
                parsed[file_name][f"_{list_name}_raw_keys"] = _node_keys(node, list_name, attr)
        if not out.items:
            clean.add(file_name)
        problems.extend(out.items)
    for extra in sorted(data_dir.glob("*.y*ml")):
        if extra.name not in FILES:
            problems.append(
                Problem(shown(extra, root), None, "", f"不认识的数据文件；data/<年份>/ 中只能有：{'、'.join(FILES)}")
            )
    # Checks across records and files run on whatever parsed, so one broken
    # file (or one broken record) does not hide the problems of another.
    problems.extend(cross_check(parsed, names, year if YEAR_FOLDER.fullmatch(year) else None))
    if problems or clean != set(FILES):
        raise DataError(problems)
    return Edition(
        key=year,
        document=parsed["document.yaml"],
        modules=parsed["modules.yaml"]["modules"],
        stages=parsed["stages.yaml"]["stages"],
        audiences=parsed["stages.yaml"]["audiences"],
        deadlines=parsed["stages.yaml"]["deadlines"],
        contacts=parsed["contacts.yaml"]["contacts"],
        corrections=parsed["corrections.yaml"]["corrections"],
        form=parsed["form.yaml"],
        data_dir=shown(data_dir, root),
        changes=newest_first(parsed["changes.yaml"]["changes"]),
    )


def newest_first(changes: list[Change]) -> list[Change]:
    """Change notes newest first; of two on the same day, the one written later in the file first."""
    return [c for _, c in sorted(enumerate(changes), key=lambda pair: (pair[1].date, pair[0]), reverse=True)]


# Lists whose keys other files refer to: collected from the YAML itself, so a
# record with an error elsewhere still counts as defined.
RAW_KEYS = {"stages.yaml": (("audiences", "key"),), "contacts.yaml": (("contacts", "id"),)}


def _node_keys(node, list_name: str, attr: str) -> set[str]:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    keys: set[str] = set()
    if not isinstance(node, MappingNode):
        return keys
    for key_node, value in node.value:
        if getattr(key_node, "value", None) == list_name and isinstance(value, SequenceNode):
            for item in value.value:
                if isinstance(item, MappingNode):
                    for k, v in item.value:
                        if getattr(k, "value", None) == attr and isinstance(v, ScalarNode) and v.value.strip():
                            keys.add(v.value.strip())
    return keys


_OLD_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")


def carried_over(editions: list[Edition], raw: dict[str, dict], root: Path) -> list[Problem]:
    """Values a new edition still carries over from an older one (after ``make edition``).

    Every line under ``data/<year>/`` or ``docs/<year>/`` that names an older
    edition's year, or repeats an older edition's 发文字号, is listed.
    """
    problems: list[Problem] = []
    years = sorted(raw)
    for index, year in enumerate(years):
        older = [y for y in years[:index]]
        if not older:
            continue
        numbers = {e.document.number: e.key for e in editions if e.key in older}
        numbers.update({e.document.parent.number: e.key for e in editions if e.key in older})
        sources = [(name, text) for name, text in raw[year].values()]
        docs = root / "docs" / year
        if docs.is_dir():
            sources += [(shown(p, root), p.read_text(encoding="utf-8", errors="replace")) for p in sorted(docs.rglob("*.md"))]
        for name, text in sources:
            for line_no, line in enumerate(text.splitlines(), start=1):
                body = line.split("#", 1)[0] if name.endswith(".yaml") else line
                found = [n for n in numbers if n in body]
                if found:
                    problems.append(Problem(name, line_no, "",
                                            f"仍是 {numbers[found[0]]} 年的发文字号“{found[0]}”，请改为 {year} 年的"))
                    continue
                old = sorted({y for y in _OLD_YEAR.findall(body) if y in older})
                if old:
                    problems.append(Problem(name, line_no, "",
                                            f"仍写着 {'、'.join(old)} 年（从旧通知复制来的？）：{body.strip()[:60]}；请改为 {year} 年的内容"))
    return problems


def cross_check(parsed: dict[str, object], names: dict[str, str], year: str | None = None) -> list[Problem]:
    """Checks that span records or files: order, overlap, references, the year.

    ``parsed`` maps a file name to its checked content: a whole object, or
    (for the files of lists) a dict whose lists hold the records that checked
    and whose failed fields are None. Each check runs on what is usable.
    """
    problems: list[Problem] = []

    def add(file_name: str, line: int | None, path: str, message: str) -> None:
        problems.append(Problem(names[file_name], line, path, message))

    def part(file_name: str, key: str) -> list:
        value = parsed.get(file_name)
        return list((value or {}).get(key) or []) if isinstance(value, dict) else []

    doc = parsed.get("document.yaml")
    modules = part("modules.yaml", "modules")
    contacts = part("contacts.yaml", "contacts")
    stages, audiences, deadlines = (part("stages.yaml", k) for k in ("stages", "audiences", "deadlines"))
    form = parsed.get("form.yaml")

    _unique(modules, "key", "modules", "modules.yaml", add)
    _unique(contacts, "id", "contacts", "contacts.yaml", add)
    _unique(stages, "key", "stages", "stages.yaml", add)
    _unique(audiences, "key", "audiences", "stages.yaml", add)
    _unique(deadlines, "key", "deadlines", "stages.yaml", add)
    if len(stages) > 6:
        add("stages.yaml", stages[6].lines.get(""), "stages", f"最多 6 个阶段，现在有 {len(stages)} 个")
    if len(modules) > 8:
        add("modules.yaml", modules[8].lines.get(""), "modules", f"最多 8 个模块，现在有 {len(modules)} 个")
    # The edition's year: its folder name. Every date of the edition must be in it.
    the_year = int(year) if year else (doc.date.year if doc else None)
    _check_stages(stages, doc, the_year, add)
    # References are checked against every key written in the file, even in a
    # record that has other errors, so a typo there is not reported twice.
    audience_keys = _raw_keys(parsed, "stages.yaml", "audiences", "key", audiences)
    contact_map = {c.id: c for c in contacts}
    contact_keys = _raw_keys(parsed, "contacts.yaml", "contacts", "id", contacts)
    _check_deadlines(deadlines, doc, the_year, audience_keys, contact_keys, contact_map, add)
    _check_flags(audiences, deadlines, add)
    if parsed.get("contacts.yaml") is not None and parsed.get("stages.yaml") is not None:
        for index, contact in enumerate(contacts):
            if audience_keys is not None and contact.audience not in audience_keys:
                add("contacts.yaml", contact.lines.get("audience"), f"contacts[{index}].audience",
                    f"“{contact.audience}”不是 stages.yaml 中已定义的报送对象，可用：{'、'.join(sorted(audience_keys))}")
    if doc:
        if the_year is not None and doc.date.year != the_year:
            add("document.yaml", doc.lines.get("date"), "date",
                f"成文日期 {doc.date} 不在 {the_year} 年内（文件夹是 data/{the_year}/；从旧通知复制来的日期？）")
        if doc.campaign.end < doc.campaign.start:
            add("document.yaml", doc.campaign.lines.get("end"), "campaign.end",
                f"{doc.campaign.end} 早于开始日期 {doc.campaign.start}")
        for key, value, line in (("holiday", doc.holiday, doc.lines.get("holiday")),
                                 ("campaign.start", doc.campaign.start, doc.campaign.lines.get("start")),
                                 ("campaign.end", doc.campaign.end, doc.campaign.lines.get("end"))):
            if the_year is not None and value.year != the_year:
                add("document.yaml", line, key, f"{value} 不在 {the_year} 年内")
    if form:
        _check_form(form, add)
    for index, change in enumerate(part("changes.yaml", "changes")):
        where = change.lines.get("date")
        if the_year is not None and change.date.year != the_year:
            add("changes.yaml", where, f"changes[{index}].date", f"{change.date} 不在 {the_year} 年内")
        elif doc is not None and change.date < doc.date:
            add("changes.yaml", where, f"changes[{index}].date",
                f"{change.date} 早于通知的成文日期 {doc.date}；更新说明的日期是发布这项更新的那一天")
    return problems


def _raw_keys(parsed: dict, file_name: str, list_name: str, attr: str, checked: list) -> set[str] | None:
    """Keys of a list as far as they can be known; None when the file did not parse at all."""
    value = parsed.get(file_name)
    if not isinstance(value, dict) or value.get(list_name) is None:
        return None
    return {getattr(item, attr) for item in checked} | set(value.get(f"_{list_name}_raw_keys", ()))


def _check_flags(audiences: list, deadlines: list, add) -> None:
    primary = [(i, a) for i, a in enumerate(audiences) if a.primary]
    if audiences and not primary:
        add("stages.yaml", audiences[0].lines.get(""), "audiences",
            "要有一个报送对象写 primary: true（本站主要面向的报送对象，例如 本会会员单位），例如在 key: members 下加一行 primary: true")
    for index, audience in primary[1:]:
        add("stages.yaml", audience.lines.get("primary"), f"audiences[{index}].primary",
            f"只能有一个报送对象写 primary: true，audiences[{primary[0][0]}] 已经写了")
    featured = [(i, d) for i, d in enumerate(deadlines) if d.featured]
    for index, item in featured[1:]:
        add("stages.yaml", item.lines.get("featured"), f"deadlines[{index}].featured",
            f"只能有一项截止时间写 featured: true，deadlines[{featured[0][0]}] 已经写了")
    if primary and featured and featured[0][1].audience != primary[0][1].key:
        index, item = featured[0]
        add("stages.yaml", item.lines.get("featured"), f"deadlines[{index}].featured",
            f"featured 的截止时间应属于 primary 报送对象“{primary[0][1].key}”，这一项属于“{item.audience}”")
    if primary and deadlines and not any(d.audience == primary[0][1].key for d in deadlines):
        add("stages.yaml", primary[0][1].lines.get(""), "deadlines",
            f"primary 报送对象“{primary[0][1].key}”没有任何截止时间")


def _check_stages(stages: list, doc, year: int | None, add) -> None:
    previous = None
    for index, stage in enumerate(stages):
        path = f"stages[{index}]"
        if stage.end < stage.start:
            add("stages.yaml", stage.lines.get("end"), f"{path}.end",
                f"结束日期 {stage.end} 早于开始日期 {stage.start}")
        for key in ("start", "end"):
            value = getattr(stage, key)
            if year is not None and value.year != year:
                add("stages.yaml", stage.lines.get(key), f"{path}.{key}", f"{value} 不在 {year} 年内")
            elif doc is not None and not doc.campaign.start <= value <= doc.campaign.end:
                add("stages.yaml", stage.lines.get(key), f"{path}.{key}",
                    f"{value} 不在 document.yaml 的活动期 {doc.campaign.start} 至 {doc.campaign.end} 之内")
        if previous is not None and stage.start <= previous.end:
            add("stages.yaml", stage.lines.get("start"), f"{path}.start",
                f"开始日期 {stage.start} 与上一阶段（{previous.name}，到 {previous.end} 结束）重叠或顺序颠倒")
        previous = stage


def _check_deadlines(deadlines: list, doc, year: int | None, audience_keys, contact_keys, contacts: dict, add) -> None:
    import calendar

    for index, item in enumerate(deadlines):
        path = f"deadlines[{index}]"
        if audience_keys is not None and item.audience not in audience_keys:
            add("stages.yaml", item.lines.get("audience"), f"{path}.audience",
                f"“{item.audience}”不是已定义的报送对象，可用：{'、'.join(sorted(audience_keys))}")
        if contact_keys is not None and item.contact not in contact_keys:
            add("stages.yaml", item.lines.get("contact"), f"{path}.contact",
                f"“{item.contact}”不是 contacts.yaml 中的联系人 id，可用：{'、'.join(sorted(contact_keys))}")
        elif item.channel == "email" and item.contact in contacts and not contacts[item.contact].emails:
            add("stages.yaml", item.lines.get("channel"), f"{path}.channel",
                f"channel 为 email，但联系人“{item.contact}”没有填写邮箱")
        if year is not None and item.due.year != year:
            add("stages.yaml", item.lines.get("due"), f"{path}.due", f"{item.due} 不在 {year} 年内")
        elif doc is not None and item.due < doc.date:
            add("stages.yaml", item.lines.get("due"), f"{path}.due",
                f"{item.due} 早于通知的成文日期 {doc.date}")
        if item.due_kind == "month_end":
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
