"""`ck generate` and `ck export` (engine/inference).

    ck generate RUN --prompt "[task:svg] [layout:pipeline_lane] [topic:kv_cache] ... [OUT]"
    ck generate RUN --layout pipeline_lane --topic kv_cache [--theme --tone --density] [--add KIND] [--own]
    ck generate RUN --topic kv_cache --goal explain_tradeoff --audience engineers
        [--constrained] [--repair] [--temperature T --top-k K --seed S] [--samples N] [--budget N]
        [--content content.json -o out.svg [--png out.png]] [--json]
    ck export RUN -o DIR

RUN: `champion` (with --spec, that spec's), a run id of the ledger, a run folder, or a checkpoint
sidecar. Exit codes: 0 a scene, 1 the model wrote no scene (diagnostics printed), 2 bad input.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from engine.argtypes import positive_int


def _prompt(args, tokenizer) -> str:
    from engine.fileio import InputError
    from engine.inference.generate import check_prompt, explicit, intent

    parts = {k: getattr(args, k) for k in ("layout", "topic", "theme", "tone", "density", "goal", "audience")}
    if args.prompt:
        if any(parts.values()) or args.own or args.add:
            raise InputError("give the prompt whole (--prompt) or by its parts, not both")
        return check_prompt(tokenizer, args.prompt)
    if args.goal or args.audience:
        if not (args.topic and args.goal and args.audience) or args.layout or args.own or args.add:
            raise InputError("an intent prompt is --topic, --goal and --audience (the model chooses the layout)")
        return intent(tokenizer, topic=args.topic, goal=args.goal, audience=args.audience)
    if not (args.layout and args.topic):
        raise InputError("a prompt needs --prompt, or --layout and --topic (explicit), or --topic --goal --audience (intent)")
    return explicit(tokenizer, layout=args.layout, topic=args.topic, theme=args.theme, tone=args.tone,
                    density=args.density, own=args.own, add=args.add)


def cmd_generate(args) -> int:
    from engine.probe.decode import torch_threads

    # One thread throughout, as the decode runs anyway: on this small model a second thread's pool
    # start and spin-waits cost more than it gives (the checkpoint load alone: 30-90 ms of CPU, not 1).
    with torch_threads(1):
        return _generate(args)


def _generate(args) -> int:
    import time

    from engine.inference.generate import generate, resolve_run, unseen_parts
    from engine.probe.decode import Sampling
    from engine.probe.weights import load_trained

    began = time.perf_counter()
    run_dir, checkpoint = resolve_run(args.target, args.workspace, args.spec)
    trained = load_trained(run_dir, checkpoint)
    prompt = _prompt(args, trained.tokenizer)
    sampling = (Sampling(args.temperature, args.top_k, args.seed)
                if args.temperature is not None or args.top_k else None)
    results = generate(trained, prompt, constrained=args.constrained, repair=args.repair, sampling=sampling,
                       samples=args.samples, budget=args.budget)
    for part in unseen_parts(trained.tokenizer, prompt):
        print(f"note: {part} is not one token of this model's tokenizer: it reads it in pieces", file=sys.stderr)
    scenes = [g.scene for g in results]
    if args.content and args.output:
        _compile(scenes[0], args)
    if args.json:
        print(json.dumps({"run": str(run_dir), "checkpoint": str(trained.checkpoint), "step": trained.step,
                          "prompt": prompt, "constrained": args.constrained, "seconds": round(time.perf_counter() - began, 3),
                          "samples": [g.to_dict() for g in results]}, indent=1))
    else:
        for i, g in enumerate(results):
            if len(results) > 1:
                print(f"// sample {i + 1} of {len(results)}")
            print(g.scene.rstrip() if g.scene else g.raw)
            for d in g.diagnostics:
                print(d, file=sys.stderr)
            if g.repaired:
                print(f"note: repaired ({', '.join(g.repair_actions)})", file=sys.stderr)
            print(f"{g.tokens} tokens in {g.seconds:.2f} s ({g.tokens_per_s:,.0f} tokens/s), stop: {g.stop}",
                  file=sys.stderr)
    return 0 if all(scenes) else 1


def _compile(scene: str | None, args) -> None:
    from engine.compiler import compile_scene
    from engine.dsl import load
    from engine.fileio import InputError, read_json, write_atomic

    if scene is None:
        raise InputError(f"{args.output}: not written: the model wrote no scene (try --constrained or --repair)")
    compiled = compile_scene(load(scene).scene, read_json(args.content))
    unresolved = [d for d in compiled.diagnostics if d.code == "unresolved-ref"]
    for d in compiled.diagnostics:
        print(d.format(str(args.content)), file=sys.stderr)
    if unresolved:
        print(f"note: {len(unresolved)} refs have no content in {args.content}: drawn as placeholders", file=sys.stderr)
    write_atomic(args.output, compiled.svg)
    if args.png:
        import cairosvg

        write_atomic(args.png, cairosvg.svg2png(bytestring=compiled.svg.encode(), background_color="white"))


def cmd_export(args) -> int:
    from engine.inference.export import export
    from engine.inference.generate import resolve_run
    from engine.probe.weights import load_trained

    run_dir, checkpoint = resolve_run(args.target, args.workspace, args.spec)
    trained = load_trained(run_dir, checkpoint)
    print(f"exported {trained.checkpoint} (step {trained.step}) to {export(trained, args.output)}")
    return 0


def _run_argument(p) -> None:
    p.add_argument("target", metavar="RUN", help="champion, a run id of the ledger, a run folder, or a checkpoint sidecar")
    p.add_argument("--spec", help="with RUN=champion: that spec's champion (default: the most recently crowned)")
    p.add_argument("--workspace", help="folder holding ledger.sqlite (default: $CK_WORKSPACE, else out/)")


def add_generate_arguments(p) -> None:
    _run_argument(p)
    p.add_argument("--prompt", help="the whole prompt, [task:svg] ... [OUT]")
    for key in ("layout", "topic", "theme", "tone", "density", "goal", "audience"):
        p.add_argument(f"--{key}", help=f"the prompt's {key}")
    p.add_argument("--add", metavar="KIND", help="explicit: one more component of this kind ([add:KIND]; specs with grafts)")
    p.add_argument("--own", action="store_true",
                   help="explicit: ask for the gold entry's own scene ([source:gold]; specs with own_prompt)")
    p.add_argument("--constrained", action="store_true",
                   help="grammar-masked decoding; the scene's topic tag spells the prompt's topic")
    p.add_argument("--repair", action="store_true", help="repair the output as the probe does")
    p.add_argument("--temperature", type=float, help="sample at this temperature (default: greedy)")
    p.add_argument("--top-k", type=positive_int, help="sample from the k likeliest tokens")
    p.add_argument("--seed", type=int, default=0, help="sampling seed")
    p.add_argument("--samples", type=positive_int, default=1, help="scenes to generate (sampling)")
    p.add_argument("--budget", type=positive_int, help="most tokens to generate (default: the context's room)")
    p.add_argument("--content", type=Path, help="content.json to compile the scene with")
    p.add_argument("-o", "--output", type=Path, help="with --content: the SVG")
    p.add_argument("--png", type=Path, help="with --content and -o: also a PNG")
    p.add_argument("--json", action="store_true", help="tokens, time, tokens/s, raw vs repaired and diagnostics as JSON")
    p.set_defaults(run=cmd_generate)


def add_export_arguments(p) -> None:
    _run_argument(p)
    p.add_argument("-o", "--output", required=True, type=Path, help="a new folder")
    p.set_defaults(run=cmd_export)
