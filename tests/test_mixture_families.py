"""Per-family mixture (issue 16): [mixture.families] gives families their share of the direct rows,
[mixture.replay] multiplies a stable family's anchor replay; QC's profile shows the shares realized;
a spec's source.entries keeps its dataset when the pack grows."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from engine.data.build import build_dataset, load_golds
from engine.data.spec import load_spec
from engine.fileio import InputError

SPEC01 = Path(__file__).resolve().parents[1] / "specs" / "spec01.toml"


def _variant(tmp_path, *edits) -> Path:
    text = SPEC01.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "s.toml"
    path.write_text(text.replace('gold_pack = "../gold"', f'gold_pack = "{SPEC01.parent.parent / "gold"}"'))
    return path


MIX = "[mixture.buckets]"


def test_declared_family_shares_are_the_direct_rows_shares(tmp_path):
    spec = load_spec(_variant(tmp_path, (MIX, '[mixture.families]\ntable_matrix = 0.4\n\n' + MIX)))
    rows = [r for r in build_dataset(spec) if r.bucket == "direct" and r.split != "hidden"]
    shares = {k: n / len(rows) for k, n in Counter(r.layout for r in rows).items()}
    assert abs(shares["table_matrix"] - 0.4) < 0.01
    others = [v for k, v in shares.items() if k != "table_matrix"]
    assert max(others) - min(others) < 0.01 and abs(others[0] - 0.12) < 0.01   # the rest, evenly


def test_replay_multiplies_a_familys_anchors(tmp_path):
    plain = load_spec(SPEC01)
    more = load_spec(_variant(tmp_path, (MIX, '[mixture.replay]\npipeline_lane = 1.4\n\n' + MIX)))
    count = lambda spec: Counter(r.layout for r in build_dataset(spec) if r.bucket == "anchor_replay")
    a, b = count(plain), count(more)
    assert b["pipeline_lane"] >= 1.25 * a["pipeline_lane"] and sum(a.values()) == sum(b.values())   # 1.4x the weight, over a fixed quota


def test_a_family_outside_the_spec_or_shares_over_one_are_refused(tmp_path):
    with pytest.raises(InputError, match="must not exceed 1"):
        load_spec(_variant(tmp_path, (MIX, '[mixture.families]\ntable_matrix = 0.7\npipeline_lane = 0.6\n\n' + MIX)))
    with pytest.raises(InputError, match="is not a layout family"):
        load_spec(_variant(tmp_path, (MIX, '[mixture.replay]\nnope = 2.0\n\n' + MIX)))


def test_named_entries_keep_the_dataset_when_the_pack_grows():
    spec = load_spec(SPEC01)
    assert {g.name for g in load_golds(spec)} == set(spec.entries) and len(spec.entries) == 10
