"""Loss-curve readings (issue 16): each pattern of the seed's table found on a hand-made curve and
on none of the others, with its step and the seed's action; in the report with marks on the chart."""
from __future__ import annotations

import json
import math

import pytest
from runs_fixtures import run_folder

from engine.report.render import write_report
from engine.runs.curve_readings import ACTIONS, curve_readings


def events(loss, grad=None, fill=0.95, boundary: int | None = None) -> list[dict]:
    n = len(loss)
    plan = {"rows": 40, "windows_per_epoch": 10, "fill_rate": fill}
    stages = [{"stage": "pretrain", "first_step": 1, "last_step": (boundary or n + 1) - 1, **plan}]
    if boundary:
        stages.append({"stage": "midtrain", "first_step": boundary, "last_step": n, **plan})
    out = [{"event": "start", "step": 0, "total_steps": n, "stages": stages}]
    for i, v in enumerate(loss, 1):
        out.append({"event": "step", "step": i, "loss": v, "grad_norm": (grad or [1.0] * n)[i - 1]})
    return out


def smooth(n=300, floor=0.01):
    return [floor + 3.0 * math.exp(-i / 30) for i in range(n)]


def kinds(ev) -> list[str]:
    return [r.kind for r in curve_readings(ev)]


def test_a_smooth_descent_reads_clean():
    assert kinds(events(smooth())) == []


def test_a_spike_at_a_stage_boundary_that_recovers_is_a_note():
    loss = smooth()
    for i in range(150, 170):
        loss[i] *= 4 - 3 * (i - 150) / 20
    (r,) = curve_readings(events(loss, boundary=151))
    assert (r.kind, r.step, r.tone) == ("stage_spike", 151, "blue") and "recovered by step" in r.text


def test_a_spike_that_never_recovers_is_amber():
    loss = smooth()[:150] + [v * 5 for v in smooth()[150:]]
    assert "stage_spike_unrecovered" in kinds(events(loss, boundary=151))


def test_a_plateau_above_the_floor():
    loss = [0.25 + 3.0 * math.exp(-i / 10) for i in range(300)]
    assert kinds(events(loss)) == ["plateau"]


def test_an_oscillating_loss():
    loss = [1.0 + (0.6 if i % 2 else -0.4) for i in range(200)]
    assert kinds(events(loss)) == ["oscillation"]


@pytest.mark.parametrize("at,value,kind", [(120, 80.0, "grad_spike")])
def test_a_gradient_spike(at, value, kind):
    grad = [1.0] * 300
    grad[at] = value
    (r,) = curve_readings(events(smooth(), grad))
    assert (r.kind, r.step) == (kind, at + 1) and r.action == ACTIONS[kind]


def test_gradient_norms_that_fall_by_orders_over_a_healthy_run_are_no_spike():
    grad = [10.0 * math.exp(-i / 30) for i in range(300)]   # step 1 is 150x the run's median
    assert "grad_spike" not in kinds(events(smooth(), grad))


def test_a_mark_names_its_reading_and_the_curve_it_is_on():
    grad = [1.0] * 300
    grad[120] = 80.0
    (r,) = curve_readings(events(smooth(), grad))
    assert (r.label, r.series) == ("grad spike", "grad_norm")
    (r,) = curve_readings(events(smooth(), fill=0.7))
    assert (r.label, r.series) == ("low fill", "loss")


def test_gradients_that_collapse():
    grad = [1.0] * 290 + [1e-4] * 10
    assert kinds(events(smooth(), grad)) == ["grad_collapse"]


def test_low_packing_fill():
    (r,) = curve_readings(events(smooth(), fill=0.7))
    assert r.kind == "low_fill" and "70 %" in r.text


def test_the_report_lists_them_and_marks_the_chart(tmp_path):
    run = run_folder(tmp_path / "run")
    loss = [0.25 + 3.0 * math.exp(-i / 10) for i in range(300)]
    (run / "metrics.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events(loss)))
    html = write_report(run, tmp_path / "r.html").read_text()
    assert "Readings of the loss curve" in html and "loss plateaued" in html and '<g class="mark amber">' in html and '▲ plateau</text>' in html
