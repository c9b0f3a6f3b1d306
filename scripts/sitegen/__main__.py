"""Command line: ``python -m sitegen check | generate OUT | build | serve``.

Run from the repository root with ``PYTHONPATH=scripts`` (the Makefile does).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .generate import ROOT
from .schema import DataError, Problem


def _escape_data(text: str) -> str:
    """Escape a workflow-command message (GitHub: %, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """Escape a workflow-command property value (also : and ,)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    """One ``::error file=…,line=…,title=…::…`` line: GitHub shows it on that line of the pull request."""
    props = [f"file={_escape_property(problem.file)}"]
    if problem.line:
        props.append(f"line={problem.line}")
    title = f"数据错误：{problem.path}" if problem.path else "数据错误"
    props.append(f"title={_escape_property(title)}")
    return f"::error {','.join(props)}::{_escape_data(str(problem))}"


def report(exc: DataError, fmt: str, command: str = "check") -> None:
    count = len(exc.problems)
    outcome = "网站未更新（site/ left unchanged）" if command == "build" else "请按提示修改后再运行 make check"
    summary = f"共 {count} 处错误，{outcome}。"
    if fmt == "github":
        for problem in exc.problems:
            print(github_annotation(problem))
        print(summary)
        write_step_summary(exc.problems, summary)
    else:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"\n{summary}", file=sys.stderr)


def write_step_summary(problems: list[Problem], summary: str) -> None:
    """On GitHub Actions, also list the errors as a table on the run's summary page."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return

    def cell(text: object) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["### 数据检查未通过", "", summary, "", "| 文件 | 行 | 字段 | 问题 |", "| --- | --- | --- | --- |"]
    lines += [f"| {cell(p.file)} | {p.line or ''} | {cell(p.path)} | {cell(p.message)} |" for p in problems]
    with open(target, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitegen", description="Build the 科技工作者日 site from data/ and docs/.")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this repository)")
    parser.add_argument("--format", choices=("text", "github"), default="text", help="how to print data errors")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate data/ and the page templates; write nothing")
    check.add_argument("--base", default=None,
                       help="git revision to compare with: a changed fact needs a note in changes.yaml")
    gen = sub.add_parser("generate", help="write Markdown pages and downloads into a folder")
    gen.add_argument("out", type=Path)
    build = sub.add_parser("build", help="validate, generate and build site/ atomically")
    build.add_argument("--site-dir", type=Path, default=None)
    build.add_argument("--drafts", action="store_true", help="include status: draft editions (previews only)")
    build.add_argument("--engine", default=None, help="mkdocs (default) | properdocs | zensical; also ENGINE=…")
    engine_cfg = sub.add_parser("engine-config", help="write the configuration an engine without hooks serves build/docs with")
    engine_cfg.add_argument("engine")
    edition = sub.add_parser("edition", help="start next year's notice: copy the newest edition as a draft")
    edition.add_argument("year")
    args = parser.parse_args(argv)

    try:
        if args.command == "check":
            from .check import check_all

            summary = check_all(args.root, base=args.base or None)
            print(summary)
        elif args.command == "generate":
            from .generate import generate

            result = generate(args.out, args.root)
            print(f"已生成 {len(result.files)} 个文件到 {args.out}")
        elif args.command == "build":
            from .build import build_site

            site_dir = build_site(args.root, args.site_dir, drafts=True if args.drafts else None, engine=args.engine)
            print(f"网站已构建：{site_dir}")
        elif args.command == "engine-config":
            from .engines import serve_config

            print(serve_config(args.root, args.engine))
        elif args.command == "edition":
            from .edition import start_edition

            source, made = start_edition(args.root, args.year)
            print(f"已把 {source} 年的通知复制为 {args.year} 年的草稿：{'、'.join(made)}")
            print("下一步：运行 make check，按列出的文件和行号把旧的日期、发文字号和文字改为今年的；"
                  "make serve 预览（草稿页标有“草稿”）；改好后把 document.yaml 的 status 改为 published。")
    except DataError as exc:
        report(exc, args.format, args.command)
        return 1
    except Exception as exc:  # BuildError and the like: one clear line, non-zero exit
        from .errors import BuildError

        if isinstance(exc, BuildError):
            if args.format == "github":
                print(f"::error title=构建失败::{_escape_data(f'构建失败，site/ 保持不变：{exc}')}")
            print(f"构建失败，site/ 保持不变：{exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
