"""Line charts as inline SVG for the report: the loss and gradient-norm curves of metrics.jsonl.

    svg = line_chart(curve(events, "loss"), title="loss", stages=stage_starts(events), log=True)

The markup is built here from numbers only; the one text that comes from a run (a stage name) is
escaped. A chart never draws more than MAX_POINTS points: a long run is thinned evenly, keeping
its first and last step, so the report stays small.
"""
from __future__ import annotations

import math

from markupsafe import Markup, escape

MAX_POINTS = 400
WIDTH, HEIGHT = 640, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 12, 24, 28


def thin(points: list[tuple[int, float]], limit: int = MAX_POINTS) -> list[tuple[int, float]]:
    """Evenly spaced points, first and last kept.

    >>> thin([(i, float(i)) for i in range(10)], 4)
    [(0, 0.0), (3, 3.0), (6, 6.0), (9, 9.0)]
    """
    if len(points) <= limit:
        return points
    last = len(points) - 1
    return [points[round(i * last / (limit - 1))] for i in range(limit)]


def ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values covering [lo, hi].

    >>> ticks(0.0, 1.0)
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def log_ticks(lo: float, hi: float) -> list[float]:
    """log10 positions of 1-2-5 values between 10**lo and 10**hi (decades only when there are many).

    >>> [round(10 ** t, 6) for t in log_ticks(0.0, 0.8)]
    [1.0, 2.0, 5.0]
    """
    decades = range(math.floor(lo), math.ceil(hi) + 1)
    steps = (1,) if len(decades) > 3 else (1, 2, 5)
    return [math.log10(m * 10.0 ** d) for d in decades for m in steps
            if lo - 1e-9 <= math.log10(m * 10.0 ** d) <= hi + 1e-9]


def _label(value: float) -> str:
    return f"{value:.4g}"


def line_chart(points: list[tuple[int, float]], title: str, stages: list[tuple[int, str]] = (),
               log: bool = False, colour: str = "#2f6fdf", marks: list[tuple[int, str, str, str]] = ()) -> Markup:
    """An SVG chart of (step, value) points; `log` draws the values on a log10 axis; `marks` are
    (step, label, tooltip, tone) readings: a dotted line at the step, a triangle under the plot and
    the label beside it, in the tone's colour (a class: the report's stylesheet colours it)."""
    usable = [(x, y) for x, y in points if math.isfinite(y) and (y > 0 or not log)]
    if not usable:
        return Markup('<p class="muted">no {} recorded</p>').format(title)
    pts = thin(usable)
    f = (lambda v: math.log10(v)) if log else (lambda v: v)
    xs, ys = [x for x, _ in pts], [f(y) for _, y in pts]
    x0, x1 = min(xs), max(max(xs), min(xs) + 1)
    y0, y1 = min(ys), max(ys)
    if y1 - y0 < 1e-12:
        y0, y1 = y0 - 0.5, y1 + 0.5
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def sx(x: float) -> float:
        return PAD_LEFT + (x - x0) / (x1 - x0) * plot_w

    def sy(y: float) -> float:
        return PAD_TOP + (1 - (y - y0) / (y1 - y0)) * plot_h

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
              f'width="{WIDTH}" height="{HEIGHT}" role="img">'),
             f'<text x="{PAD_LEFT}" y="15" class="chart-title">{escape(title)}{" (log scale)" if log else ""}</text>']
    y_ticks = ticks(y0, y1)
    if log:     # 1-2-5 values; a range too narrow for them gets round values, placed on the log axis
        y_ticks = log_ticks(y0, y1)
        if len(y_ticks) < 2:
            y_ticks = [math.log10(v) for v in ticks(10 ** y0, 10 ** y1) if v > 0]
    for t in y_ticks:
        y = sy(t)
        parts.append(f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
                     f'{_label(10 ** t if log else t)}</text>')
    for t in sorted({int(t) for t in ticks(x0, x1) if t == int(t)}):     # steps are whole numbers
        if sx(t) > WIDTH - PAD_RIGHT - 32:     # leave the corner to the axis name
            continue
        parts.append(f'<text x="{sx(t):.1f}" y="{HEIGHT - 8}" class="tick" text-anchor="middle">{int(t)}</text>')
    for step, name in stages:
        if x0 < step <= x1:
            x = sx(step)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_TOP}" y2="{PAD_TOP + plot_h}" class="stage"/>')
            parts.append(f'<text x="{x + 4:.1f}" y="{PAD_TOP + 12}" class="tick">{escape(name)}</text>')
    for step, label, tip, tone in marks:
        if x0 <= step <= x1:
            x, y = sx(step), PAD_TOP + plot_h
            title = f"<title>{escape(tip)}</title>"
            left = x > WIDTH - PAD_RIGHT - 90   # near the right edge the label reads leftwards
            # the label under the stage names: a falling curve leaves the top of the plot free
            parts.append(f'<g class="mark {escape(tone)}">{title}'
                         f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_TOP}" y2="{y - 9:.1f}"/>'
                         f'<path d="M{x:.1f},{y - 9:.1f} l-5,9 h10 z"/>'
                         f'<text x="{x - 4 if left else x + 4:.1f}" y="{PAD_TOP + 26}" '
                         f'text-anchor="{"end" if left else "start"}">▲ {escape(label)}</text></g>')
    line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys))
    parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
    parts.append(f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" class="tick" text-anchor="end">step</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
