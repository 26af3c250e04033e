"""Readings of a run's loss curve by the seed's table "Reading the Loss Curve" (issue 16), computed
from metrics.jsonl: each names the pattern, where it is (a step, for a mark on a plot) and the
seed's action. The report lists them under Lessons; the studio marks them on its plots.

    for r in curve_readings(read_events(RunDir(run).metrics)):
        r.kind, r.step, r.tone, r.text     # "stage_spike", 412, "blue", "loss spiked ... recovered ..."
        r.label, r.series                  # "spike", "loss": a mark's words, and the curve it is on

The thresholds are this module's, chosen on the project's runs (spec01/02 curves) and stated
next to each rule; the patterns and actions are the seed's words.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from engine.runs.metrics import stage_starts, steps

# spike: the first steps of a stage average this many times the last steps before it
SPIKE_RATIO = 1.5
SPIKE_WINDOW = 10          # steps averaged on each side of a stage boundary
RECOVERY_STEPS = 100       # seed: "watch if it recovers within 50-100 steps"
RECOVERED_RATIO = 1.1      # back within 10 % of the pre-boundary level
PLATEAU_SHARE = 0.2        # the last fifth of the run ...
PLATEAU_GAIN = 0.02        # ... lowers the loss by under 2 % ...
PLATEAU_FLOOR = 0.1        # ... while it is still above 0.1 (seed: "plateaus at 0.1-0.3")
OSCILLATION = 0.25         # in the last half: step-to-step swings above a quarter of the level ...
OSCILLATION_GAIN = 0.05    # ... while the level falls by under 5 %
GRAD_SPIKE = 10.0          # a gradient norm ten times the median of the steps just before it ...
GRAD_WINDOW = 20           # ... these many (the run's own median would call every early step a spike:
                           # gradient norms fall by orders of magnitude over a healthy run)
GRAD_COLLAPSE = 0.01       # the last ten steps under a hundredth of the run's median
FILL_FLOOR = 0.85          # seed: "verify token packing fill rate (> 0.85)"

ACTIONS = {
    "stage_spike": "Not a bug: a new data distribution. Watch that it recovers within 50-100 steps",
    "stage_spike_unrecovered": "It did not recover: check the stage's data mix, the replay share and the LR",
    "plateau": "A capacity or data ceiling: if the probe is also stuck, try more epochs, richer edits or an LR restart",
    "oscillation": "LR too high or conflicting rows: verify dataset uniqueness, try a lower LR, look for "
                   "duplicate or contradictory rows",
    "grad_spike": "Exploding gradients: check max_grad_norm clipping; if persistent, reduce the LR or check "
                  "packing for degenerate sequences",
    "grad_collapse": "Vanishing gradients: check the LR schedule's floor and the data; if persistent, reduce the "
                     "LR or check packing for degenerate sequences",
    "low_fill": "Packing wastes the context: verify the token packing fill rate (> 0.85); shorter windows or "
                "denser packing",
}


LABELS = {"stage_spike": "spike", "stage_spike_unrecovered": "spike, not recovered", "plateau": "plateau",
          "oscillation": "oscillation", "grad_spike": "grad spike", "grad_collapse": "grad collapse",
          "low_fill": "low fill"}
GRADIENT = ("grad_spike", "grad_collapse")   # read on the gradient norm; the others on the loss


@dataclass(frozen=True)
class CurveReading:
    kind: str              # a key of ACTIONS
    step: int | None       # where to mark it on a plot
    tone: str              # the report's colour rule: blue a note, amber ambiguity, red a rejection
    text: str

    @property
    def action(self) -> str:
        return ACTIONS[self.kind]

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def series(self) -> str:
        """The metrics.jsonl field of the curve the reading is about, where its mark goes."""
        return "grad_norm" if self.kind in GRADIENT else "loss"


def curve_readings(events: list[dict]) -> list[CurveReading]:
    done = steps(events)
    loss = [(e["step"], e["loss"]) for e in done if e.get("loss") is not None]
    out = _stage_spikes(loss, stage_starts(events))
    out += _plateau_or_oscillation(loss)
    out += _gradients([(e["step"], e["grad_norm"]) for e in done if e.get("grad_norm") is not None])
    starts = [e for e in events if e.get("event") == "start"]
    for stage in (starts[-1].get("stages", []) if starts else []):
        fill = stage.get("fill_rate")
        if fill is not None and fill < FILL_FLOOR:
            out.append(CurveReading("low_fill", stage.get("first_step"), "amber",
                                    f"stage {stage['stage']} packs its windows {100 * fill:.0f} % full (seed: > 85 %)"))
    return sorted(out, key=lambda r: (r.step is None, r.step or 0))


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _stage_spikes(loss: list[tuple[int, float]], starts: list[tuple[int, str]]) -> list[CurveReading]:
    out = []
    for first, name in starts[1:]:   # the first stage's start is the run's start, not a boundary
        before = [v for s, v in loss if first - SPIKE_WINDOW <= s < first]
        after = [v for s, v in loss if first <= s < first + SPIKE_WINDOW]
        if not before or not after or _mean(after) < SPIKE_RATIO * _mean(before):
            continue
        level = _mean(before)
        back = next((s for s, v in loss if first < s <= first + RECOVERY_STEPS and v <= RECOVERED_RATIO * level), None)
        ran = max(s for s, _ in loss) >= first + RECOVERY_STEPS
        if back is not None:
            out.append(CurveReading("stage_spike", first, "blue",
                                    f"loss spiked {_mean(after) / level:.1f}x at the start of {name} (step {first}) "
                                    f"and recovered by step {back}"))
        else:
            out.append(CurveReading("stage_spike_unrecovered" if ran else "stage_spike", first,
                                    "amber" if ran else "blue",
                                    f"loss spiked {_mean(after) / level:.1f}x at the start of {name} (step {first})"
                                    + (f" and had not recovered {RECOVERY_STEPS} steps later" if ran
                                       else "; the run ended before it could recover")))
    return out


def _plateau_or_oscillation(loss: list[tuple[int, float]]) -> list[CurveReading]:
    if len(loss) < 20:
        return []
    values = [v for _, v in loss]
    tail = values[int(len(values) * (1 - PLATEAU_SHARE)):]
    gain = (tail[0] - tail[-1]) / tail[0] if tail[0] > 0 else 0.0
    half = values[len(values) // 2:]
    swings = statistics.median(abs(b - a) for a, b in zip(half, half[1:])) / max(_mean(half), 1e-12)
    half_gain = (_mean(half[:len(half) // 4]) - _mean(half[-len(half) // 4:])) / max(_mean(half[:len(half) // 4]), 1e-12)
    if swings > OSCILLATION and half_gain < OSCILLATION_GAIN:
        return [CurveReading("oscillation", loss[len(loss) // 2][0], "amber",
                             f"loss swings {100 * swings:.0f} % step to step over the second half without converging")]
    if gain < PLATEAU_GAIN and tail[-1] > PLATEAU_FLOOR:
        return [CurveReading("plateau", loss[int(len(loss) * (1 - PLATEAU_SHARE))][0], "amber",
                             f"loss plateaued at {tail[-1]:.3f} over the last {100 * PLATEAU_SHARE:.0f} % of the run "
                             f"({100 * gain:.1f} % lower)")]
    return []


def _gradients(norms: list[tuple[int, float]]) -> list[CurveReading]:
    if len(norms) < 10:
        return []
    median = statistics.median(v for _, v in norms)
    out = []
    spikes = []   # (ratio to the steps before, step, norm)
    for i in range(GRAD_WINDOW, len(norms)):
        before = statistics.median(v for _, v in norms[i - GRAD_WINDOW:i])
        if before > 0 and norms[i][1] > GRAD_SPIKE * before:
            spikes.append((norms[i][1] / before, *norms[i]))
    if spikes:
        ratio, s, v = max(spikes)
        out.append(CurveReading("grad_spike", s, "amber",
                                f"gradient norm {v:.3g} at step {s}, {ratio:.0f}x the median of the {GRAD_WINDOW} "
                                f"steps before it ({len(spikes)} such step{'s' * (len(spikes) != 1)})"))
    last = [v for _, v in norms[-10:]]
    if median > 0 and max(last) < GRAD_COLLAPSE * median:
        out.append(CurveReading("grad_collapse", norms[-10][0], "amber",
                                f"gradient norms fell to {max(last):.2g} over the last ten steps, under 1 % of the "
                                f"run's median {median:.3g}"))
    return out
