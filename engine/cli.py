"""The `ck` command: every engine stage, headless. Thin: parses arguments, calls the engine.

    ck check scene.dsl
    ck fmt scene.dsl [--check | --write] [--upgrade]
    ck compile scene.dsl --content content.json -o out.svg [--png out.png] [--strict]
    ck assets scan [DIR] [-o OUT_DIR]        profile every SVG of an asset library
    ck assets profile ASSET                  one asset's profile as JSON
    ck assets normalize ASSET [-o out.svg]   the asset with its text replaced by placeholders
    ck assets vocab [DIR] [-o vocab.json]    the library's vocabulary report
    ck gold gate [--threshold T]             compile the gold pack against its references
    ck gold add ASSET                        start a gold entry from an asset
    ck gold tune ENTRY [--write]             the spacing and weight choices that bring it nearer its asset
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
    ck ladder -o ladder.html                 every run of the workspace on one page
    ck generate RUN --layout L --topic T     a scene from a trained model (or --prompt, --goal/--audience)
    ck export RUN -o DIR                     the model in the Hugging Face Llama layout
"""
from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from engine.argtypes import fraction, positive_int
from engine.diagnostics import DiagnosticError
from engine.fileio import InputError, read_json_keys, read_text, write_atomic


def _print_diagnostics(path: str, diagnostics) -> None:
    for d in diagnostics:
        print(d.format(path), file=sys.stderr)


def _print_compile_diagnostics(scene: str, content: str, diagnostics) -> None:
    """A cut text is reported at its ref in the scene (the box is the scene's choice); what the
    content lacks is reported against content.json, where it is fixed."""
    from engine.compiler.draw import OVERFLOW

    for d in diagnostics:
        print(d.format(scene if d.code == OVERFLOW else content), file=sys.stderr)


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
    from engine.dsl import DSL_VERSION, load, serialize

    upgrade = None
    if args.upgrade:  # reading what a v1 scene relied on takes the compiler; plain fmt stays light
        from engine.compiler.upgrade import upgrade
    status = 0
    for path in args.files:
        text = read_text(path)
        doc = load(text)
        if doc.scene is None or doc.errors:
            _print_diagnostics(path, doc.diagnostics)
            status = 1
            continue
        canonical = serialize(upgrade(doc.scene) if upgrade else doc.scene)
        if args.check:
            if canonical != text:
                said = f"not upgraded to DSL v{DSL_VERSION}" if args.upgrade else "not canonical"
                print(f"{path}: {said}", file=sys.stderr)
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
    content, repeated = read_json_keys(content_path) if Path(content_path).exists() or args.content else ({}, [])
    for key in repeated:
        print(f"{content_path}: warning[duplicate-key]: {key} is written more than once; the last is used",
              file=sys.stderr)
    try:
        compiled = compile_scene(doc.scene, content, strict=args.strict)
    except DiagnosticError as e:
        _print_compile_diagnostics(args.scene, str(content_path), e.diagnostics)
        return 1
    _print_compile_diagnostics(args.scene, str(content_path), compiled.diagnostics)
    if args.output in (None, "-"):
        sys.stdout.write(compiled.svg)
    else:
        write_atomic(args.output, compiled.svg)
    if args.layout:
        write_atomic(args.layout, compiled.layout.to_json())
    if args.png:
        import cairosvg

        side = max(compiled.layout.width, compiled.layout.height)
        if side > PNG_MAX_SIDE:
            raise InputError(f"{args.png}: the page is {compiled.layout.width:,.0f} x {compiled.layout.height:,.0f} px, "
                             f"and a PNG is at most {PNG_MAX_SIDE:,} px a side; the SVG is written, the PNG is not")
        write_atomic(args.png, cairosvg.svg2png(bytestring=compiled.svg.encode(), background_color="white"))
    return 0


PNG_MAX_SIDE = 32_767   # cairo's largest image surface side


def cmd_assets_scan(args) -> int:
    """Exit 0 when the scan ran, even with refused files: they are listed with their reason."""
    from engine.assets import default_library, scan, write_profiles
    from engine.assets.library import scan_table
    from engine.paths import Workspace

    entries = scan(args.dir or default_library())
    out = args.output or Workspace().assets
    written = write_profiles(entries, out)
    sys.stdout.write(scan_table(entries))
    refused = sum(1 for e in entries if e.error is not None)
    print(f"{len(written)} profiled, {refused} refused; profiles in {out}")
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


def _assets_arguments(a: argparse.ArgumentParser) -> None:
    asub = a.add_subparsers(dest="assets_command", required=True, metavar="ASSETS_COMMAND")
    library_help = "asset folder (default: $CK_ASSET_LIBRARY, else ../shared/assets beside the repository)"

    s = asub.add_parser("scan", help="profile every SVG of a folder; refused files are listed")
    s.add_argument("dir", nargs="?", help=library_help)
    s.add_argument("-o", "--output", help="profile folder (default: the workspace's assets/)")
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
    from engine.paths import Workspace
    from engine.rundir import GateDir

    entries = load_pack(Path(args.pack))
    if not entries:
        print(f"ck: {args.pack}: no gold entries (folders with meta.toml)", file=sys.stderr)
        return 2
    out = GateDir(args.output) if args.output else Workspace().gold
    report = finish(run_gate(entries, Path(args.assets or default_library()), out.folder, args.threshold)).value
    print(table(report))
    print(f"gallery: {out.gallery}")
    return 0 if report.passed else 1


def cmd_gold_add(args) -> int:
    from engine.assets import default_library
    from engine.gold.add import add_entry

    folder = add_entry(Path(args.asset), Path(args.pack), Path(args.assets or default_library()), args.name)
    print(f"started {folder}; open it in the studio (ck-studio {args.pack}) to refine the mapping")
    return 0


def cmd_gold_tune(args) -> int:
    import os

    from engine.assets import default_library
    from engine.dsl import serialize
    from engine.events import finish
    from engine.gold.pack import load_entry
    from engine.gold.tune import tune_entry

    entry = load_entry(Path(args.entry))
    jobs = args.jobs or min(2, os.cpu_count() or 1)
    print(f"tuning {entry.folder} for at most {args.seconds:g} s on {jobs} process(es)", flush=True)

    def kept(progress) -> None:
        if progress.data["change"]:
            print("  " + progress.data["change"], flush=True)

    tuned = finish(tune_entry(entry, Path(args.assets or default_library()), args.seconds, jobs), kept).value
    print(tuned.summary())
    text = serialize(tuned.scene)
    if args.write and tuned.changes:
        before = entry.scene_path.with_name("scene.before-tune.dsl")
        write_atomic(before, read_text(entry.scene_path))
        write_atomic(entry.scene_path, text)
        print(f"wrote {entry.scene_path} (the scene before: {before})")
    elif args.output:
        write_atomic(args.output, text)
        print(f"wrote {args.output}")
    return 0


def _gold_arguments(g: argparse.ArgumentParser) -> None:
    from engine.gold.pack import default_pack

    gsub = g.add_subparsers(dest="gold_command", required=True, metavar="GOLD_COMMAND")
    gate = gsub.add_parser("gate", help="compile every entry, compare with its reference; exit 1 below threshold")
    gate.add_argument("--pack", default=str(default_pack()), help="gold pack folder (default: gold/)")
    gate.add_argument("--assets", help="asset library (default: $CK_ASSET_LIBRARY or ../shared/assets)")
    gate.add_argument("--threshold", type=fraction, default=0.0,
                      help="a floor over every entry's own threshold from meta.toml")
    gate.add_argument("-o", "--output", help="gallery and images (default: the workspace's gold/)")
    gate.set_defaults(run=cmd_gold_gate)
    add = gsub.add_parser("add", help="start a gold entry from an asset")
    add.add_argument("asset")
    add.add_argument("--name", help="entry folder name (default: from the asset's file name)")
    add.add_argument("--pack", default=str(default_pack()))
    add.add_argument("--assets", help="asset library (decides whether the reference is a library asset)")
    add.set_defaults(run=cmd_gold_add)
    tune = gsub.add_parser("tune", help="the spacing and weight choices that bring an entry nearer its asset")
    tune.add_argument("entry", help="an entry folder (scene.dsl, content.json, meta.toml)")
    tune.add_argument("--assets", help="asset library (default: $CK_ASSET_LIBRARY or ../shared/assets)")
    tune.add_argument("--seconds", type=float, default=120.0, help="time allowed (default: 120)")
    tune.add_argument("--jobs", type=positive_int, help="processes measuring pages (default: up to 2)")
    out = tune.add_mutually_exclusive_group()
    out.add_argument("--write", action="store_true",
                     help="replace the entry's scene.dsl (the scene before is kept as scene.before-tune.dsl)")
    out.add_argument("-o", "--output", help="write the tuned scene here")
    tune.set_defaults(run=cmd_gold_tune)


def cmd_preflight(args) -> int:
    from engine.events import finish
    from engine.paths import Workspace
    from engine.preflight import run_preflight
    from engine.rundir import PreflightDir

    out = PreflightDir(args.output) if args.output else Workspace().preflight(args.spec)

    def show(progress) -> None:
        gate = progress.data["gate"]
        print(f"{gate['status'].upper():8} {gate['name']:26} {gate['detail']}")

    result = finish(run_preflight(Path(args.spec), out.folder, Path(args.data) if args.data else None,
                                  Path(args.parity) if args.parity else None,
                                  Path(args.assets) if args.assets else None), show)
    print(f"{result.summary}  ({out.verdict})")
    return 0 if result.value.passed else 1


def cmd_run(args) -> int:
    from engine.pipeline import Progress, run_spec

    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        def on_interrupt(*_):   # first Ctrl-C: stop after the step in flight; second: at once
            stop.set()
            signal.signal(signal.SIGINT, signal.default_int_handler)

        previous = signal.signal(signal.SIGINT, on_interrupt)
    created: list[str] = []
    try:
        outcome = run_spec(args.spec, args.workspace, rung=args.rung, resume=args.resume,
                           parity=Path(args.parity) if args.parity else None,
                           library=Path(args.assets) if args.assets else None, device=args.device,
                           precision=args.precision, max_steps=args.max_steps, stop=stop,
                           progress=Progress(not args.quiet), on_created=created.append, pilot=args.pilot)
    except BaseException:
        if created:     # the last line of stdout is the run id, also when the run failed
            print(created[0], flush=True)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if outcome.status == "blocked":
        print(f"{outcome.run_id} blocked: {outcome.detail}", file=sys.stderr)
    elif outcome.status in ("stopped", "diverged", "pilot"):
        print(f"{outcome.run_id} {outcome.detail}", file=sys.stderr)
    else:
        print(f"report: {outcome.report}")
    print(outcome.run_id)
    if outcome.status == "stopped":
        return 130 if stop.is_set() else 0
    if outcome.status == "diverged":
        return 3
    return 0 if outcome.status == "finished" else 1


def _check_arguments(c: argparse.ArgumentParser) -> None:
    c.add_argument("files", nargs="+")
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing for clean files")
    c.set_defaults(run=cmd_check)


def _fmt_arguments(f: argparse.ArgumentParser) -> None:
    f.add_argument("files", nargs="+")
    mode = f.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 when a file is not canonical")
    mode.add_argument("--write", action="store_true", help="rewrite files in place")
    f.add_argument("--upgrade", action="store_true",
                   help="also migrate a scene of an earlier DSL version to the current one")
    f.set_defaults(run=cmd_fmt)


def _compile_arguments(k: argparse.ArgumentParser) -> None:
    k.add_argument("scene")
    k.add_argument("--content", help="content.json (default: beside the scene)")
    k.add_argument("-o", "--output", help="SVG path (default: stdout)")
    k.add_argument("--png", help="also rasterize to this PNG (cairosvg)")
    k.add_argument("--layout", help="also write the placed geometry as JSON")
    k.add_argument("--strict", action="store_true", help="unresolved content refs are errors")
    k.set_defaults(run=cmd_compile)


def _preflight_arguments(pf: argparse.ArgumentParser) -> None:
    pf.add_argument("spec", help="SPEC.toml")
    pf.add_argument("--data", help="a built dataset folder (default: build the spec into OUT/data)")
    pf.add_argument("--parity", help="training_parity_regimen_latest.json (default: the workspace's parity/)")
    pf.add_argument("--assets", help="asset library for the gold gate")
    pf.add_argument("-o", "--output", help="output folder (default: the workspace's preflight/SPEC)")
    pf.set_defaults(run=cmd_preflight)


def _run_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("spec", help="SPEC.toml with a [train] table")
    r.add_argument("--workspace", help="folder holding ledger.sqlite and runs/ "
                                       "(default: $CK_WORKSPACE, else out/ in the repository)")
    r.add_argument("--rung", help="the rung name (default: the spec's next, r1, r2, ...)")
    r.add_argument("--resume", metavar="RUN", help="continue this stopped or killed run of the spec")
    r.add_argument("--parity", help="training_parity_regimen_latest.json (default: the workspace's parity/)")
    r.add_argument("--assets", help="asset library for the gold gate")
    r.add_argument("--device", default="cpu", help="cpu or cuda")
    r.add_argument("--precision", choices=("fp32", "bf16"), help="override train.precision")
    r.add_argument("--max-steps", type=positive_int, help="stop (resumable) once training reaches step N")
    r.add_argument("--pilot", action="store_true", help="train the spec's [pilot] fraction first and go on only if "
                                                        "it moves its target on the frozen subset")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    r.set_defaults(run=cmd_run)


def _imported(target: str) -> Callable[[argparse.ArgumentParser], None]:
    """'module:function', imported when called: a command's module loads only when it runs."""
    module, function = target.split(":")
    return lambda parser: getattr(importlib.import_module(module), function)(parser)


class Command(NamedTuple):
    help: str                                               # its line in `ck --help`
    arguments: Callable[[argparse.ArgumentParser], None]    # adds its arguments and run=cmd_...


# In `ck --help` order. Only the chosen command's arguments are added, so `ck check` does not
# import torch (the train command's module does) or any other stage it does not run.
COMMANDS: dict[str, Command] = {
    "check": Command("report diagnostics; exit 0 when clean, 1 otherwise", _check_arguments),
    "fmt": Command("print the canonical form", _fmt_arguments),
    "compile": Command("compile a scene and its content to SVG", _compile_arguments),
    "assets": Command("asset intake: scan, profile, normalize, vocabulary", _assets_arguments),
    "gold": Command("the gold pack: round-trip gate, new entries", _gold_arguments),
    "tokenizer": Command("build a tokenizer; coverage and context-budget gates",
                         _imported("engine.tokenizer.cli:add_arguments")),
    "data": Command("datasets: build from a spec, QC, curriculum audit", _imported("engine.data.cli:add_arguments")),
    "parity": Command("CK <-> PyTorch training parity regimen; exit 1 if a stage fails",
                      _imported("engine.ck.cli:add_arguments")),
    "train": Command("train a spec's model: stages, checkpoints, metrics.jsonl",
                     _imported("engine.train.cli:add_arguments")),
    "probe": Command("decode a run on its frozen probe list; scoreboard and failure gallery",
                     _imported("engine.probe.cli:add_probe_arguments")),
    "probes": Command("frozen probe lists: freeze from a spec, show and verify",
                      _imported("engine.probe.cli:add_probes_arguments")),
    "run": Command("preflight, canary, train, probe and report a spec; prints the run id last", _run_arguments),
    "runs": Command("the run ledger: list, show, compare, decide, record", _imported("engine.runs.cli:add_arguments")),
    "report": Command("one self-contained HTML report of a run, ten sections ending in a decision",
                      _imported("engine.report.cli:add_arguments")),
    "ladder": Command("every run of the workspace on one page: phase, rung, bars, champion, decision",
                      _imported("engine.report.cli:add_ladder_arguments")),
    "preflight": Command("the six pre-training gates of a spec; exit 1 if any blocks", _preflight_arguments),
    "generate": Command("a scene from a trained model, for a prompt of one's own",
                        _imported("engine.inference.cli:add_generate_arguments")),
    "export": Command("a trained model in the Hugging Face Llama layout",
                      _imported("engine.inference.cli:add_export_arguments")),
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser for argv: every command listed with its help, only the chosen one's arguments."""
    p = argparse.ArgumentParser(prog="ck", description="CK Scene Studio engine, headless.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, command in COMMANDS.items():
        parser = sub.add_parser(name, help=command.help)
        if name == chosen:
            command.arguments(parser)
    return p


def main(argv: list[str] | None = None) -> int:
    program = argv is None   # run as `ck`, whose process ends with this call (callers in-process pass argv)
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
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
    finally:
        if program:
            # Interpreter shutdown runs the cyclic collector over every live object, more than once:
            # once torch is imported that is over a million, 0.4 s of a cold `ck generate`. The
            # command's garbage is collected now (finalizers run as ever, 0.08 s); what is still
            # alive is frozen, which shutdown's collections skip; the process ends next.
            gc.collect()
            gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
