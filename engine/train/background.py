"""Training on a background thread: the in-process API the studio subscribes to (no Qt here).

    handle = start_in_thread(trainer, on_event)     # on_event runs on the training thread
    event = handle.events.get()                     # or drain the queue from another thread
    handle.stop()                                   # lands within one step, leaves a checkpoint
    handle.join()

Every event (engine/events.py) is put on `handle.events`, then None once the thread has ended. A
failure ends the thread with an Error event and sets `handle.error`.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from engine.events import Event, error_of
from engine.train.trainer import JOB, Trainer


class TrainingHandle:
    def __init__(self, trainer: Trainer):
        self.trainer = trainer
        self.events: queue.Queue[Event | None] = queue.Queue()
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="ck-train", daemon=True)

    def _work(self) -> None:
        try:
            for event in self.trainer.run(self._stop):
                self.events.put(event)
        except Exception as e:  # noqa: BLE001 -- reported on the queue; a silent dead thread is worse
            self.error = e
            self.events.put(error_of(JOB, e))
        finally:
            self.events.put(None)

    def stop(self) -> None:
        """Ask the run to stop before its next step; it writes a checkpoint and emits `stopped`."""
        self._stop.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread; True when it has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


def start_in_thread(trainer: Trainer, *subscribers: Callable[[Event], None]) -> TrainingHandle:
    """Start trainer.run() on a daemon thread; each subscriber is called with every event."""
    for callback in subscribers:
        trainer.subscribe(callback)
    handle = TrainingHandle(trainer)
    handle._thread.start()
    return handle
