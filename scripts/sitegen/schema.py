"""Declarative checks for YAML data, run directly on PyYAML nodes.

Working on nodes (not on the plain values ``yaml.safe_load`` returns) keeps
the line of every value, so each message can say ``data/x.yaml:14: path``.
All problems are collected in a :class:`Problems` list; nothing stops at the
first one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DataError, Problem  # noqa: F401 - re-exported for callers


@dataclass
class Problems:
    """Collects problems for one file."""

    file: str
    items: list[Problem] = field(default_factory=list)

    def add(self, node: Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.items.append(Problem(self.file, line, path, message))


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class _AliasError(yaml.MarkedYAMLError):
    pass


class _DataLoader(yaml.SafeLoader):
    """SafeLoader without aliases: ``*name`` could make a small file expand into a huge or endless tree."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasError(None, None, f"alias *{event.anchor}", event.start_mark)
        return super().compose_node(parent, index)


def compose_file(path: Path, shown_name: str, problems: list[Problem]) -> Node | None:
    """Parse a YAML file into a node tree, turning every failure into a problem with its line."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(shown_name, None, "", "文件不存在（file is missing）"))
        return None
    except OSError as exc:
        problems.append(Problem(shown_name, None, "", f"无法读取文件：{exc.strerror or exc}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(shown_name, line, "",
                    "不是 UTF-8 编码的文本（可能是用 GBK/ANSI 保存的），请在编辑器中改用 UTF-8 编码保存")
        )
        return None
    deep = _too_deep(text)
    if deep is not None:
        problems.append(Problem(shown_name, deep, "", f"YAML 格式错误：括号、列表或缩进嵌套超过 {MAX_DEPTH} 层，请检查 [ ] {{ }}、“- ”和行首空格是否多写了"))
        return None
    try:
        node = yaml.compose(text, Loader=_DataLoader)
    except yaml.MarkedYAMLError as exc:
        line, message = _explain_yaml_error(exc, text)
        problems.append(Problem(shown_name, line, _key_on_line(text, line), f"YAML 格式错误：{message}"))
        return None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        code = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        problems.append(
            Problem(shown_name, line, "", f"YAML 格式错误：含有不可见的控制字符（{code}），请删除这一行中的特殊字符后重新输入")
        )
        return None
    except RecursionError:
        problems.append(Problem(shown_name, None, "", "YAML 格式错误：嵌套层次太深，无法读取"))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        problems.append(Problem(shown_name, None, "", f"YAML 格式错误：{exc}"))
        return None
    if node is None:
        problems.append(Problem(shown_name, None, "", "文件是空的"))
    return node


MAX_DEPTH = 30  # real data nests 4 levels; PyYAML is slow and recursive on deep nesting


def _too_deep(text: str) -> int | None:
    """The line where brackets or "- - -" nest deeper than MAX_DEPTH, checked before parsing."""
    depth, line = 0, 1
    for match in re.finditer(r"[\n\[\]{}]", text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
    for number, content in enumerate(text.splitlines(), 1):
        if content.count("-") > MAX_DEPTH and re.match(r"\s*(?:-\s+){%d}" % MAX_DEPTH, content):
            return number
        if len(content) - len(content.lstrip(" ")) > 4 * MAX_DEPTH and content.strip():
            return number
    return None


def _explain_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """PyYAML's English error as a line and a sentence a maintainer can act on."""
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    at = mark.line + 1 if mark else None
    lines = text.splitlines()

    def line_text(number: int | None) -> str:
        return lines[number - 1] if number and 0 < number <= len(lines) else ""

    if isinstance(exc, _AliasError):
        return at, f"本站数据不使用 YAML 别名（{problem}），请把内容直接写出来"
    if "'\\t'" in problem or "\t" in problem:
        return at, "这一行用了 Tab 键缩进或分隔；YAML 只能用空格，请把 Tab 换成空格"
    if "could not find expected ':'" in problem and exc.context_mark is not None:
        # The key that lacks its colon is where the scan started, not where it gave up.
        number = exc.context_mark.line + 1
        return number, _missing_colon(line_text(number))
    if "mapping values are not allowed here" in problem:
        return at, "值里有“冒号+空格”，请给整个值加上英文引号（\"…\"），或把冒号改成全角“：”"
    if "found unexpected end of stream" in problem and "quoted scalar" in context:
        start = exc.context_mark.line + 1 if exc.context_mark else at
        return start, "引号没有配对：这一行开始的引号一直没有结束"
    if "found unknown escape character" in problem:
        return at, "双引号里的反斜杠“\\”后跟了无效字符；去掉反斜杠，或改用单引号"
    if "expected a single document" in problem or "found unexpected document separator" in problem:
        return at, "文件中只能有一份数据，请删除“---”分隔线"
    if "duplicate anchor" in problem or "undefined alias" in problem:
        return at, "本站数据不使用 YAML 锚点（&）和别名（*）"
    if "expected <block end>" in problem or "did not find expected key" in problem \
            or "did not find expected '-' indicator" in problem or "sequence entries are not allowed here" in problem:
        return at, f"缩进不齐：同一层的各行应对齐，子项比上一级多缩进两个空格（{problem}）"
    if "unclosed" in problem or "expected ',' or" in problem:
        return at, f"方括号 [ ] 或花括号 {{ }} 没有配对（{problem}）"
    return at, f"{problem or context or '无法读取'}（常见原因：缩进不齐、冒号后缺空格、引号未配对）"


def _key_on_line(text: str, line: int | None) -> str:
    """The name written at the start of a line ("due" in "  due:2027-05-08"), as the field of a syntax error."""
    lines = text.splitlines()
    if not line or not 0 < line <= len(lines):
        return ""
    match = re.match(r"\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*[:：]", lines[line - 1])
    return match.group(1) if match else ""


def _missing_colon(line: str) -> str:
    stripped = line.strip()
    if "：" in stripped and ":" not in stripped:
        return f"“{stripped}”用了全角冒号“：”；名称后面要用英文冒号“:”再加一个空格，例如 due: 2027-05-08"
    if re.match(r"^(- )?[A-Za-z_][\w-]*:\S", stripped):
        return f"“{stripped}”的冒号后缺少空格；应写成“名称: 值”，冒号后加一个空格"
    return f"“{stripped}”不是“名称: 值”的形式；列表中的每一项要以“- ”开头，并与上下行对齐"


# --------------------------------------------------------------------------
# Value types. Each ``check`` returns the Python value, or ``None`` after it
# has recorded a problem.


class Type:
    label = "值"

    def check(self, node: Node, path: str, out: Problems) -> Any:  # pragma: no cover
        raise NotImplementedError


def _scalar(node: Node, path: str, out: Problems, label: str) -> str | None:
    if not isinstance(node, ScalarNode):
        kind = "列表" if isinstance(node, SequenceNode) else "键值表"
        out.add(node, path, f"应为{label}，却写成了{kind}")
        return None
    if node.tag == "tag:yaml.org,2002:null" or node.value.strip() == "":
        out.add(node, path, f"不能为空，应填写{label}")
        return None
    return node.value


class Text(Type):
    """Free text. ``single_line`` rejects line breaks."""

    def __init__(self, single_line: bool = True, max_len: int = 2000):
        self.single_line = single_line
        self.max_len = max_len
        self.label = "文字"

    def check(self, node, path, out):
        value = _scalar(node, path, out, self.label)
        if value is None:
            return None
        if node.tag == "tag:yaml.org,2002:bool" and node.style is None:
            out.add(node, path, f"“{value}”会被 YAML 当作是/否，请加引号写成文字")
            return None
        value = value.strip()
        if self.single_line and "\n" in value:
            out.add(node, path, "应写在一行内")
            return None
        if len(value) > self.max_len:
            out.add(node, path, f"太长（{len(value)} 字，最多 {self.max_len} 字）")
            return None
        return value


class Pattern(Text):
    def __init__(self, regex: str, label: str, example: str):
        super().__init__()
        self.regex = re.compile(regex)
        self.label = label
        self.example = example

    def check(self, node, path, out):
        value = Text.check(self, node, path, out)
        if value is None:
            return None
        if not self.regex.fullmatch(value):
            out.add(node, path, f"“{value}”不是有效的{self.label}，例如 {self.example}")
            return None
        return value


EMAIL = Pattern(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "电子邮箱", "tdxh622@163.com")
# Mainland fixed lines (area code 0xx / 0xxx) and mobiles; brackets, spaces, dashes allowed.
PHONE = Pattern(
    r"(\(0\d{2,3}\) ?|（0\d{2,3}）|0\d{2,3}-)\d{7,8}(-\d{1,6})?|1[3-9]\d{9}",
    "电话号码",
    "010-51871797、(010) 68586651 或 13800000000",
)
URL = Pattern(r"https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/[^\s]*)?", "网址（须以 https:// 开头）", "https://www.scimall.org.cn/")
KEY = Pattern(r"[a-z][a-z0-9-]*", "标识（小写英文字母、数字和连字符）", "stage1")


class Choice(Text):
    def __init__(self, *choices: str):
        super().__init__()
        self.choices = choices
        self.label = "选项"

    def check(self, node, path, out):
        value = _scalar(node, path, out, self.label)
        if value is None:
            return None
        value = value.strip()
        if value not in self.choices:
            out.add(node, path, f"“{value}”不是可选值，只能是：{'、'.join(self.choices)}")
            return None
        return value


class Date(Type):
    label = "日期"

    def check(self, node, path, out):
        value = _scalar(node, path, out, "日期")
        if value is None:
            return None
        value = value.strip()
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            out.add(node, path, f"“{value}”不是 YYYY-MM-DD 格式的日期，例如 2027-05-08")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            out.add(node, path, f"“{value}”不是存在的日期")
            return None


class Integer(Type):
    def __init__(self, minimum: int = 0, maximum: int = 10**6):
        self.minimum, self.maximum = minimum, maximum

    def check(self, node, path, out):
        value = _scalar(node, path, out, "整数")
        if value is None:
            return None
        if not re.fullmatch(r"[0-9]+", value.strip()):
            out.add(node, path, f"“{value}”应为整数")
            return None
        number = int(value)
        if not self.minimum <= number <= self.maximum:
            out.add(node, path, f"{number} 超出范围（{self.minimum}–{self.maximum}）")
            return None
        return number


class ListOf(Type):
    def __init__(self, item: Type, min_items: int = 0, unique: bool = False, partial: bool = False):
        self.item, self.min_items, self.unique = item, min_items, unique
        self.partial = partial  # keep the items that checked when others failed (lists of records in a file)

    def check(self, node, path, out):
        if not isinstance(node, SequenceNode):
            if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                if self.min_items == 0:
                    return []
            out.add(node, path, "应为列表（每项一行，以“- ”开头）")
            return None
        if len(node.value) < self.min_items:
            out.add(node, path, f"至少需要 {self.min_items} 项，现在只有 {len(node.value)} 项")
        values = []
        for index, child in enumerate(node.value):
            values.append(self.item.check(child, f"{path}[{index}]", out))
        if self.unique:
            seen: set = set()
            for index, (child, value) in enumerate(zip(node.value, values)):
                if value is not None and value in seen:
                    out.add(child, f"{path}[{index}]", f"“{value}”重复出现")
                seen.add(value)
        if any(v is None for v in values):
            if self.partial:
                return [v for v in values if v is not None]
            return None  # the items' problems are recorded already
        return values


@dataclass(frozen=True)
class F:
    """One field of a record.

    ``help`` says in Chinese what the field is for and ``example`` shows one
    line as it is written in the file; both appear in the messages for a
    missing field and for an unknown key.
    """

    type: Type
    required: bool = True
    default: Any = None
    help: str = ""
    example: str = ""


class Record(Type):
    """A mapping with known keys; unknown keys are typos and are rejected."""

    def __init__(self, fields: dict[str, F], build: Callable[..., Any] | None = None, partial: bool = False):
        self.fields = fields
        self.build = build
        # A file's top record is partial: it returns the fields that checked
        # (None for the others) even when some failed, so that the checks
        # across files still run on what is usable.
        self.partial = partial

    def allowed(self) -> str:
        """The keys this record may have, each with what it means."""
        parts = [f"{k}（{f.help}）" if f.help else k for k, f in self.fields.items()]
        return "这里可以写的键：" + "；".join(parts)

    def check(self, node, path, out):
        if not isinstance(node, MappingNode):
            out.add(node, path, "应为键值表（每行“名称: 值”）")
            return None
        values: dict[str, Any] = {}
        lines: dict[str, int] = {"": line_of(node)}
        seen: dict[str, Node] = {}
        ok = True
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                out.add(key_node, path, "名称应为一个词（例如 name），不能是列表或键值表")
                ok = False
                continue
            key = key_node.value
            child = f"{path}.{key}" if path else key
            if key in seen:
                out.add(key_node, child, f"重复的键：第 {line_of(seen[key])} 行已经写过“{key}”，请删掉其中一行")
                ok = False
                continue
            seen[key] = key_node
            if key not in self.fields:
                hint = _closest(key, self.fields)
                out.add(key_node, child, f"未知的键“{key}”" + (f"，是不是“{hint}”？" if hint else "。") + self.allowed())
                ok = False
                continue
            lines[key] = line_of(value_node)
            value = self.fields[key].type.check(value_node, child, out)
            if value is None:
                ok = False
            values[key] = value
        for key, spec in self.fields.items():
            if key not in seen:
                if spec.required:
                    where = f"{path}.{key}" if path else key
                    out.add(node, where, missing_message(key, spec))
                    ok = False
                else:
                    values[key] = spec.default
        if not ok:
            return values if self.partial else None
        if self.build is None:
            return values
        return self.build(**values, lines=lines)


def missing_message(key: str, spec: F) -> str:
    """缺少必填项“date”：通知的成文日期。例如：date: 2027-04-28"""
    text = f"缺少必填项“{key}”"
    if spec.help:
        text += f"：{spec.help}"
    if spec.example:
        text += f"。例如：{spec.example}"
    return text


def _closest(key: str, options) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, list(options), n=1, cutoff=0.6)
    return match[0] if match else None
