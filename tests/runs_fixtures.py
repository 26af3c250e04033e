"""Hand-made run folders and probe results for the ledger and report tests.

Probe results follow the contract of engine/probe/result.py; their boards are computed here from
the cases' results (the rates are the shares of cases whose result says so), so a fixture is
always self-consistent. Expected scenes and contents are real gold entries, so the report's
gallery compiles them with the real compiler.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.dsl import load, serialize
from engine.probe.result import FLAGS, METRICS, SCHEMA, probe_path
from engine.tokenizer import default_tokenizer
from engine.tokenizer.prompts import explicit_prompt

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "gold"
SPEC01 = ROOT / "specs" / "spec01.toml"
GOLD_ENTRIES = ("own_poster_budget", "own_comparison_latency", "own_pipeline_release", "own_tree_triage")
SPLITS = ("train", "dev", "test", "hidden")


def gold_case(name: str, split: str) -> dict:
    scene = load((GOLD / name / "scene.dsl").read_text()).scene
    expected = serialize(scene)
    return {"id": f"{name}-{split}", "split": split, "layout": scene.layout, "prompt": explicit_prompt(scene),
            "expected": expected, "content": json.loads((GOLD / name / "content.json").read_text())}


def result(exact: bool, renderable: bool = True, failure: str | None = None, evidence: str = "", **flags) -> dict:
    return {"exact": exact, "renderable": renderable, "materialized_exact": exact, "failure_class": failure,
            "evidence": evidence, "flags": {f: bool(flags.get(f, False)) for f in FLAGS}}


def board(results: list[tuple[dict, dict]]) -> dict:
    """BOARD over (case, RESULT) pairs, as engine/probe/result.py defines it."""
    def rates(rs: list[dict]) -> dict:
        n = len(rs)
        out = {"exact_rate": sum(r["exact"] for r in rs) / n, "renderable_rate": sum(r["renderable"] for r in rs) / n,
               "materialized_exact_rate": sum(r["materialized_exact"] for r in rs) / n}
        out.update({f"{f}_rate": sum(r["flags"][f] for r in rs) / n for f in FLAGS})
        assert list(out) == list(METRICS)
        return out

    def group(key: str) -> dict:
        keys = sorted({c[key] for c, _ in results})
        return {k: [r for c, r in results if c[key] == k] for k in keys}

    classes: dict[str, int] = {}
    for _, r in results:
        if r["failure_class"]:
            classes[r["failure_class"]] = classes.get(r["failure_class"], 0) + 1
    return {"overall": rates([r for _, r in results]),
            "by_split": {k: rates(v) for k, v in group("split").items()},
            "by_layout": {k: rates(v) for k, v in group("layout").items()},
            "counts": {"cases": len(results), "by_split": {k: len(v) for k, v in group("split").items()},
                       "by_layout": {k: len(v) for k, v in group("layout").items()}, "failure_classes": classes},
            "by_split_layout": {s: {lay: rates([r for c, r in results if (c["split"], c["layout"]) == (s, lay)])
                                    for lay in sorted({c["layout"] for c, _ in results if c["split"] == s})}
                                for s in sorted({c["split"] for c, _ in results})}}


def misses_tone(expected: str) -> str:
    """The expected scene with another tone: renders, but is not exact."""
    line = next(ln for ln in expected.splitlines() if ln.startswith("[tone:"))
    return expected.replace(line, "[tone:red]" if line != "[tone:red]" else "[tone:blue]", 1)


def probe_json(constrained: bool = False, *, name: str = "spec01", version: int = 1, sha256: str = "a" * 64,
               failing: dict[str, str] | None = None, raw_override: dict[str, str] | None = None,
               run: str = "run") -> dict:
    """A probe result over four gold entries in each split. `failing` maps a case id to how it
    fails: 'tone' (renders, not exact; repair cannot fix) or 'truncated' (no [/scene]; repair
    closes it). `raw_override` sets a case's raw text (hostile output tests)."""
    failing = failing or {}
    cases, raw_results, repaired_results = [], [], []
    for split in SPLITS:
        for name_ in GOLD_ENTRIES:
            case = gold_case(name_, split)
            how = failing.get(case["id"])
            if how == "tone":
                raw = repaired = misses_tone(case["expected"])
                r_raw = result(False, failure="renderable_but_not_exact", evidence="tone differs: red")
                r_rep = dict(r_raw)
            elif how == "truncated":
                raw = case["expected"].rsplit("[/scene]", 1)[0]
                repaired = case["expected"]
                r_raw = result(False, renderable=False, failure="scene_suffix_failure",
                               evidence="no [/scene]", missing_scene_end=True)
                r_rep = result(True)
            else:
                raw = repaired = case["expected"]
                r_raw, r_rep = result(True), result(True)
            if case["id"] in (raw_override or {}):
                raw = raw_override[case["id"]]
            cases.append(case | {"raw": raw, "repaired": repaired, "tokens": len(raw) // 4,
                                 "raw_result": r_raw, "repaired_result": r_rep})
            raw_results.append((case, r_raw))
            repaired_results.append((case, r_rep))
    return {"schema": SCHEMA, "probe": {"name": name, "version": version, "sha256": sha256, "count": len(cases)},
            "run": run, "checkpoint": f"{run}/checkpoints/step_0000004.json", "step": 4, "constrained": constrained,
            "decode_budget": 700, "seconds": 1.5, "generated_tokens": sum(c["tokens"] for c in cases),
            "scoreboard": {"raw": board(raw_results), "repaired": board(repaired_results)}, "cases": cases}


def write_probe(run_dir: Path, data: dict) -> Path:
    path = probe_path(run_dir, data["constrained"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))
    return path


def events(steps: int = 6) -> list[dict]:
    """metrics.jsonl events of a small two-stage run."""
    out = [{"event": "start", "step": 0, "total_steps": steps, "params": 12345, "device": "cpu", "precision": "fp32",
            "world": 1, "resumed": None, "spec": "spec01",
            "model": {"ctx": 64, "d_mlp": 64, "d_model": 32, "n_head": 4, "n_kv_head": 2, "n_layer": 2, "vocab_size": 422},
            "train": {"size": "tiny", "batch": 2, "lr": 3e-3,
                      "stages": [{"name": "pretrain", "amount": 3, "budget": "steps", "buckets": ["direct"]},
                                 {"name": "midtrain", "amount": 3, "budget": "steps", "buckets": ["direct"]}]},
            "stages": [{"stage": "pretrain", "first_step": 1, "last_step": steps // 2, "rows": 30,
                        "windows_per_epoch": 12, "fill_rate": 0.9},
                       {"stage": "midtrain", "first_step": steps // 2 + 1, "last_step": steps, "rows": 20,
                        "windows_per_epoch": 8, "fill_rate": 0.85}]}]
    for step in range(1, steps + 1):
        stage = "pretrain" if step <= steps // 2 else "midtrain"
        out.append({"event": "step", "step": step, "stage": stage, "epoch": 0, "loss": 6.0 / step,
                    "grad_norm": 3.0 / step, "lr": 3e-3, "tokens": 100 * step, "tokens_per_s": 1000.0 + step,
                    "elapsed": 0.5 * step})
    out.append({"event": "finished", "step": steps, "stage": "midtrain"})
    return out


def run_folder(folder: Path, spec_text: str | None = None) -> Path:
    """A run folder as `ck train` leaves it (no checkpoints): spec, run.json, tokenizer, metrics."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.toml").write_text(spec_text or SPEC01.read_text())
    (folder / "run.json").write_text(json.dumps({"spec": "spec01", "spec_sha256": "b" * 64, "device": "cpu",
                                                 "preflight": {"checked": True, "file": "nowhere/preflight.json"},
                                                 "started": "2026-01-02T03:04:05+0000"}))
    default_tokenizer().save(folder / "tokenizer.json")
    (folder / "metrics.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events()))
    return folder


def record_two(ws: Path) -> tuple[str, str]:
    """Two runs recorded in the ledger of `ws`: spec01's, promoted (champion) with its report
    written, and spec02's, which misses its dev bar (a tone failure). Returns their run ids."""
    from engine.report.render import write_report
    from engine.runs.ledger import Ledger
    from engine.runs.record import record_folder

    with Ledger.open(ws) as ledger:
        one = run_folder(ws / "runs" / "one", (ROOT / "specs" / "spec01.toml").read_text())
        write_probe(one, probe_json(False))
        write_probe(one, probe_json(True))
        first = record_folder(ledger, one)
        ledger.set_status(first, "finished")
        ledger.decide(first, "promote", "memorized")
        write_report(one, one / "report.html", ledger, first)
        two = run_folder(ws / "runs" / "two", (ROOT / "specs" / "spec02.toml").read_text())
        write_probe(two, probe_json(False, failing={"own_tree_triage-dev": "tone"}))
        second = record_folder(ledger, two)
    return first, second
