"""Confusion matrices (issue 16): expected x emitted layout, theme and tone per split, on hand-made
outputs; in probe.json and in the report's probe summary."""
from __future__ import annotations

from runs_fixtures import probe_json, run_folder, write_probe

from engine.probe.confusion import NONE, confusion, header_value, off_diagonal
from engine.probe.result import load_probe
from engine.report.render import write_report


class Case:
    def __init__(self, split, expected, raw):
        self.split, self.expected, self.raw, self.repaired = split, expected, raw, raw


def scene(layout, tone, inner=""):
    return f"[scene]\n[layout:{layout}]\n[theme:infra_dark]\n[tone:{tone}]\n{inner}[/scene]\n"


def test_counts_land_in_their_cells_per_split_and_all():
    cases = [Case("train", scene("table_matrix", "blue"), scene("table_matrix", "blue")),
             Case("hidden", scene("table_matrix", "blue"), scene("dashboard_cards", "blue")),
             Case("hidden", scene("table_matrix", "amber"), scene("dashboard_cards", "blue")),
             Case("hidden", scene("pipeline_lane", "amber"), "no scene at all")]
    m = confusion(cases)
    assert m["layout"]["hidden"] == {"pipeline_lane": {NONE: 1}, "table_matrix": {"dashboard_cards": 2}}
    assert m["layout"]["all"]["table_matrix"] == {"dashboard_cards": 2, "table_matrix": 1}
    assert m["tone"]["all"]["amber"] == {"blue": 1, NONE: 1}
    assert off_diagonal(m["layout"]["hidden"])[0] == ("table_matrix", "dashboard_cards", 2)


def test_a_components_own_tone_is_not_the_scenes():
    assert header_value(scene("pipeline_lane", "green", "[legend_row]\n[tone:red]\n[/legend_row]\n"), "tone") == "green"


def test_probe_json_and_the_report_carry_the_matrices(tmp_path):
    run = run_folder(tmp_path / "run")
    data = probe_json(False, failing={"own_tree_triage-dev": "tone"})
    path = write_probe(run, data)
    result = load_probe(path)
    assert set(result.to_json()["confusion"]["raw"]) == {"layout", "theme", "tone"}
    html = write_report(run, tmp_path / "r.html").read_text()
    assert "Confusions (unconstrained, raw)" in html and 'class="confusion"' in html
    # the fixture's failing case writes its tone as red: one confusion, named per split
    (row,) = [(e, g, n) for e, row in result.confusion()["tone"]["dev"].items() for g, n in row.items() if e != g]
    assert row[1] == "red" and f"{row[0]} → red ×1" in html
