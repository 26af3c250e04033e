"""`ck data qc DIR [--spec SPEC.toml] [--budget TOKENS]`: a built dataset checked, and profiled.

    ck data qc out/data/spec01 --budget 2000000

Checks (each pass/fail with evidence; any failure exits 1). The seed's loss-curve table names why:
"data has conflicting signals (e.g., same prompt -> different targets) ... check for duplicate or
contradictory training rows".

- integrity: every split file matches the sha256 in manifest.json (and, with --spec, the dataset
  was built from that spec's exact text);
- targets_clean: every target parses without a diagnostic, is canonical, and compiles with its gold
  entry's content (placeholders allowed);
- no_duplicates: no row id and no (prompt, target) twice;
- no_contradictions: no prompt with two different targets;
- holdouts_disjoint: no dev/test/hidden/compositional prompt or target is also a train prompt or
  target, no train row has a hidden topic x layout, and every hidden row has one; no row outside the
  compositional split asks a compositional (add kind, layout) or holds that kind under that layout,
  and every compositional row asks one;
- bucket_ratios: each bucket's share of train within TOLERANCE of the declared ratio;
- repair_cap: the train repair share at most the cap (seed: "Repair budget");
- fits_context: every row's prompt + target + eos fits the spec's ctx, since a longer row is cut in
  training and teaches a cut-off scene.

The profile (seed: "Budget ... effective epochs, packed token budgets"): rows per split, bucket and
layout; packed tokens per split; mean/p95/max row length; effective epochs of train for --budget.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from engine.data.rows import SPLITS, Row, read_manifest, read_rows, split_file
from engine.dsl import load, serialize
from engine.fileio import read_json, write_atomic
from engine.tokenizer.fit import fits, row_tokens
from engine.tokenizer.prompts import ADD_TAG

# Bucket shares are whole rows and whole pairs, and a verbatim gold row keeps its entry's split,
# so train lands a little off the declared ratio: allow 2 points, plus two rows' worth for tiny sets.
TOLERANCE = 0.02
EVIDENCE = 5        # offending ids listed per check
# Below this many distinct targets one process is done before worker processes have started (each
# imports the compiler: about 0.3 s); above it the targets are shared among the machine's cores.
PARALLEL_MIN = 400


def target_problems(target: str, content) -> list[str]:
    """Why a target is not a clean canonical scene that compiles; [] when it is."""
    doc = load(target)
    if doc.scene is None:
        return ["does not parse"]
    problems = [d.format("target") for d in doc.diagnostics]
    if not problems and serialize(doc.scene) != target:
        problems.append("not canonical: `ck fmt` would rewrite it")
    if not doc.errors:
        # imported here: engine.data is imported by the trainer's config, and so by every checkpoint
        # load, which needs no compiler (a plain `ck generate` or `ck export`: 0.13 s of its start)
        from engine.compiler import compile_scene

        try:
            compile_scene(doc.scene, content)
        except Exception as e:  # noqa: BLE001 - any crash of the compiler is what this check exists to catch
            problems.append(f"does not compile: {type(e).__name__}: {e}")
    return problems


def _check(name: str, passed: bool, **evidence) -> dict:
    return {"name": name, "passed": passed, "evidence": evidence}


def check_integrity(folder: Path, manifest: dict, spec_sha: str | None) -> dict:
    bad = []
    for split in SPLITS:
        path = folder / split_file(split)
        want = manifest.get("files", {}).get(split_file(split), {}).get("sha256")
        have = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
        if want != have:
            bad.append(split_file(split))
    built_from = manifest.get("spec", {}).get("sha256")
    other_spec = spec_sha is not None and spec_sha != built_from
    return _check("integrity", not bad and not other_spec, changed_files=bad,
                  built_from_this_spec=None if spec_sha is None else not other_spec)


def gold_contents(manifest: dict, pack: Path | None) -> dict[str, object]:
    """Each gold entry's content.json, read from the pack the dataset was built from."""
    gold = manifest.get("gold", {})
    pack = pack or Path(gold.get("pack", ""))
    out = {}
    for name in gold.get("entries", {}):
        path = pack / name / "content.json"
        if path.exists():
            out[name] = read_json(path)
    return out


_CONTENTS: dict = {}   # a worker's gold contents, set once when it starts


def _start_worker(contents: dict) -> None:
    _CONTENTS.update(contents)


def _problems_in_worker(key: tuple[str, str]) -> list[str]:
    target, gold = key
    return target_problems(target, _CONTENTS.get(gold, {}))


def all_problems(keys: list[tuple[str, str]], contents: dict, jobs: int | None = None) -> list[list[str]]:
    """`target_problems` of each (target, gold entry) key, shared among `jobs` processes (default:
    the cores this process may use) when there are enough of them to pay for starting workers.
    Workers come from a fork server, never a fork of this process: a trainer's process may hold
    torch's threads, which a fork does not carry over."""
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs < 2 or len(keys) < PARALLEL_MIN:
        return [target_problems(t, contents.get(g, {})) for t, g in keys]
    with ProcessPoolExecutor(jobs, mp_context=get_context("forkserver"), initializer=_start_worker,
                             initargs=(contents,)) as pool:
        return list(pool.map(_problems_in_worker, keys, chunksize=max(1, len(keys) // (jobs * 8))))


def check_targets(rows: list[Row], contents: dict, jobs: int | None = None) -> dict:
    keys = list(dict.fromkeys((r.target, r.provenance.get("gold", "")) for r in rows))
    done = dict(zip(keys, all_problems(keys, contents, jobs)))
    problems = {}
    for r in rows:
        found = done[(r.target, r.provenance.get("gold", ""))]
        if found and len(problems) < EVIDENCE:
            problems[r.id] = found[0]
    bad = sum(1 for r in rows if done[(r.target, r.provenance.get("gold", ""))])
    missing = sorted({r.provenance.get("gold", "") for r in rows} - set(contents))
    return _check("targets_clean", bad == 0, rows=len(rows), distinct_targets=len(done),
                  bad_rows=bad, examples=problems, compiled_without_content=missing)


def check_duplicates(rows: list[Row]) -> dict:
    ids = Counter(r.id for r in rows)
    pairs = Counter((r.prompt, r.target) for r in rows)
    dup_ids = sorted(i for i, n in ids.items() if n > 1)
    dup_rows = sorted(r.id for r in rows if pairs[(r.prompt, r.target)] > 1)
    return _check("no_duplicates", not dup_ids and not dup_rows, duplicate_ids=dup_ids[:EVIDENCE],
                  duplicate_rows=len(dup_rows), examples=dup_rows[:EVIDENCE])


def check_contradictions(rows: list[Row]) -> dict:
    targets = defaultdict(set)
    for r in rows:
        targets[r.prompt].add(r.target)
    bad = sorted(p for p, t in targets.items() if len(t) > 1)
    ids = sorted(r.id for r in rows if r.prompt in set(bad))
    return _check("no_contradictions", not bad, prompts_with_several_targets=len(bad),
                  examples=ids[:EVIDENCE])


_TOPIC = re.compile(r"^\[topic:([^\]]*)\]$", re.MULTILINE)


def _topic_layout(row: Row) -> tuple[str, str]:
    found = _TOPIC.search(row.target)
    return (found.group(1) if found else "", row.layout)


def _paraphrase(row: Row) -> bool:
    return row.split == "hidden" and row.provenance.get("surface") == "paraphrase"


def check_holdouts(rows: list[Row], hidden: set[tuple[str, str]], asked: set[tuple[str, str]] = frozenset()) -> dict:
    train = [r for r in rows if r.split == "train"]
    prompts, targets = {r.prompt for r in train}, {r.target for r in train}
    holdout = [r for r in rows if r.split != "train"]
    prompt_leaks = sorted(r.id for r in holdout if r.prompt in prompts)
    # a paraphrase asks for a scene train shows, in words train never shows: the new surface is
    # what is held out (its prompt is checked above), the scene is not
    target_leaks = sorted(r.id for r in holdout if r.target in targets and not _paraphrase(r))
    hidden_in_train = sorted(r.id for r in train if _topic_layout(r) in hidden)
    not_hidden = sorted(r.id for r in rows if r.split == "hidden" and _topic_layout(r) not in hidden
                        and not _paraphrase(r))
    seen = [r for r in rows if r.split != "compositional"]
    # a compositional pair is new: no other row asks it, nor holds the kind's block in that layout
    asked_elsewhere = sorted(r.id for r in seen if _add_layout(r) in asked
                             or any(lay == r.layout and f"[{kind}]" in r.target for kind, lay in asked))
    not_asked = sorted(r.id for r in rows if r.split == "compositional" and _add_layout(r) not in asked)
    return _check("holdouts_disjoint",
                  not (prompt_leaks or target_leaks or hidden_in_train or not_hidden or asked_elsewhere or not_asked),
                  holdout_rows=len(holdout), prompt_leaks=prompt_leaks[:EVIDENCE],
                  target_leaks=target_leaks[:EVIDENCE], hidden_combo_in_train=hidden_in_train[:EVIDENCE],
                  hidden_row_without_hidden_combo=not_hidden[:EVIDENCE],
                  compositional_pair_outside_its_split=asked_elsewhere[:EVIDENCE],
                  compositional_row_without_its_pair=not_asked[:EVIDENCE])


def _add_layout(row: Row) -> tuple[str, str] | None:
    found = ADD_TAG.search(row.prompt)
    return (found.group(1), row.layout) if found else None


def check_ratios(rows: list[Row], declared: dict[str, float]) -> dict:
    train = [r for r in rows if r.split == "train"]
    n = max(len(train), 1)
    have = Counter(r.bucket for r in train)
    tolerance = TOLERANCE + 2 / n
    shares = {b: round(have.get(b, 0) / n, 4) for b in sorted(set(declared) | set(have))}
    off = {b: {"declared": declared.get(b, 0.0), "train": s} for b, s in shares.items()
           if abs(s - declared.get(b, 0.0)) > tolerance}
    return _check("bucket_ratios", not off and bool(train), train_rows=len(train),
                  tolerance=round(tolerance, 4), shares=shares, off=off)


def check_repair_cap(rows: list[Row], cap: float) -> dict:
    train = [r for r in rows if r.split == "train"]
    share = sum(r.bucket == "repair" for r in train) / max(len(train), 1)
    return _check("repair_cap", share <= cap + 1e-9, cap=cap, train_repair_share=round(share, 4))


def _lengths(rows: list[Row], tokenizer) -> dict[str, int]:
    """Packed length per row: prompt + target + the end-of-sequence token."""
    return {r.id: row_tokens(tokenizer.count(r.prompt), tokenizer.count(r.target)) for r in rows}


def check_context(rows: list[Row], lengths: dict[str, int], ctx: int) -> dict:
    over = sorted((r.id for r in rows if not fits(lengths[r.id], ctx)), key=lambda i: -lengths[i])
    return _check("fits_context", not over, ctx=ctx, rows_over=len(over),
                  longest=max(lengths.values(), default=0), examples=over[:EVIDENCE])


def profile(rows: list[Row], lengths: dict[str, int], budget: int | None, tokenizer) -> dict:
    out: dict = {"rows": {}, "rows_by_bucket": {}, "rows_by_layout": {}, "tokens": {}}
    for split in SPLITS:
        mine = [r for r in rows if r.split == split]
        if not mine:
            continue
        sizes = sorted(lengths[r.id] for r in mine)
        out["rows"][split] = len(mine)
        out["rows_by_bucket"][split] = dict(sorted(Counter(r.bucket for r in mine).items()))
        out["rows_by_layout"][split] = dict(sorted(Counter(r.layout for r in mine).items()))
        out["tokens"][split] = {"packed": sum(sizes), "mean": round(sum(sizes) / len(sizes), 1),
                                "p95": sizes[min(len(sizes) - 1, int(0.95 * len(sizes)))],
                                "max": sizes[-1]}
    train = [r for r in rows if r.split == "train"]
    # realized per family (mixture.families, mixture.replay): each family's share of the train rows,
    # and of each bucket's train rows
    out["family_shares"] = {
        "all": {lay: round(n / len(train), 4) for lay, n in sorted(Counter(r.layout for r in train).items())},
        **{b: {lay: round(n / k, 4) for lay, n in sorted(Counter(r.layout for r in train if r.bucket == b).items())}
           for b, k in sorted(Counter(r.bucket for r in train).items())}} if train else {}
    train_tokens = out["tokens"].get("train", {}).get("packed", 0)
    out["budget"] = budget
    # seed, "Reading the Loss Curve": how many passes over train a token budget buys
    out["effective_epochs"] = round(budget / train_tokens, 3) if budget and train_tokens else None
    out["tokenizer"] = {"version": tokenizer.version, "hash": tokenizer.hash, "size": len(tokenizer)}
    return out


def run_qc(folder: str | Path, spec=None, budget: int | None = None, tokenizer=None) -> dict:
    """All checks and the profile; writes DIR/qc.json and returns the same report."""
    from engine.data.spec import spec_tokenizer
    from engine.tokenizer import default_tokenizer

    folder = Path(folder)
    manifest = read_manifest(folder)
    rows = read_rows(folder)
    declared = manifest.get("spec", {})
    buckets = spec.mixture.buckets if spec else declared.get("buckets", {})
    cap = spec.mixture.repair_cap if spec else declared.get("repair_cap", 0.15)
    hidden = {tuple(c) for c in (spec.splits.hidden if spec else declared.get("hidden", []))}
    asked = {tuple(c) for c in (spec.splits.compositional if spec else declared.get("compositional", []))}
    ctx = spec.ctx if spec else declared.get("ctx", 0)
    tokenizer = tokenizer or (spec_tokenizer(spec) if spec else default_tokenizer())
    lengths = _lengths(rows, tokenizer)
    checks = [
        check_integrity(folder, manifest, spec.sha256 if spec else None),
        check_targets(rows, gold_contents(manifest, spec.gold_pack if spec else None)),
        check_duplicates(rows),
        check_contradictions(rows),
        check_holdouts(rows, hidden, asked),
        check_ratios(rows, buckets),
        check_repair_cap(rows, cap),
        check_context(rows, lengths, ctx),
    ]
    report = {"dataset": manifest.get("spec", {}).get("name"), "passed": all(c["passed"] for c in checks),
              "checks": checks, "profile": profile(rows, lengths, budget, tokenizer)}
    write_atomic(folder / "qc.json", json.dumps(report, indent=2, sort_keys=True) + "\n")
    return report


def summary(report: dict) -> str:
    """The report as a person reads it: one line per check, then the profile."""
    lines = []
    for c in report["checks"]:
        shown = {k: v for k, v in c["evidence"].items() if v not in ([], {}, None)}
        lines.append(f"{'PASS' if c['passed'] else 'FAIL'}  {c['name']:<18} {json.dumps(shown, sort_keys=True)}")
    p = report["profile"]
    lines.append("")
    lines.append(f"{'split':<14}{'rows':>7}{'tokens':>10}{'mean':>8}{'p95':>6}{'max':>6}  buckets")
    for split, n in p["rows"].items():
        t = p["tokens"][split]
        buckets = " ".join(f"{b}={k}" for b, k in p["rows_by_bucket"][split].items())
        lines.append(f"{split:<14}{n:>7}{t['packed']:>10}{t['mean']:>8}{t['p95']:>6}{t['max']:>6}  {buckets}")
    layouts = sorted({lay for by in p["rows_by_layout"].values() for lay in by})
    lines.append("")
    shares = p.get("family_shares", {})
    width = {s: max(8, len(s) + 2) for s in p["rows"]}
    lines.append(f"{'layout':<24}" + "".join(f"{s:>{width[s]}}" for s in p["rows"]) + "  train share: all, direct, anchor")
    for lay in layouts:
        share = " ".join(f"{100 * shares.get(k, {}).get(lay, 0):.1f}%" for k in ("all", "direct", "anchor_replay"))
        lines.append(f"{lay:<24}" + "".join(f"{p['rows_by_layout'][s].get(lay, 0):>{width[s]}}" for s in p["rows"])
                     + f"  {share}")
    if p["effective_epochs"] is not None:
        lines.append(f"\nbudget {p['budget']} tokens = {p['effective_epochs']} epochs of train")
    lines.append(f"\nQC {'passed' if report['passed'] else 'FAILED'}")
    return "\n".join(lines)
