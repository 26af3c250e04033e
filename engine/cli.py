"""The `ck` command: every engine stage, headless. Thin: parses arguments, calls the engine.

    ck check scene.dsl
    ck fmt scene.dsl [--check | --write]
    ck compile scene.dsl --content content.json -o out.svg [--png out.png] [--strict]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.diagnostics import DiagnosticError
from engine.fileio import InputError, read_json, read_text, write_atomic


def _print_diagnostics(path: str, diagnostics) -> None:
    for d in diagnostics:
        print(d.format(path), file=sys.stderr)


def cmd_check(args) -> int:
    from engine.dsl import load

    status = 0
    for path in args.files:
        doc = load(read_text(path))
        _print_diagnostics(path, doc.diagnostics)
        if doc.diagnostics:
            status = 1
        elif not args.quiet:
            print(f"{path}: ok")
    return status


def cmd_fmt(args) -> int:
    from engine.dsl import load, serialize

    status = 0
    for path in args.files:
        text = read_text(path)
        doc = load(text)
        if doc.scene is None or doc.errors:
            _print_diagnostics(path, doc.diagnostics)
            status = 1
            continue
        canonical = serialize(doc.scene)
        if args.check:
            if canonical != text:
                print(f"{path}: not canonical", file=sys.stderr)
                status = 1
        elif args.write:
            if canonical != text:
                write_atomic(path, canonical)
        else:
            sys.stdout.write(canonical)
    return status


def cmd_compile(args) -> int:
    from engine.compiler import compile_scene
    from engine.dsl import load

    doc = load(read_text(args.scene))
    _print_diagnostics(args.scene, doc.diagnostics)
    if doc.scene is None or doc.errors:
        print(f"{args.scene}: not compiled: fix the errors above", file=sys.stderr)
        return 1
    content_path = args.content or Path(args.scene).with_name("content.json")
    content = read_json(content_path) if Path(content_path).exists() or args.content else {}
    try:
        compiled = compile_scene(doc.scene, content, strict=args.strict)
    except DiagnosticError as e:
        _print_diagnostics(str(content_path), e.diagnostics)
        return 1
    _print_diagnostics(str(content_path), compiled.diagnostics)
    if args.output in (None, "-"):
        sys.stdout.write(compiled.svg)
    else:
        write_atomic(args.output, compiled.svg)
    if args.layout:
        write_atomic(args.layout, compiled.layout.to_json())
    if args.png:
        import cairosvg

        write_atomic(args.png, cairosvg.svg2png(bytestring=compiled.svg.encode(), background_color="white"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ck", description="CK Scene Studio engine, headless.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("check", help="report diagnostics; exit 0 when clean, 1 otherwise")
    c.add_argument("files", nargs="+")
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing for clean files")
    c.set_defaults(run=cmd_check)

    f = sub.add_parser("fmt", help="print the canonical form")
    f.add_argument("files", nargs="+")
    mode = f.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when a file is not canonical")
    mode.add_argument("--write", action="store_true", help="rewrite files in place")
    f.set_defaults(run=cmd_fmt)

    k = sub.add_parser("compile", help="compile a scene and its content to SVG")
    k.add_argument("scene")
    k.add_argument("--content", help="content.json (default: beside the scene)")
    k.add_argument("-o", "--output", help="SVG path (default: stdout)")
    k.add_argument("--png", help="also rasterize to this PNG (cairosvg)")
    k.add_argument("--layout", help="also write the placed geometry as JSON")
    k.add_argument("--strict", action="store_true", help="unresolved content refs are errors")
    k.set_defaults(run=cmd_compile)

    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as e:
        print(f"ck: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
