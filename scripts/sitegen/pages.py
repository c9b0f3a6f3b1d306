"""Render the Markdown pages: prose in ``docs/`` with values from ``data/``.

Every ``*.md`` under ``docs/`` is a Jinja2 template: ``docs/<year>/*.md``
are one edition's pages (they see ``edition``, ``doc``, ``site`` and that
edition's ``downloads``), ``docs/*.md`` the site-wide pages (``site``). Partials shared by
several pages live in ``scripts/sitegen/templates/``. Every ``{{ value }}``
is escaped so that it shows as plain text (see ``textfmt.literal``); a
template marks trusted markup with ``|safe`` only for HTML it builds itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import textfmt
from . import mdedit
from . import minify
from .errors import DataError, MissingItem, Problem

TEMPLATES = Path(__file__).with_name("templates")


def environment(docs_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(docs_dir)), jinja2.FileSystemLoader(str(TEMPLATES))]),
        undefined=jinja2.StrictUndefined,
        finalize=textfmt.literal,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        cn_date=textfmt.cn_date,
        month_day=textfmt.md,
        was=_was,
        md=textfmt.md,
        span=textfmt.stage_span,
        due=textfmt.due_text,
        weekday=textfmt.weekday,
        tel=lambda p: Markup(textfmt.tel_href(p)),
        mailto=lambda address, subject=None, body=None: Markup.escape(textfmt.mailto_href(address, subject, body)),
        phone=textfmt.phone_display,
        phone_as_written=textfmt.phone_as_written,
        size=textfmt.human_size,
        book_title=textfmt.book_title,
        cn_number=textfmt.cn_number,
        cn_count=textfmt.cn_count,
        month_end=textfmt.month_end_or_day,
        url=_url,
        md_path=_md_path,
        attr=lambda v: Markup(str(Markup.escape(str(v)))),
        json_data=lambda v: Markup(json.dumps(v, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")),
    )
    # {{ inline_script("assets/inline/live-status.js") }}: a file of docs/, minified, for a <script> in the page;
    # read and minified once per rendering, however many pages write it.
    scripts: dict[str, Markup] = {}

    def inline_script(rel: str) -> Markup:
        if rel not in scripts:
            scripts[rel] = Markup(minify.inline_script(docs_dir / rel))
        return scripts[rel]

    env.globals["inline_script"] = inline_script
    return env


def _was(change) -> Markup:
    """The mark after a changed fact: （原为5月8日，5月3日更新）; nothing when it has not changed."""
    if change is None or change.date is None:
        return Markup("")
    from .history import shown

    day = textfmt.md(change.date)
    text = f"（{day}新增）" if change.old is None else f"（原为{shown(change.old)}，{day}更新）"
    return Markup('<span class="changed-mark">{}</span>').format(text)


@jinja2.pass_context
def _url(context, path: str) -> str:
    """A path below the site root (a download, a page URL) as an HTML link from the page being rendered."""
    return Markup.escape(mdedit.relative(str(path), context["page_path"]))


@jinja2.pass_context
def _md_path(context, path: str) -> str:
    """A source path below the docs root as a Markdown link from the page being rendered."""
    return mdedit.relative_source(str(path), context["page_path"])


def render_pages(docs_dir: Path, names: list[str], context_for) -> dict[str, str]:
    """Render the pages ``names`` (paths below ``docs_dir``); return {name: Markdown}.

    ``context_for(name)`` gives each page its values. Every error is collected
    and names the page (or partial) and line; nothing raises half-way.
    """
    env = environment(docs_dir)
    pages: dict[str, str] = {}
    problems: list[Problem] = []
    for rel in names:
        base = {**context_for(rel), "page_path": rel}
        try:
            pages[rel] = env.get_template(rel).render(base)
        except jinja2.TemplateSyntaxError as exc:
            where = _shown(exc.filename, docs_dir) if exc.filename else f"docs/{rel}"
            problems.append(
                Problem(where, exc.lineno, "", f"模板语法错误：{exc.message}（检查 {{{{ }}}} 和 {{% %}} 是否成对、拼写是否正确）")
            )
        except Exception as exc:  # noqa: BLE001 - any runtime error in a page is the page's error
            filename, line = _template_frame(exc)
            where = _shown(filename, docs_dir) if filename else f"docs/{rel}"
            placeholder = _placeholder(filename, line, exc)
            if isinstance(exc, jinja2.UndefinedError):
                message = _undefined_message(exc.message or "", base)
            elif isinstance(exc, MissingItem):
                message = f"页面要用的数据不存在：{exc}"
            else:
                message = f"页面模板出错：{type(exc).__name__}: {exc}"
            problems.append(Problem(where, line, placeholder, message))
    if problems:
        raise DataError(problems)
    return pages


def page_names(folder: Path, docs_dir: Path, recursive: bool = True) -> list[str]:
    """The Markdown pages of ``folder``, as paths below ``docs_dir``, sorted."""
    found = folder.rglob("*.md") if recursive else folder.glob("*.md")
    return sorted(p.relative_to(docs_dir).as_posix() for p in found)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line of a Jinja runtime error (Jinja rewrites the traceback).

    The innermost template frame wins, so an error inside an included partial
    names the partial, not the page that includes it.
    """
    tb, found = exc.__traceback__, (None, None)
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".md", ".j2")):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(filename: str, docs_dir: Path) -> str:
    """A template's path as the maintainer sees it in the repository (docs/x.md, scripts/...)."""
    path = Path(filename)
    for base in (docs_dir.parent, TEMPLATES.parents[2]):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


_NO_ATTRIBUTE = re.compile(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '([^']+)'")
_UNDEFINED = re.compile(r"'([^']+)' is undefined")


def _undefined_message(raw: str, base: dict) -> str:
    """Jinja's "'x object' has no attribute 'y'" in words, with the likely intended name."""
    import difflib

    from . import model

    match = _NO_ATTRIBUTE.search(raw)
    if match:
        owner, name = match.groups()
        cls = getattr(model, owner, None)
        options = _members(cls) if cls else []
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        hint = f"，是不是“{close[0]}”？" if close else (f"；可用：{'、'.join(options)}" if options else "")
        return f"占位符引用了不存在的数据：“{name}”不是 {owner} 的一项{hint}"
    match = _UNDEFINED.search(raw)
    if match:
        name = match.group(1)
        close = difflib.get_close_matches(name, list(base), n=1, cutoff=0.6)
        hint = f"，是不是“{close[0]}”？" if close else f"；可用：{'、'.join(base)}"
        return f"占位符引用了不存在的名字“{name}”{hint}"
    return f"占位符引用了不存在的数据：{raw}"


def _members(cls: type) -> list[str]:
    """Fields first (in data order), then helper methods, of a model class."""
    import dataclasses

    names = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []
    names += [n for n in dir(cls) if not n.startswith("_") and n not in names]
    return [n for n in names if n != "lines"]


def _placeholder(filename: str | None, line: int | None, exc: BaseException) -> str:
    """The ``{{ … }}`` on the failing line that names the missing item, as the field of the error."""
    if not filename or not line:
        return ""
    try:
        text = Path(filename).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return ""
    found = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text)
    match = _NO_ATTRIBUTE.search(str(exc)) or _UNDEFINED.search(str(exc))
    if match:
        name = match.groups()[-1]
        found = [f for f in found if re.search(rf"\b{re.escape(name)}\b", f)] or found
    return found[0] if len(found) >= 1 and (match or len(found) == 1) else ""
