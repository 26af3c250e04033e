"""Loss-curve readings (engine/runs/curve_readings.py) as marks on the training plots: each a
vertical line at its step, in its tone's colour, labelled with the pattern; hovering the line or its
label shows the reading and the seed's action. A reading marks the plot of the curve it is about
(CurveReading.series): the gradient's the grad-norm plot, the others the loss plot.

The readings are computed from the run's metrics.jsonl on the worker's thread (the file of a long
run is tens of thousands of lines); the panel asks again as a live run grows.
"""
from __future__ import annotations

import pyqtgraph as pg
from qtpy.QtCore import QObject, Qt, Signal, Slot

from engine.fileio import InputError
from engine.runs.curve_readings import CurveReading, curve_readings
from engine.runs.metrics import read_events, steps

# the report's tones, lightened for pyqtgraph's dark plots; amber apart from the stage lines' yellow
TONES = {"blue": (130, 210, 255), "amber": (255, 140, 40), "red": (255, 90, 90)}
LABEL_AT = 0.5   # halfway up the line: the stage lines' labels (0.9) and the legend hold the top
LABEL_Z = 20     # over the curves and the legend: a label is read where it overlaps them


def tooltip(reading: CurveReading) -> str:
    return f"step {reading.step}: {reading.text}\nseed action: {reading.action}"


def mark(reading: CurveReading) -> pg.InfiniteLine:
    colour = TONES.get(reading.tone, TONES["amber"])
    line = pg.InfiniteLine(reading.step, angle=90, pen=pg.mkPen(colour, width=2, style=Qt.PenStyle.DotLine),
                           label=f"▲ {reading.label}",
                           labelOpts={"position": LABEL_AT, "color": colour, "fill": (0, 0, 0, 220)})
    line.label.setZValue(LABEL_Z)
    line.setToolTip(tooltip(reading))
    line.label.setToolTip(tooltip(reading))
    line.reading = reading
    return line


class ReadingsWorker(QObject):
    """A run's metrics.jsonl -> its readings, and its step events when asked (a recorded run's,
    to plot; a live run's are on the plots already, and thousands of dicts handed to the GUI
    thread only to be freed there would cost it milliseconds)."""

    read = Signal(int, str, object, object)   # request id, metrics path, [step event] or None, [CurveReading]
    failed = Signal(int, str)                 # request id, why the file cannot be read

    @Slot(int, str, bool)
    def read_run(self, request: int, path: str, with_steps: bool) -> None:
        try:
            events = read_events(path)
        except InputError as e:
            self.failed.emit(request, str(e))
            return
        self.read.emit(request, path, steps(events) if with_steps else None, curve_readings(events))
