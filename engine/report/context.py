"""Everything the report shows, gathered from a run folder and (when there is one) the ledger.

    ctx = report_context(run_dir)                            # a `ck train` folder on its own
    ctx = report_context(run_dir, ledger=ledger, run_id=run)   # plus decisions, baseline, champion

The run folder is the evidence (seed: "Show the evidence": every claim anchors to an artifact):
spec.toml, run.json, dataset.json and the dataset's manifest, tokenizer.json, metrics.jsonl, the
preflight verdict with the gold gate, and probes/<mode>/probe.json. The ledger adds what only it
knows: rung, baseline, recorded hashes, canary, decisions, lessons, the champion. Whatever is
missing is shown as missing, not invented.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

from engine.fileio import InputError, read_json, read_text
from engine.probe.result import METRICS, MODES, load_probe, probe_path
from engine.report import curves
from engine.report.gallery import failure_cards
from engine.report.images import png_thumbnail, svg_uri
from engine.report.readings import readings
from engine.rundir import PreflightDir, RunDir
from engine.runs import metrics as run_metrics
from engine.runs.curve_readings import curve_readings
from engine.runs.hashes import changed_assets

GALLERY_LIMIT = 24          # failure cards per probe mode; the rest are counted
HEADLINE = ("exact_rate", "renderable_rate", "materialized_exact_rate")
# The held-constant matrix's rows (seed: "DSL/compiler/data/tokenizer/capacity matrix"), and the
# words of a primary axis ("data: ...") that point at each.
AXES = (("dsl", "DSL grammar", ("dsl", "grammar")),
        ("compiler", "compiler", ("compiler",)),
        ("data", "dataset", ("data", "curriculum", "mixture")),
        ("tokenizer", "tokenizer", ("tokenizer", "token")),
        ("budget", "context budget", ("budget", "context", "ctx")),
        ("capacity", "model capacity", ("capacity", "model", "size")),
        ("schedule", "training schedule", ("schedule", "epochs", "lr", "optimizer")),
        ("decode", "decode", ("decode", "repair", "constrained")))


def _maybe_json(path: Path):
    try:
        return read_json(path) if path.exists() else None
    except InputError:
        return None


def _spec_table(run_dir: Path, record: dict | None) -> dict:
    if record is not None:
        s = record["spec"]
        return {"name": s["name"], "version": s["version"], "sha256": s["sha256"], "hypothesis": s["hypothesis"],
                "primary_axis": record["run"]["primary_axis"], "held_constant": record["run"]["held_constant"],
                "baseline": s["baseline"]}
    path = RunDir(run_dir).spec
    if not path.exists():
        return {}
    try:
        head = tomllib.loads(read_text(path)).get("spec", {})
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: {e}") from None
    run = _maybe_json(RunDir(run_dir).info) or {}
    return {"name": head.get("name", "?"), "version": head.get("version"), "sha256": run.get("spec_sha256", ""),
            "hypothesis": str(head.get("hypothesis", "")).strip(), "primary_axis": head.get("primary_axis", ""),
            "held_constant": list(head.get("held_constant", [])), "baseline": head.get("baseline", "")}


def _probes(run_dir: Path, record: dict | None) -> dict:
    """mode -> ProbeResult, from the ledger's recorded paths or the run folder's conventional ones."""
    out = {}
    for constrained, mode in enumerate(MODES):
        recorded = (record or {}).get("scoreboard", {}).get(mode, {}).get("path")
        path = Path(recorded) if recorded else probe_path(run_dir, bool(constrained))
        if path.exists():
            out[mode] = load_probe(path)
    return out


def _preflight(run_dir: Path) -> tuple[dict | None, PreflightDir | None]:
    local = RunDir(run_dir).preflight
    if local.verdict.exists():
        return _maybe_json(local.verdict), local
    run = _maybe_json(RunDir(run_dir).info) or {}
    named = Path(run.get("preflight", {}).get("file", "")) if run.get("preflight", {}).get("file") else None
    if named is not None and named.exists():
        return _maybe_json(named), PreflightDir(named.parent)
    return None, None


def fingerprint(run_dir: Path, hashes: dict | None) -> dict[str, str]:
    """What each held-constant axis was for a run, from its folder and its recorded hashes."""
    folder = RunDir(run_dir)
    run = _maybe_json(folder.info) or {}
    dataset = _maybe_json(folder.dataset) or {}
    tokenizer = _maybe_json(folder.tokenizer) or {}
    events = run_metrics.read_events(folder.metrics)
    summary = run_metrics.summary(events)
    train, model = summary["train"], summary["model"]
    probe = next((p for p in (_maybe_json(probe_path(run_dir, c)) for c in (False, True)) if p), None)
    hashes = hashes or {}
    return {
        "dsl": _dsl(hashes),
        "compiler": _short(hashes.get("compiler", "")),
        "data": _short(dataset.get("train_sha256") or hashes.get("dataset", "")),
        "tokenizer": _short(tokenizer.get("hash") or hashes.get("tokenizer", "")),
        "budget": f"ctx {model['ctx']}" if model.get("ctx") else "",
        "capacity": (f"{train.get('size', '?')} ({summary['params']:,} params)" if summary.get("params") else ""),
        "schedule": ", ".join(f"{s['name']} {s['amount']:g} {s['budget']}" for s in train.get("stages", []))
        + (f"; lr {train['lr']:g}, batch {train['batch']}" if train.get("lr") else ""),
        "decode": (f"budget {probe['decode_budget']}" if probe else ""),
        "spec": _short(run.get("spec_sha256") or hashes.get("spec", "")),
    }


def _dsl(hashes: dict) -> str:
    """The DSL a run spoke: its version (runs before v2 recorded none) and its grammar's hash."""
    grammar = _short(hashes.get("grammar", ""))
    return f"v{hashes['dsl_version']} {grammar}" if "dsl_version" in hashes else grammar


def _short(digest: str) -> str:
    return digest[:12] if digest else ""


def _facts(ledger, run_id: str):
    """What the cross-run diagnoses read of a ledger run (engine/runs/diagnoses.py)."""
    from engine.runs.diagnoses import RungFacts

    run = ledger.record_of(run_id)["run"]
    folder = RunDir(run["run_dir"])
    size = run_metrics.summary(run_metrics.read_events(folder.metrics))["train"].get("size", "")
    board = ledger.scoreboard(run_id).get("unconstrained", {}).get("raw", {}).get("overall", {})
    share = None
    dataset = _maybe_json(folder.dataset) or {}
    manifest = _maybe_json(Path(dataset["path"]) / "manifest.json") if dataset.get("path") else None
    if manifest:
        train = manifest.get("counts", {}).get("bucket", {}).get("train", {})
        share = train.get("repair", 0) / sum(train.values()) if train else None
    return RungFacts(run_id, size, board.get("renderable_rate"), board.get("exact_rate"), share)


def _diagnoses(ledger, record) -> list[str]:
    """The Run Failure Matrix's cross-run classes this run shows, in words."""
    from engine.runs.diagnoses import capacity_misdiagnosis, over_repair_fragmentation, seed_probe_integrity_gap

    run_id, baseline = record["run"]["id"], record["run"]["baseline"]
    out = []
    mine = _facts(ledger, run_id)
    if baseline:
        theirs = _facts(ledger, baseline)
        out.append(over_repair_fragmentation(mine, theirs))
        rungs = [_facts(ledger, r["id"]) for r in ledger.runs() if r["spec"] == record["run"]["spec"]]
        out.append(capacity_misdiagnosis(rungs, mine.size, theirs.size))
    probes = [{"run": r["id"], "checkpoint": p["checkpoint"], "list": f"{p['name']} v{p['version']}",
               "exact": p["boards"]["raw"]["overall"].get("exact_rate", 0.0)}
              for r in ledger.runs() for p in ledger.probes(r["id"]) if not p["constrained"]]
    mine_first = sorted(probes, key=lambda p: p["run"] != run_id)
    gap = seed_probe_integrity_gap(mine_first)
    out.append(gap if gap and run_id in gap else None)
    return [text for text in out if text]


def _axes_verdict(run_dir: Path, baseline_dir: Path | None) -> dict | None:
    """The spec's axes against its baseline's spec (engine/data/axes.py): which changed, and
    whether that is one question or the spec says why it asks more."""
    import tomllib

    from engine.data.axes import changed_axes

    mine, theirs = RunDir(run_dir).spec, RunDir(baseline_dir).spec if baseline_dir else None
    if theirs is None or not mine.exists() or not theirs.exists():
        return None
    new = tomllib.loads(mine.read_text(encoding="utf-8"))
    axes = changed_axes(new, tomllib.loads(theirs.read_text(encoding="utf-8")))
    why = str(new.get("spec", {}).get("allow_multi_axis", "")).strip()
    tone = "green" if len(axes) == 1 else "amber" if len(axes) > 1 and why else "red" if axes else "amber"
    verdict = ("one axis changed: one rung, one question" if len(axes) == 1 else
               "no axis changed: a repeat of the baseline" if not axes else
               f"{len(axes)} axes changed" + (f"; the spec says why: {why}" if why else "; more than one question"))
    return {"changed": axes, "tone": tone, "verdict": verdict}


def held_constant_matrix(primary_axis: str, mine: dict, baseline: dict | None) -> list[dict]:
    words = primary_axis.lower().replace(":", " ").replace(",", " ").split()
    head = words[0] if words else ""
    rows = []
    for key, label, aliases in AXES:
        theirs = baseline.get(key, "") if baseline else ""
        if not mine.get(key) or not theirs:
            state = "unknown" if baseline else "no baseline"
        else:
            state = "same" if mine[key] == theirs else "changed"
        rows.append({"key": key, "label": label, "value": mine.get(key) or "not recorded", "baseline": theirs,
                     "state": state, "primary": head in aliases})
    return rows


def _marks(readings, series: str) -> list[tuple[int, str, str, str]]:
    """The curve readings about `series`, as line_chart's marks."""
    return [(r.step, r.label, f"step {r.step}: {r.text}. Seed action: {r.action}", r.tone)
            for r in readings if r.step is not None and r.series == series]


def _board_table(board: dict, scope: str) -> list[dict]:
    return [{"key": key, **values} for key, values in sorted(board.get(scope, {}).items())]


def _deltas(comparison) -> dict:
    """(mode, surface, scope, key, metric) -> delta, from a promotion.Comparison."""
    return {(d.mode, d.surface, d.scope, d.key, d.metric): d.delta for d in comparison.rows if d.delta is not None}


def _in_family(probe) -> float | None:
    """Share of raw outputs whose scene names the expected layout (seed: "visibly in-family")."""
    from engine.dsl import load

    if not probe.cases:
        return None
    hits = 0
    for case in probe.cases:
        scene = load(case.raw).scene
        hits += scene is not None and scene.layout == case.layout
    return hits / len(probe.cases)


def _gold_gate(preflight_dir: PreflightDir | None) -> dict | None:
    if preflight_dir is None:
        return None
    gate_dir = preflight_dir.gold
    folder = gate_dir.folder
    gate = _maybe_json(gate_dir.verdict)
    if not isinstance(gate, dict):
        return None
    entries = []
    for e in gate.get("entries", []):
        images = e.get("images", {})
        compiled = folder / images["compiled"].replace(".png", ".svg") if images.get("compiled") else None
        entries.append(e | {
            "compiled_img": svg_uri(read_text(compiled)) if compiled and compiled.exists() else None,
            "reference_img": png_thumbnail(folder / images["reference"]) if images.get("reference") else None,
            "diff_img": png_thumbnail(folder / images["diff"]) if images.get("diff") else None,
        })
    return {"score": gate.get("gold_asset_parity_score"), "passed": gate.get("passed"), "entries": entries}


def _confusion_tables(probe) -> list[dict]:
    """Per key (layout, theme, tone), the raw outputs' expected x emitted table over all splits,
    with the row and column labels in order and the confusions per split named."""
    from engine.probe.confusion import KEYS, off_diagonal

    matrices = probe.confusion("raw")
    out = []
    for key in KEYS:
        table = matrices[key]["all"]
        emitted = sorted({g for row in table.values() for g in row})
        out.append({"key": key, "rows": sorted(table), "cols": emitted, "table": table,
                    "confused": {split: off_diagonal(t) for split, t in matrices[key].items()
                                 if split != "all" and off_diagonal(t)}})
    return out


def report_context(run_dir: str | Path, ledger=None, run_id: str | None = None) -> dict:
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise InputError(f"{run_dir}: no such run folder")
    record = ledger.record_of(run_id) if ledger is not None and run_id else None
    spec = _spec_table(run_dir, record)
    folder = RunDir(run_dir)
    run_json = _maybe_json(folder.info) or {}
    events = run_metrics.read_events(folder.metrics)
    summary = run_metrics.summary(events)
    curve_found = curve_readings(events)
    dataset = _maybe_json(folder.dataset) or {}
    manifest = _maybe_json(Path(dataset["path"]) / "manifest.json") if dataset.get("path") else None
    tokenizer = _maybe_json(folder.tokenizer)
    preflight, preflight_dir = _preflight(run_dir)
    probes = _probes(run_dir, record)

    baseline_id = record["run"]["baseline"] if record else None
    champion_id = record["champion"] if record else None
    baseline = comparison = champion_cmp = None
    comparison_note = champion_note = ""
    if ledger is not None and baseline_id:
        baseline = ledger.record_of(baseline_id)
        try:
            comparison = ledger.compare(run_id, baseline_id)
        except InputError as e:
            comparison_note = str(e)
    if ledger is not None and champion_id and champion_id != run_id:
        try:
            champion_cmp = comparison if champion_id == baseline_id and comparison else ledger.compare(run_id, champion_id)
        except InputError as e:
            champion_note = str(e)

    mine = fingerprint(run_dir, record["run"]["hashes"] if record else None)
    theirs = fingerprint(Path(baseline["run"]["run_dir"]), baseline["run"]["hashes"]) if baseline else None
    deltas = _deltas(comparison) if comparison else {}

    modes = []
    for mode, probe in probes.items():
        boards = {"raw": _board(probe.scoreboard.raw), "repaired": _board(probe.scoreboard.repaired)}
        cards, failing = failure_cards(probe, GALLERY_LIMIT)
        modes.append({
            "mode": mode, "probe": probe.probe, "step": probe.step, "checkpoint": probe.checkpoint,
            "decode_budget": probe.decode_budget, "seconds": probe.seconds, "cases": len(probe.cases),
            "generated_tokens": probe.generated_tokens, "boards": boards, "trained_on": probe.trained_on,
            "splits": sorted({k for b in boards.values() for k in b["by_split"]}, key=_split_order),
            "layouts": sorted({k for b in boards.values() for k in b["by_layout"]}),
            "cards": cards, "failing": failing, "in_family": _in_family(probe),
            "confusion": _confusion_tables(probe),
        })
    first = modes[0]["boards"] if modes else None
    return {
        "run_id": run_id or run_dir.name,
        "run_dir": str(run_dir),
        "record": record,
        "spec": spec,
        "started": run_json.get("started", ""),
        "device": run_json.get("device") or summary.get("device"),
        "preflight_checked": run_json.get("preflight", {}).get("checked"),
        "summary": summary,
        "curves": {
            "loss": curves.line_chart(run_metrics.curve(events, "loss"), "loss", run_metrics.stage_starts(events), log=True,
                                      marks=_marks(curve_found, "loss")),
            "grad_norm": curves.line_chart(run_metrics.curve(events, "grad_norm"), "gradient norm (before clipping)",
                                           run_metrics.stage_starts(events), log=True, colour="#c0632b",
                                           marks=_marks(curve_found, "grad_norm")),
        },
        "dataset": {"path": dataset.get("path"), "train_sha256": dataset.get("train_sha256"), "manifest": manifest,
                    "buckets": sorted({b for per in (manifest or {}).get("counts", {}).get("bucket", {}).values()
                                       for b in per})},
        "tokenizer": _tokenizer_facts(tokenizer),
        "preflight": preflight,
        "gold_gate": _gold_gate(preflight_dir),
        "metrics": METRICS,
        "headline": HEADLINE,
        "modes": modes,
        "baseline_id": baseline_id,
        "comparison": comparison,
        "comparison_note": comparison_note,
        "deltas": deltas,
        "champion_id": champion_id,
        "champion_regressions": champion_cmp.regressions() if champion_cmp else None,
        "champion_note": champion_note,
        "matrix": held_constant_matrix(spec.get("primary_axis", ""), mine, theirs),
        "asset_changes": changed_assets(record["run"]["hashes"].get("assets", {})) if record else [],
        "axes": _axes_verdict(run_dir, Path(baseline["run"]["run_dir"]) if baseline else None),
        "readings": (readings(first["raw"], first["repaired"], summary["loss"]) if first else [])
        + [("red", text) for text in (_diagnoses(ledger, record) if ledger is not None and record else [])],
        "curve_readings": curve_found,
        "lessons": (record or {}).get("lessons", []),
        "decisions": (record or {}).get("decisions", []),
        "canary": (record or {}).get("canary"),
    }


def _board(board) -> dict:
    return {"overall": board.overall, "by_split": board.by_split, "by_layout": board.by_layout,
            "by_split_layout": board.by_split_layout, "counts": board.counts}


def _split_order(split: str) -> tuple[int, str]:
    order = ("train", "dev", "test", "hidden", "compositional")
    return (order.index(split) if split in order else len(order), split)


def _tokenizer_facts(doc: dict | None) -> dict | None:
    if not isinstance(doc, dict) or not isinstance(doc.get("vocab"), list):
        return None
    from engine.tokenizer.vocabulary import SPECIALS, reserved_tokens

    vocab = doc["vocab"]
    reserved = set(reserved_tokens())
    return {"size": len(vocab), "hash": doc.get("hash", ""), "specials": [s for s in SPECIALS if s in vocab],
            "reserved": sum(1 for v in vocab if v in reserved), "version": doc.get("version")}
