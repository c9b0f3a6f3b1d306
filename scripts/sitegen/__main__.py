"""Command line: ``python -m sitegen check | generate OUT | build | serve``.

Run from the repository root with ``PYTHONPATH=scripts`` (the Makefile does).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .generate import ROOT
from .schema import DataError


def report(exc: DataError, fmt: str) -> None:
    for problem in exc.problems:
        if fmt == "github":
            line = f",line={problem.line}" if problem.line else ""
            text = f"{problem.path} {problem.message}".strip().replace("%", "%25").replace("\n", "%0A")
            print(f"::error file={problem.file}{line},title=数据错误::{text}")
        else:
            print(problem, file=sys.stderr)
    if fmt != "github":
        print(f"\n共 {len(exc.problems)} 处错误，网站未更新（{len(exc.problems)} error(s); site/ left unchanged）。", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitegen", description="Build the 科技工作者日 site from data/ and docs/.")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this repository)")
    parser.add_argument("--format", choices=("text", "github"), default="text", help="how to print data errors")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate data/ and the page templates; write nothing")
    gen = sub.add_parser("generate", help="write Markdown pages and downloads into a folder")
    gen.add_argument("out", type=Path)
    build = sub.add_parser("build", help="validate, generate and build site/ atomically")
    build.add_argument("--site-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    try:
        if args.command == "check":
            from .check import check_all

            summary = check_all(args.root)
            print(summary)
        elif args.command == "generate":
            from .generate import generate

            result = generate(args.out, args.root)
            print(f"已生成 {len(result.files)} 个文件到 {args.out}")
        elif args.command == "build":
            from .build import build_site

            site_dir = build_site(args.root, args.site_dir)
            print(f"网站已构建：{site_dir}")
    except DataError as exc:
        report(exc, args.format)
        return 1
    except Exception as exc:  # BuildError and the like: one clear line, non-zero exit
        from .build import BuildError

        if isinstance(exc, BuildError):
            print(f"构建失败，site/ 保持不变：{exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
