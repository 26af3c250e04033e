"""engine/data: prompt surfaces, the seeded builder, QC with planted faults, the blueprint audit.

Most tests build a small spec over a three-entry gold pack written into tmp_path (built once per
module); one test builds the shipped specs/spec01.toml over the real gold pack.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import build_parser
from engine.compiler import compile_scene
from engine.data.audit import audit
from engine.data import qc
from engine.data.build import build_dataset, dataset_meta, load_golds
from engine.data.failures import CLASSES, CORRUPTION_TEACHES, NOT_DATA
from engine.data.rows import Row, read_rows, write_dataset
from engine.data.spec import CORRUPTIONS, load_spec
from engine.data.variants import damage
from engine.dsl import load, serialize
from engine.fileio import InputError
from engine.paths import ROOT
from engine.tokenizer import default_tokenizer
from engine.tokenizer.prompts import explicit_prompt, intent_prompt, repair_prompt

HEADER = ("[header_band]\n[kicker_ref:header_band.0.kicker]\n[headline_ref:header_band.0.headline]\n"
          "[/header_band]\n")


def _block(name: str, index: int, fields: tuple[str, ...], accent: str | None = None) -> str:
    attrs = f"[accent:{accent}]\n" if accent else ""
    refs = "".join(f"[{f}_ref:{name}.{index}.{f}]\n" for f in fields)
    return f"[{name}]\n{attrs}{refs}[/{name}]\n"


# Three families, each with a repeated index-addressed component so count changes apply.
GOLD = {
    "alpha": ("poster_stack", "train", "memory_wall",
              "".join(_block("callout_card", i, ("title", "text"), "red") for i in range(2))
              + _block("conclusion_strip", 0, ("text",))),
    "beta": ("comparison_span_chart", "train", "bandwidth_gap",
             "".join(_block("compare_bar", i, ("label", "value")) for i in range(3))
             + _block("span_bracket", 0, ("label",))),
    "gamma": ("dashboard_cards", "dev", "ops_status",
              "".join(_block("section_card", i, ("title", "value"), "blue") for i in range(3))),
}


def _content(body: str) -> dict:
    """A value for every ref of a scene text, so the gold compiles without placeholders."""
    content: dict = {}
    for line in body.splitlines():
        if "_ref:" in line:
            name, index, field = line.split(":", 1)[1].rstrip("]").split(".")
            items = content.setdefault(name, [])
            while len(items) <= int(index):
                items.append({})
            items[int(index)][field] = f"{field} {index}"
    return content


def write_pack(folder: Path) -> Path:
    for name, (family, split, topic, body) in GOLD.items():
        text = f"[scene]\n[layout:{family}]\n[topic:{topic}]\n{HEADER}{body}[/scene]\n"
        entry = folder / name
        entry.mkdir(parents=True)
        (entry / "scene.dsl").write_text(serialize(load(text).scene))
        (entry / "content.json").write_text(json.dumps(_content(HEADER + body)))
        (entry / "meta.toml").write_text(f'family = "{family}"\nsplit = "{split}"\n'
                                         'reference = "reference.svg"\nthreshold = 0.5\n')
    return folder


SPEC = """
[spec]
name = "tiny"
version = 1
seed = {seed}
ctx = 1024
hypothesis = "a tiny spec for tests"
primary_axis = "data"
held_constant = ["dsl v1"]
baseline = "none: first spec"

[source]
gold_pack = "pack"
families = ["poster_stack", "comparison_span_chart", "dashboard_cards"]

[variants]
topics = ["kv_cache", "attention_cost", "batch_size", "latency_budget"]
themes = ["infra_dark", "paper_editorial"]
tones = ["amber", "blue", "green"]
densities = ["compact", "airy"]
canvases = ["square"]
count_changes = true
order_changes = true
variants_per_gold = 4
rows_per_gold = 40
hidden_rows_per_combo = 3

[mixture]
syntax_rung = {syntax_rung}
[mixture.buckets]
anchor_replay = 0.25
direct = {direct}
minimal_pair = 0.15
repair = {repair}

[splits]
dev = 0.1
test = 0.1
hidden = [{{ topic = "kv_cache", layout = "poster_stack" }}, {{ topic = "ops_status", layout = "comparison_span_chart" }}]

[blueprint]
{blueprint}
"""
BLUEPRINT = """layout_drift = "direct"
theme_tone_drift = "minimal_pair"
scene_suffix_failure = "repair"
scene_prefix_failure = "repair"
budget_truncation = "repair"
"""


def write_spec(folder: Path, name: str = "tiny.toml", seed: int = 7, repair: float = 0.15,
               syntax_rung: str = "false", blueprint: str = BLUEPRINT) -> Path:
    if not (folder / "pack").exists():
        write_pack(folder / "pack")
    direct = round(1.0 - 0.25 - 0.15 - repair, 6)
    path = folder / name
    path.write_text(SPEC.format(seed=seed, repair=repair, direct=direct, syntax_rung=syntax_rung,
                                blueprint=blueprint))
    return path


def ck(*argv: str) -> int:
    args = build_parser(list(argv)).parse_args(list(argv))
    return args.run(args)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    spec = load_spec(write_spec(folder))
    golds = load_golds(spec)
    return spec, golds, build_dataset(spec, golds)


# ---- prompt surfaces ---------------------------------------------------------------------------

def test_the_explicit_prompt_surface_is_exact():
    scene = load("[scene]\n[layout:table_matrix]\n[theme:signal_glow]\n[topic:kv_cache]\n"
                 "[density:airy]\n[tone:red]\n[/scene]\n").scene
    assert explicit_prompt(scene) == ("[task:svg] [layout:table_matrix] [topic:kv_cache] "
                                      "[theme:signal_glow] [tone:red] [density:airy] [OUT]")


def test_the_intent_prompt_surface_is_exact_and_takes_identifiers_only():
    assert intent_prompt("kv_cache", "compare_costs", "operators") == (
        "[task:svg] [topic:kv_cache] [goal:compare_costs] [audience:operators] [OUT]")
    with pytest.raises(InputError, match="audience 'Ops Team'"):
        intent_prompt("kv_cache", "compare_costs", "Ops Team")


def test_a_repair_prompt_carries_the_damage_on_one_line():
    assert repair_prompt("[scene]\n[layout:poster_stack]\n") == "[task:repair] [scene] [layout:poster_stack] [OUT]"


# ---- the builder -------------------------------------------------------------------------------

def test_a_build_is_byte_reproducible_and_the_seed_matters(tmp_path):
    spec = write_spec(tmp_path)
    other = write_spec(tmp_path, "other.toml", seed=8)
    for out, path in (("a", spec), ("b", spec), ("c", other)):
        assert ck("data", "build", str(path), "-o", str(tmp_path / out)) == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == ["dev.jsonl", "hidden.jsonl", "manifest.json", "test.jsonl", "train.jsonl"]
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "train.jsonl").read_bytes() != (tmp_path / "c" / "train.jsonl").read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["files"]["train.jsonl"]["rows"] == len(read_rows(tmp_path / "a", ("train",)))


def test_every_target_is_a_clean_canonical_scene_that_compiles(tiny):
    _, golds, rows = tiny
    content = {g.name: g.content for g in golds}
    assert {r.bucket for r in rows} == {"anchor_replay", "direct", "minimal_pair", "repair"}
    for r in rows:
        doc = load(r.target)
        assert doc.diagnostics == (), (r.id, doc.diagnostics)
        assert serialize(doc.scene) == r.target
        assert r.target.startswith("[scene]\n") and r.target.endswith("[/scene]\n")
        assert doc.scene.layout == r.layout
        compile_scene(doc.scene, content[r.provenance["gold"]])
        if r.bucket != "repair":
            assert r.prompt == explicit_prompt(doc.scene)


def test_the_builder_makes_every_kind_of_variant(tiny):
    _, golds, rows = tiny
    changes = {r.provenance.get("change") for r in rows if r.bucket != "repair"}
    assert {"none", "count_drop", "count_dup", "order_swap", "canvas"} <= changes
    assert any(r.provenance.get("topic_swap") for r in rows)
    verbatim = {r.provenance["gold"]: r for r in rows if r.provenance.get("verbatim")}
    for g in golds:  # memorization needs each gold's own prompt, in its entry's split
        assert verbatim[g.name].target == serialize(g.scene)
        assert verbatim[g.name].split == g.split


def test_count_changes_renumber_refs_consistently(tiny):
    _, _, rows = tiny
    for r in rows:
        change = r.provenance.get("change")
        if change in ("count_drop", "count_dup"):
            kind = r.provenance["program"].split(":", 1)[1].split(".")[0]
            scene = load(r.target).scene
            indices = [int(c.refs[0].path.split(".")[1]) for c in scene.components if c.name == kind]
            assert indices == list(range(len(indices))), r.id
            assert all(ref.path.split(".")[1] == str(i) for i, c in
                       zip(indices, [c for c in scene.components if c.name == kind]) for ref in c.refs)


def test_minimal_pairs_differ_in_exactly_one_decision(tiny):
    _, _, rows = tiny
    pairs: dict[str, list[Row]] = {}
    for r in rows:
        if r.bucket == "minimal_pair":
            pairs.setdefault(r.provenance["pair"], []).append(r)
    assert pairs
    for pair, (a, b) in pairs.items():
        decision = a.provenance["decision"]
        assert b.provenance["decision"] == decision and a.split == b.split
        prompt_diff = [(x, y) for x, y in zip(a.prompt.split(), b.prompt.split()) if x != y]
        target_diff = [(x, y) for x, y in zip(a.target.splitlines(), b.target.splitlines()) if x != y]
        assert len(a.target.splitlines()) == len(b.target.splitlines())
        assert len(prompt_diff) == 1 and prompt_diff[0][0].startswith(f"[{decision}:"), pair
        assert len(target_diff) == 1 and target_diff[0][0].startswith(f"[{decision}:"), pair


def test_hidden_combinations_never_reach_train(tiny):
    spec, _, rows = tiny
    seen = {(load(r.target).scene.attr("topic"), r.layout): r.split for r in rows}
    hidden = set(spec.splits.hidden)
    assert all(seen[c] == "hidden" for c in hidden)
    assert {c for c, split in seen.items() if split == "hidden"} == hidden
    # each hidden topic is still seen in train, under another layout
    train_topics = {t for (t, _), split in seen.items() if split == "train"}
    assert {t for t, _ in hidden} <= train_topics


def test_holdout_prompts_and_targets_are_disjoint_from_train(tiny):
    _, _, rows = tiny
    train = [r for r in rows if r.split == "train"]
    for split in ("dev", "test", "hidden"):
        held = [r for r in rows if r.split == split]
        assert held, split
        assert not {r.prompt for r in held} & {r.prompt for r in train}
        assert not {r.target for r in held} & {r.target for r in train}


def test_repair_rows_damage_only_the_prompt(tiny):
    _, _, rows = tiny
    by_id = {r.id: r for r in rows}
    repairs = [r for r in rows if r.bucket == "repair"]
    assert {r.provenance["corruption"] for r in repairs} == set(CORRUPTIONS)
    for r in repairs:
        source = by_id[r.provenance["source"]]
        assert r.target == source.target and r.split == source.split
        assert r.prompt.startswith("[task:repair] ") and r.prompt.endswith(" [OUT]")
        assert r.prompt.split()[1:-1] != r.target.split()


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_each_corruption_is_deterministic_and_changes_the_scene(corruption):
    import random

    text = serialize(load("[scene]\n[layout:poster_stack]\n" + HEADER + _block("callout_card", 0, ("title",))
                          + "[/scene]\n").scene)
    first = damage(text, corruption, random.Random("x"))
    assert first == damage(text, corruption, random.Random("x"))
    assert first != text


def test_the_repair_share_never_exceeds_its_ratio(tiny):
    spec, _, rows = tiny
    for split in ("train", "dev", "test"):
        mine = [r for r in rows if r.split == split]
        assert sum(r.bucket == "repair" for r in mine) / len(mine) <= spec.mixture.buckets["repair"]


# ---- spec validation ---------------------------------------------------------------------------

def test_the_repair_cap_is_enforced_unless_the_spec_is_a_syntax_rung(tmp_path):
    with pytest.raises(InputError, match=r"mixture\.buckets\.repair = 0\.2 exceeds the repair cap 0\.15"):
        load_spec(write_spec(tmp_path, repair=0.2))
    assert load_spec(write_spec(tmp_path, repair=0.2, syntax_rung="true")).mixture.repair_cap == 1.0


@pytest.mark.parametrize("edit, message", [
    (('name = "tiny"', 'name = "Tiny Spec"'), r"spec\.name = 'Tiny Spec' must be an identifier"),
    (('seed = 7', ''), r"spec\.seed is missing"),
    (('seed = 7', 'seed = "7"'), r"spec\.seed must be a int"),
    (('"dashboard_cards"]', '"dashboard"]'), r"source\.families lists 'dashboard'"),
    (('tones = ["amber"', 'tones = ["orange"'), r"variants\.tones lists 'orange'"),
    (('minimal_pair = 0.15', 'minimal_pair = 0.25'), r"mixture\.buckets ratios sum to 1\.1"),
    (('anchor_replay = 0.25', 'anchor_replay = 0.25\nreplay = 0.0'), r"mixture\.buckets\.replay is not a bucket"),
    (('dev = 0.1', 'dev = 0.95'), r"splits\.test dev \+ test = 1\.05"),
    (('layout = "poster_stack"', 'layout = "table_matrix"'), r"splits\.hidden\[0\] layout 'table_matrix'"),
    (('hypothesis = "a tiny spec for tests"', 'hypothesis = "  "'), r"spec\.hypothesis must not be empty"),
    (('canvases = ["square"]', 'canvases = ["square"]\ncanvas = ["wide"]'), r"variants\.canvas is not a key"),
])
def test_a_bad_spec_names_its_key(tmp_path, edit, message):
    path = write_spec(tmp_path)
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(InputError, match=message):
        load_spec(path)


def test_a_hidden_combination_may_not_hide_a_gold_entry(tmp_path):
    path = write_spec(tmp_path)
    path.write_text(path.read_text().replace('topic = "kv_cache", layout = "poster_stack"',
                                             'topic = "memory_wall", layout = "poster_stack"'))
    with pytest.raises(InputError, match="would hide gold entry alpha"):
        build_dataset(load_spec(path))


# ---- QC ----------------------------------------------------------------------------------------

def _qc(folder: Path, *extra: str) -> tuple[int, dict]:
    code = ck("data", "qc", str(folder), *extra)
    return code, json.loads((folder / "qc.json").read_text())


def test_qc_passes_a_clean_build_and_profiles_it(tiny, tmp_path, capsys):
    spec, golds, rows = tiny
    write_dataset(rows, tmp_path, dataset_meta(spec, golds))
    code, report = _qc(tmp_path, "--budget", "100000")
    assert code == 0, capsys.readouterr().out
    assert [c["name"] for c in report["checks"] if not c["passed"]] == []
    profile = report["profile"]
    train = [r for r in rows if r.split == "train"]
    tok = default_tokenizer()
    packed = sum(tok.count(r.prompt) + tok.count(r.target) + 1 for r in train)
    assert profile["tokens"]["train"]["packed"] == packed
    assert profile["effective_epochs"] == round(100000 / packed, 3)
    assert profile["rows"]["train"] == len(train)
    assert sum(profile["rows_by_layout"]["train"].values()) == len(train)
    assert "QC passed" in capsys.readouterr().out


def _first(rows, **want) -> Row:
    return next(r for r in rows if all(getattr(r, k) == v for k, v in want.items()))


def _plant_duplicate(rows):
    return rows + [_first(rows, split="train", bucket="direct")]


def _plant_contradiction(rows):
    a, b = [r for r in rows if r.split == "train" and r.bucket == "direct"][:2]
    return [Row(r.id, a.prompt, r.target, r.split, r.bucket, r.layout, r.provenance) if r is b else r
            for r in rows]


def _plant_target_leak(rows):
    source = _first(rows, split="train", bucket="direct")
    prompt = repair_prompt(source.target.replace("[/scene]\n", ""))
    return rows + [Row("leak", prompt, source.target, "test", "repair", source.layout, source.provenance)]


def _plant_hidden_in_train(rows):
    moved = _first(rows, split="hidden")
    return [Row(r.id, r.prompt, r.target, "train", r.bucket, r.layout, r.provenance) if r is moved else r
            for r in rows]


def _plant_broken_target(rows):
    bad = _first(rows, split="train", bucket="direct")
    return [Row(r.id, r.prompt, r.target.replace("[/scene]\n", ""), r.split, r.bucket, r.layout,
                r.provenance) if r is bad else r for r in rows]


def _plant_wrong_ratio(rows):
    direct = [r.id for r in rows if r.split == "train" and r.bucket == "direct"][:10]
    return [Row(r.id, r.prompt, r.target, r.split, "anchor_replay", r.layout, r.provenance)
            if r.id in direct else r for r in rows]


def _plant_repair_flood(rows):
    direct = [r.id for r in rows if r.split == "train" and r.bucket == "direct"][:10]
    return [Row(r.id, r.prompt, r.target, r.split, "repair", r.layout, r.provenance)
            if r.id in direct else r for r in rows]


@pytest.mark.parametrize("plant, failed", [
    (_plant_duplicate, {"no_duplicates"}),
    (_plant_contradiction, {"no_contradictions"}),
    (_plant_target_leak, {"holdouts_disjoint"}),
    (_plant_hidden_in_train, {"holdouts_disjoint"}),
    (_plant_broken_target, {"targets_clean"}),
    (_plant_wrong_ratio, {"bucket_ratios"}),
    (_plant_repair_flood, {"bucket_ratios", "repair_cap"}),
])
def test_qc_catches_a_planted_fault(tiny, tmp_path, plant, failed):
    spec, golds, rows = tiny
    write_dataset(plant(list(rows)), tmp_path, dataset_meta(spec, golds))
    code, report = _qc(tmp_path)
    assert code == 1
    assert {c["name"] for c in report["checks"] if not c["passed"]} == failed


def test_target_checks_shared_among_processes_find_what_one_process_finds(tiny, monkeypatch):
    spec, golds, rows = tiny
    rows = _plant_broken_target(list(rows))
    contents = {g.name: g.content for g in golds}
    alone = qc.check_targets(rows, contents, jobs=1)
    monkeypatch.setattr(qc, "PARALLEL_MIN", 2)   # the tiny set is far below the real threshold
    shared = qc.check_targets(rows, contents, jobs=2)
    assert shared == alone and not shared["passed"] and shared["evidence"]["bad_rows"] == 1


def test_qc_catches_an_edited_file_and_another_spec(tiny, tmp_path):
    spec, golds, rows = tiny
    write_dataset(rows, tmp_path, dataset_meta(spec, golds))
    other = write_spec(tmp_path, "other.toml", seed=99)
    code, report = _qc(tmp_path, "--spec", str(other))
    assert code == 1 and not report["checks"][0]["evidence"]["built_from_this_spec"]
    train = tmp_path / "train.jsonl"
    train.write_text(train.read_text().replace("[tone:amber]", "[tone:blue]", 1))
    code, report = _qc(tmp_path)
    assert code == 1 and report["checks"][0]["evidence"]["changed_files"] == ["train.jsonl"]


def test_qc_flags_rows_longer_than_the_context(tiny, tmp_path):
    spec, golds, rows = tiny
    meta = dataset_meta(spec, golds)
    meta["spec"]["ctx"] = 64
    write_dataset(rows, tmp_path, meta)
    code, report = _qc(tmp_path)
    assert code == 1
    assert {c["name"] for c in report["checks"] if not c["passed"]} == {"fits_context"}


# ---- the curriculum audit ----------------------------------------------------------------------

def test_the_failure_tables_match_the_seed_and_the_corruptions():
    seed = (ROOT.parent / "shared" / "seed" / "spec-training-method.txt")
    if seed.exists():
        matrix = seed.read_text().split("\nRun Failure Matrix\n")[1].split("Minimum Run Scoreboard")[0]
        assert all(f"\n{c} " in matrix for c in CLASSES)
    assert set(CORRUPTION_TEACHES) == set(CORRUPTIONS)
    assert set(NOT_DATA) <= set(CLASSES)


def test_the_audit_passes_when_every_class_has_teaching_rows(tiny, tmp_path, capsys):
    spec, golds, rows = tiny
    report = audit(spec, rows)
    assert report["passed"], report
    assert all(c["rows"] > 0 for c in report["classes"])
    write_dataset(rows, tmp_path / "ds", dataset_meta(spec, golds))
    assert ck("data", "audit", str(spec.path), str(tmp_path / "ds")) == 0


def test_the_audit_fails_when_a_named_class_has_no_teaching_rows(tiny, tmp_path, capsys):
    spec, _, rows = tiny
    no_truncation = [r for r in rows if r.provenance.get("corruption") != "truncate_tail"]
    report = audit(spec, no_truncation)
    assert not report["passed"]
    failing = {c["class"]: c["problem"] for c in report["classes"] if c["problem"]}
    assert failing == {"budget_truncation": "no train row of bucket 'repair' teaches it"}
    # the same through the command, on a spec whose repair bucket is empty
    path = write_spec(tmp_path, repair=0.0)
    assert ck("data", "audit", str(path)) == 1
    assert "scene_suffix_failure" in capsys.readouterr().out


@pytest.mark.parametrize("line, problem", [
    ('scene_drift = "direct"', "not a failure class"),
    ('undertraining = "direct"', "rows cannot teach it: raise epochs"),
    ('layout_drift = "replay"', "bucket 'replay' is not in mixture.buckets"),
])
def test_the_audit_fails_on_an_unknown_class_bucket_or_a_non_data_class(tiny, tmp_path, line, problem):
    _, _, rows = tiny
    spec = load_spec(write_spec(tmp_path, blueprint=line))
    report = audit(spec, rows)
    assert not report["passed"]
    assert problem in report["classes"][0]["problem"]


def test_a_family_class_fails_when_one_family_is_untaught(tiny):
    spec, _, rows = tiny
    no_poster = [r for r in rows if not (r.bucket == "direct" and r.layout == "poster_stack")]
    failing = {c["class"]: c["problem"] for c in audit(spec, no_poster)["classes"] if c["problem"]}
    assert failing == {"layout_drift": "no teaching rows for poster_stack"}


# ---- the shipped spec --------------------------------------------------------------------------

def test_spec01_builds_and_passes_qc_and_audit(tmp_path, capsys):
    path = ROOT / "specs" / "spec01.toml"
    spec = load_spec(path)
    assert spec.baseline == "none: first spec" and spec.surface == "explicit"
    assert ck("data", "build", str(path), "-o", str(tmp_path)) == 0
    rows = read_rows(tmp_path)
    assert 500 <= len(rows) <= 4000   # "a few thousand rows at most" for a CPU run
    assert {r.layout for r in rows if r.split == "train"} == set(spec.families)
    assert _qc(tmp_path, "--spec", str(path))[0] == 0, capsys.readouterr().out
    assert audit(spec, rows)["passed"]
    predicted = set(spec.blueprint)
    assert {"layout_drift", "theme_tone_drift", "scene_suffix_failure", "scene_prefix_failure",
            "budget_truncation"} <= predicted


def test_a_topic_carries_one_change_kind_under_every_layout_so_held_out_cells_are_implied(tiny):
    """A hidden (topic, layout) is answerable only if its structure is a rule learnt elsewhere: the
    topic's change kind (seen under the other layouts) applied the layout's one way."""
    _, golds, rows = tiny
    natives = {(g.family, g.topic) for g in golds}
    kinds: dict[str, set[str]] = {}
    programs: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        topic = load(r.target).scene.attr("topic")
        if r.bucket == "repair" or (r.layout, topic) in natives:
            continue
        kinds.setdefault(topic, set()).add(r.provenance["change"])
        programs.setdefault((r.layout, r.provenance["change"]), set()).add(r.provenance["program"])
    assert any(r.split == "hidden" for r in rows)
    for topic, seen in kinds.items():
        assert len(seen - {"none"}) <= 1, (topic, seen)   # "none" where a family cannot realize it
    assert all(len(p) == 1 for p in programs.values()), programs


def test_balanced_kinds_deal_direct_rows_evenly_over_each_layouts_programs_then_topics(tmp_path):
    path = write_spec(tmp_path)
    path.write_text(path.read_text().replace("hidden_rows_per_combo = 3", "hidden_rows_per_combo = 3\nbalance_kinds = true"))
    spec = load_spec(path)
    golds = load_golds(spec)
    rows = build_dataset(spec, golds)
    per_program: dict[tuple[str, str], int] = {}
    per_topic: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        if r.bucket == "direct" and r.split != "hidden":
            key = (r.layout, r.provenance["program"])
            per_program[key] = per_program.get(key, 0) + 1
            topics = per_topic.setdefault(key, {})
            topic = load(r.target).scene.attr("topic")
            topics[topic] = topics.get(topic, 0) + 1
    for layout in spec.families:
        counts = [n for (lay, _), n in per_program.items() if lay == layout]
        assert len(counts) > 1 and max(counts) - min(counts) <= 1, (layout, per_program)
    for key, topics in per_topic.items():   # within a program, the topics take turns
        assert max(topics.values()) - min(topics.values()) <= 1, (key, topics)
    cells = build_dataset(load_spec(write_spec(tmp_path, "cells.toml")), golds)
    assert {r.prompt for r in rows} != {r.prompt for r in cells}


def test_balanced_cells_deal_direct_rows_evenly_and_topic_pairs_contrast_structure(tmp_path):
    path = write_spec(tmp_path)
    text = path.read_text().replace("hidden_rows_per_combo = 3", "hidden_rows_per_combo = 3\nbalance_cells = true\n"
                                    'pair_decisions = ["theme", "topic"]')
    path.write_text(text)
    spec = load_spec(path)
    golds = load_golds(spec)
    rows = build_dataset(spec, golds)
    per_cell: dict[tuple[str, str], int] = {}
    for r in rows:
        if r.bucket == "direct" and r.split != "hidden":
            key = (r.layout, load(r.target).scene.attr("topic"))
            per_cell[key] = per_cell.get(key, 0) + 1
    assert max(per_cell.values()) - min(per_cell.values()) <= 1, per_cell
    pairs: dict[str, list[Row]] = {}
    for r in rows:
        if r.bucket == "minimal_pair" and r.provenance["decision"] == "topic":
            pairs.setdefault(r.provenance["pair"], []).append(r)
    assert pairs
    for a, b in pairs.values():
        prompt_diff = [(x, y) for x, y in zip(a.prompt.split(), b.prompt.split()) if x != y]
        assert len(prompt_diff) == 1 and prompt_diff[0][0].startswith("[topic:")
        assert a.layout == b.layout and a.provenance["program"] != b.provenance["program"]
        (topic_a, topic_b), = prompt_diff
        # beyond the topic line, the two targets differ in structure
        assert b.target.replace(topic_b, topic_a) != a.target
    # the same spec without the knobs gives other rows: the knobs are read, not ignored
    assert {r.prompt for r in rows} != {r.prompt for r in build_dataset(load_spec(write_spec(tmp_path, "plain.toml")), golds)}
