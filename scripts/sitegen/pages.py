"""Render the Markdown pages: prose in ``docs/`` with values from ``data/``.

Every ``*.md`` under ``docs/`` is a Jinja2 template. Partials shared by
several pages live in ``scripts/sitegen/templates/``. Every ``{{ value }}``
is escaped so that it shows as plain text (see ``textfmt.literal``); a
template marks trusted markup with ``|safe`` only for HTML it builds itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import textfmt
from .model import SiteData
from .schema import DataError, Problem

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
        md=textfmt.md,
        span=textfmt.stage_span,
        due=textfmt.due_text,
        weekday=textfmt.weekday,
        tel=lambda p: Markup(textfmt.tel_href(p)),
        mailto=lambda address, subject=None, body=None: Markup.escape(textfmt.mailto_href(address, subject, body)),
        phone=textfmt.phone_display,
        phone_as_written=textfmt.phone_as_written,
        size=textfmt.human_size,
        cn_number=textfmt.cn_number,
        attr=lambda v: Markup(str(Markup.escape(str(v)))),
        json_data=lambda v: Markup(json.dumps(v, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")),
    )
    return env


def render_pages(site: SiteData, docs_dir: Path, context: dict) -> dict[str, str]:
    """Render every page; return {relative path: Markdown}. Errors name the page and line."""
    env = environment(docs_dir)
    pages: dict[str, str] = {}
    problems: list[Problem] = []
    base = {"site": site, "doc": site.document, **context}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        try:
            pages[rel] = env.get_template(rel).render(base)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(f"{exc.filename or 'docs/' + rel}", exc.lineno, "", f"模板语法错误：{exc.message}"))
        except jinja2.UndefinedError as exc:
            line = _template_line(exc)
            problems.append(Problem(f"docs/{rel}", line, "", f"占位符引用了不存在的数据：{exc.message}"))
    if problems:
        raise DataError(problems)
    return pages


def _template_line(exc: BaseException) -> int | None:
    """The template line of a Jinja runtime error (Jinja rewrites the traceback)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".md", ".j2")):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
