"""The one job runner: long engine work (training, preflight, the gold gate, parity, the probe, a
report) runs as a task of studio/tasks.py in a spawned child process, and its events
(engine/events.py) arrive on the GUI thread as the Job's signals.

    job = Job(tasks.gate, parent=panel)            # the panel owns its jobs
    job.progressed.connect(panel._on_gate_entry)   # each Progress
    job.finished.connect(panel._on_gate_finished)  # the Result
    job.failed.connect(panel._on_gate_failed)      # or the Error
    job.start(pack, assets)                        # the task's arguments, less `stop`
    job.stop()                                     # ends at its next event (training checkpoints first)
    job.shutdown()                                 # before the panel goes: stop, wait, kill if it must

Why processes: Python threads share one interpreter lock, and two CPU-bound threads (a training
run and the gold gate, say) starve the GUI thread of it; measured here, event-loop stalls of
150-450 ms. In a child process the work has its own lock, and the GUI thread stays under 50 ms
(tests/studio/test_studio_responsiveness.py). A relay thread per run starts the child (forking
the GUI's process costs the GUI thread nothing there), reads the event dicts it sends and emits
them; Qt queues each signal to the GUI thread.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterator

from qtpy.QtCore import QObject, Signal

from engine.events import Error, Progress, Result, from_dict, to_dict
from studio.tasks import child_main

SPAWN = multiprocessing.get_context("spawn")  # fork would copy the GUI's threads' locks mid-use
POLL_S = 0.5     # how often the relay looks whether a silent child is still alive
REAP_S = 10      # how long the relay waits for a child that has sent its last event to exit


class _Run:
    """One run of a task: the child process, and the relay thread that starts it and passes on
    what it sends."""

    def __init__(self, task, args: tuple, deliver: Callable[[_Run, dict], None]):
        self.name = task.__name__
        self.events = SPAWN.Queue()
        self.stop_flag = SPAWN.Event()
        self.ended = False   # its last event handed to the GUI thread
        self.process = SPAWN.Process(target=child_main, args=(task, args, self.events, self.stop_flag, os.getpid()),
                                     daemon=True)
        self.relay = threading.Thread(target=self._relay, args=(deliver,), name=f"ck-job-{self.name}", daemon=True)
        self.relay.start()

    def _relay(self, deliver) -> None:
        self.process.start()
        try:
            for event in self._received():
                deliver(self, event)
        except RuntimeError:  # the Job that would emit it is gone: the studio closed
            pass
        finally:   # reaped here, so no defunct child waits for the next run to be collected
            self.process.join(REAP_S)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()

    def _received(self) -> Iterator[dict]:
        """What the child sends, up to the None that closes it. A child that dies without it
        (killed, out of memory) ends the run with an Error, so a panel never waits on it forever."""
        while True:
            try:
                event = self.events.get(timeout=POLL_S)
            except queue.Empty:
                if self.process.is_alive():
                    continue
                try:   # what it sent just before it ended
                    event = self.events.get(timeout=POLL_S)
                except queue.Empty:
                    if not self.stop_flag.is_set():   # stopped, then killed: nobody waits for it
                        yield to_dict(Error(self.name, f"{self.name}: the process ended "
                                                       f"(exit code {self.process.exitcode})"))
                    return
            if event is None:
                return
            yield event

    def join(self, timeout: float) -> bool:
        """Wait for the child and the relay's last event; True when both ended."""
        self.relay.join(timeout)
        return not self.relay.is_alive()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.relay.join()


class Job(QObject):
    """Runs one task, again and again, one run at a time. Each event of a run arrives as a signal
    on the GUI thread; a run ends with exactly one `finished` or `failed`."""

    # object, not dict: PySide6 would carry a dict across threads as a QVariantMap (keys sorted)
    progressed = Signal(object)   # engine.events.Progress
    finished = Signal(object)     # engine.events.Result
    failed = Signal(object)       # engine.events.Error
    _end_of_run = Signal(object)  # the _Run whose last event follows

    def __init__(self, task, parent: QObject | None = None):
        super().__init__(parent)
        self.task = task
        self.current: _Run | None = None
        self.closed = False
        self._end_of_run.connect(self._on_end_of_run)

    @property
    def running(self) -> bool:
        """Until the run's last event reached the panel (its slots see False) or the run is gone."""
        return self.current is not None and self.current.relay.is_alive() and not self.current.ended

    def start(self, *args) -> None:
        """Run the task with these arguments (and a stop flag); a second start while one runs fails it."""
        if self.closed:
            return
        if self.running:
            name = self.task.__name__
            self.failed.emit(Error(name, f"{name} is running already"))
            return
        self.current = _Run(self.task, args, self._deliver)

    def _deliver(self, run: _Run, event: dict) -> None:   # on the relay thread; emitting is thread-safe
        if self.closed:
            return
        event = from_dict(event)
        if not isinstance(event, Progress):   # queued before the panel's slots: they see the run ended
            self._end_of_run.emit(run)
        {Progress: self.progressed, Result: self.finished, Error: self.failed}[type(event)].emit(event)

    def _on_end_of_run(self, run: _Run) -> None:
        run.ended = True

    def stop(self) -> None:
        """Ask the run to end at its next event (a training run checkpoints first)."""
        if self.current is not None:
            self.current.stop_flag.set()

    def shutdown(self, timeout: float = 15) -> None:
        """Stop the run and wait for it (a training run's checkpoint), killing it past `timeout`;
        nothing more is emitted, and no run starts after."""
        self.closed = True
        if self.current is not None:
            self.stop()
            if not self.current.join(timeout):
                self.current.kill()
