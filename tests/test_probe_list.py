"""Frozen probe lists (hash refusal, versions, balance, the committed spec01 list) and the probe
result's JSON contract (round trip, schema refusal)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from engine.data.rows import Row, write_dataset
from engine.dsl import format_text, load
from engine.fileio import InputError
from engine.probe.probe_list import PER_CELL, default_list_path, freeze, load_probe_list
from engine.probe.result import (
    FLAGS,
    METRICS,
    Board,
    CaseResult,
    ProbeCase,
    ProbeListRef,
    ProbeResult,
    Scoreboard,
    load_probe,
    save_probe,
)

ROOT = Path(__file__).resolve().parents[1]
SPEC01 = ROOT / "specs" / "spec01.toml"


def test_the_committed_spec01_list_is_balanced_and_holds_every_verbatim_gold_row():
    plist = load_probe_list(default_list_path("spec01"))   # refused if edited
    cells = Counter((i.split, i.layout) for i in plist.items)
    layouts = {i.layout for i in plist.items}
    assert len(layouts) == 6
    for split, n in PER_CELL.items():
        if split != "compositional":   # spec01 holds none out (spec04's split)
            assert all(cells[(split, layout)] == n for layout in layouts), split
    assert len({i.prompt for i in plist.items}) == len(plist.items)
    assert all(i.prompt.startswith("[task:svg]") and i.gold in plist.contents for i in plist.items)
    # The list keeps the gold scenes it was frozen from (spec01 keeps its results) while the pack
    # moves on (the v2 upgrade writes choices into scenes, entries are raised): every entry it
    # names is still in the pack, and each of its verbatim rows is a canonical scene.
    golds = {i.gold for i in plist.items}
    assert golds == set(plist.contents)
    assert all((ROOT / "gold" / g / "scene.dsl").exists() for g in golds)
    assert all(format_text(i.expected) == i.expected for i in plist.items)


def test_an_edited_list_is_refused(tmp_path):
    doc = json.loads(default_list_path("spec01").read_text())
    doc["cases"][0]["prompt"] = doc["cases"][0]["prompt"].replace("[OUT]", "[theme:infra_dark] [OUT]")
    path = tmp_path / "spec01.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="the frozen list was edited"):
        load_probe_list(path)
    with pytest.raises(InputError, match="no probe list"):
        load_probe_list(tmp_path / "missing.json")


def _rows(n: int) -> list[Row]:
    target = format_text((ROOT / "gold" / "memory_reality" / "scene.dsl").read_text())
    return [Row(f"r{i:02d}", f"[task:svg] [layout:poster_stack] [topic:t{i}] [OUT]", target,
                ("train", "dev", "test", "hidden")[i % 4], ("direct", "anchor_replay", "repair")[i % 3],
                "poster_stack", {"gold": "memory_reality"}) for i in range(n)]


def test_freeze_keeps_the_version_of_an_unchanged_list_and_raises_it_when_the_cases_change(tmp_path):
    data, out = tmp_path / "data", tmp_path / "list.json"
    write_dataset(_rows(12), data, {})
    first, status = freeze(SPEC01, out, data)
    assert (status, first.version) == ("new", 1)
    assert {i.bucket for i in first.items} <= {"direct", "anchor_replay"}   # no repair prompts
    assert set(first.contents) == {"memory_reality"}
    again, status = freeze(SPEC01, out, data)
    assert (status, again.version, again.sha256) == ("unchanged", 1, first.sha256)
    write_dataset(_rows(16), data, {})
    changed, status = freeze(SPEC01, out, data)
    assert (status, changed.version) == ("new version", 2) and changed.sha256 != first.sha256
    assert load_probe_list(out).ref == changed.ref


def _result() -> ProbeResult:
    flags = dict.fromkeys(FLAGS, False)
    ok = CaseResult(True, True, True, None, "", flags)
    miss = CaseResult(False, True, False, "layout_drift", "[layout:a] where [layout:b] was expected", flags)
    rates = dict.fromkeys(METRICS, 0.5)
    b = Board(rates, {"train": rates}, {"poster_stack": rates},
              {"cases": 2, "by_split": {"train": 2}, "by_layout": {"poster_stack": 2},
               "failure_classes": {"layout_drift": 1}})
    cases = (ProbeCase("a", "train", "poster_stack", "p", "[scene]", {"x": 1}, "[scene]", "[scene]", ok, ok, 3, 700),
             ProbeCase("b", "train", "poster_stack", "p", "[scene]", {}, "x", "y", miss, miss, 4, 700,
                       {"expected": "gallery/b.expected.svg"}))
    return ProbeResult(ProbeListRef("spec01", 1, "ab" * 32, 2), "out/runs/x", "ckpt.json", 10, True, 768, 1.5,
                       Scoreboard(b, b), cases, 7)


def test_probe_json_round_trips_in_the_contract_shape(tmp_path):
    result = _result()
    path = save_probe(result, tmp_path / "probes" / "constrained" / "probe.json")
    doc = json.loads(path.read_text())
    assert list(doc)[:10] == ["schema", "probe", "run", "checkpoint", "step", "constrained", "decode_budget",
                              "seconds", "scoreboard", "cases"]
    assert set(doc["scoreboard"]) == {"raw", "repaired"}
    assert set(doc["scoreboard"]["raw"]) == {"overall", "by_split", "by_layout", "counts", "by_split_layout"}
    assert {"id", "split", "layout", "prompt", "expected", "content", "raw", "repaired", "raw_result",
            "repaired_result"} <= set(doc["cases"][0])
    assert set(doc["cases"][1]["raw_result"]) == {"exact", "renderable", "materialized_exact", "failure_class",
                                                  "evidence", "flags"}
    loaded = load_probe(path.parent)
    assert loaded == result and loaded.mode == "constrained"
    assert [c.id for c in loaded.failures()] == ["b"]


def test_another_schema_is_refused(tmp_path):
    doc = _result().to_json()
    doc["schema"] = 99
    path = tmp_path / "probe.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="schema 99"):
        load_probe(path)
