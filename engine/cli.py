"""The `ck` command: every engine stage, headless. Thin: parses arguments, calls the engine.

    ck check scene.dsl
    ck fmt scene.dsl [--check | --write]
    ck compile scene.dsl --content content.json -o out.svg [--png out.png] [--strict]
    ck assets scan [DIR] [-o OUT_DIR]        profile every SVG of an asset library
    ck assets profile ASSET                  one asset's profile as JSON
    ck assets normalize ASSET [-o out.svg]   the asset with its text replaced by placeholders
    ck assets vocab [DIR] [-o vocab.json]    the library's vocabulary report
    ck gold gate [--threshold T]             compile the gold pack against its references
    ck gold add ASSET                        start a gold entry from an asset
    ck tokenizer build|coverage|budget       the tokenizer and its reports
    ck data build|qc|audit                   dataset builder, QC and curriculum audit
    ck preflight SPEC.toml                   the six pre-training gates
    ck parity --config NAME                  the CK <-> PyTorch parity regimen
    ck train SPEC.toml [--resume]            train a spec (torchrun for DDP)
    ck probe RUN [--constrained]             decode and score the spec's frozen probe list
    ck probes freeze|show                    freeze or print a probe list
    ck run SPEC.toml                         preflight, canary, train, probe, report, in the ledger
    ck runs list|show|compare|decide         the run ledger
    ck report RUN -o report.html             the run's HTML report
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


def cmd_assets_scan(args) -> int:
    """Exit 0 when the scan ran, even with refused files: they are listed with their reason."""
    from engine.assets import default_library, scan, write_profiles
    from engine.assets.library import scan_table

    entries = scan(args.dir or default_library())
    written = write_profiles(entries, args.output)
    sys.stdout.write(scan_table(entries))
    refused = sum(1 for e in entries if e.error is not None)
    print(f"{len(written)} profiled, {refused} refused; profiles in {args.output}")
    return 0


def cmd_assets_profile(args) -> int:
    from engine.assets import load_svg, profile_document

    sys.stdout.write(profile_document(load_svg(args.asset)).to_json())
    return 0


def cmd_assets_normalize(args) -> int:
    from engine.assets import load_svg, normalize_document

    svg = normalize_document(load_svg(args.asset))
    if args.output in (None, "-"):
        sys.stdout.write(svg)
    else:
        write_atomic(args.output, svg)
    return 0


def cmd_assets_vocab(args) -> int:
    import json

    from engine.assets import build_vocabulary, default_library, scan

    library = args.dir or default_library()
    report = json.dumps(build_vocabulary(scan(library), str(library)), indent=2, ensure_ascii=False) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(report)
    else:
        write_atomic(args.output, report)
    return 0


def _add_assets_parser(sub) -> None:
    a = sub.add_parser("assets", help="asset intake: scan, profile, normalize, vocabulary")
    asub = a.add_subparsers(dest="assets_command", required=True, metavar="ASSETS_COMMAND")
    library_help = "asset folder (default: $CK_ASSET_LIBRARY, else ../shared/assets beside the repository)"

    s = asub.add_parser("scan", help="profile every SVG of a folder; refused files are listed")
    s.add_argument("dir", nargs="?", help=library_help)
    s.add_argument("-o", "--output", default="out/assets", help="profile folder (default: out/assets)")
    s.set_defaults(run=cmd_assets_scan)

    p = asub.add_parser("profile", help="print one asset's profile as JSON")
    p.add_argument("asset")
    p.set_defaults(run=cmd_assets_profile)

    n = asub.add_parser("normalize", help="replace every text of an asset with its placeholder")
    n.add_argument("asset")
    n.add_argument("-o", "--output", help="SVG path (default: stdout)")
    n.set_defaults(run=cmd_assets_normalize)

    v = asub.add_parser("vocab", help="vocabulary report over an asset library, as JSON")
    v.add_argument("dir", nargs="?", help=library_help)
    v.add_argument("-o", "--output", help="JSON path (default: stdout)")
    v.set_defaults(run=cmd_assets_vocab)


def cmd_gold_gate(args) -> int:
    from engine.assets import default_library
    from engine.events import finish
    from engine.gold.gate import run_gate, table
    from engine.gold.pack import load_pack

    entries = load_pack(Path(args.pack))
    if not entries:
        print(f"ck: {args.pack}: no gold entries (folders with meta.toml)", file=sys.stderr)
        return 2
    out = Path(args.output)
    report = finish(run_gate(entries, Path(args.assets or default_library()), out, args.threshold)).value
    print(table(report))
    print(f"gallery: {out / 'index.html'}")
    return 0 if report.passed else 1


def cmd_gold_add(args) -> int:
    from engine.assets import default_library
    from engine.gold.add import add_entry

    folder = add_entry(Path(args.asset), Path(args.pack), Path(args.assets or default_library()), args.name)
    print(f"started {folder}; open it in the studio (ck-studio {args.pack}) to refine the mapping")
    return 0


def _add_gold_parser(sub) -> None:
    from engine.gold.pack import default_pack

    g = sub.add_parser("gold", help="the gold pack: round-trip gate, new entries")
    gsub = g.add_subparsers(dest="gold_command", required=True, metavar="GOLD_COMMAND")
    gate = gsub.add_parser("gate", help="compile every entry, compare with its reference; exit 1 below threshold")
    gate.add_argument("--pack", default=str(default_pack()), help="gold pack folder (default: gold/)")
    gate.add_argument("--assets", help="asset library (default: $CK_ASSET_LIBRARY or ../shared/assets)")
    gate.add_argument("--threshold", type=float, default=0.0,
                      help="a floor over every entry's own threshold from meta.toml")
    gate.add_argument("-o", "--output", default="out/gold", help="gallery and images (default: out/gold)")
    gate.set_defaults(run=cmd_gold_gate)
    add = gsub.add_parser("add", help="start a gold entry from an asset")
    add.add_argument("asset")
    add.add_argument("--name", help="entry folder name (default: from the asset's file name)")
    add.add_argument("--pack", default=str(default_pack()))
    add.add_argument("--assets", help="asset library (decides whether the reference is a library asset)")
    add.set_defaults(run=cmd_gold_add)


def cmd_preflight(args) -> int:
    from engine.events import finish
    from engine.preflight import DEFAULT_PARITY, run_preflight

    out = Path(args.output or Path("out") / "preflight" / Path(args.spec).stem)

    def show(progress) -> None:
        gate = progress.data["gate"]
        print(f"{gate['status'].upper():8} {gate['name']:26} {gate['detail']}")

    result = finish(run_preflight(Path(args.spec), out, Path(args.data) if args.data else None,
                                  Path(args.parity) if args.parity else DEFAULT_PARITY,
                                  Path(args.assets) if args.assets else None), show)
    print(f"{result.summary}  ({out / 'preflight.json'})")
    return 0 if result.value.passed else 1


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

    _add_assets_parser(sub)
    _add_gold_parser(sub)
    from engine.tokenizer.cli import add_parser as add_tokenizer_parser

    add_tokenizer_parser(sub)
    from engine.data.cli import add_parser as add_data_parser

    add_data_parser(sub)
    from engine.ck.cli import add_parser as add_parity_parser

    add_parity_parser(sub)
    from engine.train.cli import add_parser as add_train_parser

    add_train_parser(sub)
    from engine.probe.cli import add_parser as add_probe_parser

    add_probe_parser(sub)
    from engine.runs.cli import add_parser as add_runs_parser

    add_runs_parser(sub)
    from engine.report.cli import add_parser as add_report_parser

    add_report_parser(sub)
    pf = sub.add_parser("preflight", help="the six pre-training gates of a spec; exit 1 if any blocks")
    pf.add_argument("spec", help="SPEC.toml")
    pf.add_argument("--data", help="a built dataset folder (default: build the spec into OUT/data)")
    pf.add_argument("--parity", help="training_parity_regimen_latest.json (default: out/parity/)")
    pf.add_argument("--assets", help="asset library for the gold gate")
    pf.add_argument("-o", "--output", help="output folder (default: out/preflight/SPEC)")
    pf.set_defaults(run=cmd_preflight)
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
    except OSError as e:   # disk full or no permission where no stage said more: a message, not a traceback
        print(f"ck: {f'{e.filename}: ' if e.filename else ''}{e.strerror or e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
