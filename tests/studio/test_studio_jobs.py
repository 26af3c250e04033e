"""The job runner (studio/jobs.py): a task's events come from its child process to the panel's
slots on the GUI thread, in order, ending in one Result or Error; stop, a dead child and shutdown
each end a run. The child loads no Qt binding."""
from __future__ import annotations

import job_tasks
import pytest
from qtpy.QtCore import QCoreApplication, QObject, QThread

from engine.events import Error, Progress, Result
from studio.jobs import Job


class Listener(QObject):
    """A panel's stand-in: every event its slots get, and the thread each arrived on."""

    def __init__(self, job: Job):
        super().__init__()
        self.events, self.threads = [], set()
        for signal in (job.progressed, job.finished, job.failed):
            signal.connect(self._on_event)

    def _on_event(self, event) -> None:
        self.events.append(event)
        self.threads.add(QThread.currentThread())


@pytest.fixture
def job(qtbot):
    jobs = []

    def make(task):
        jobs.append(Job(task))
        return jobs[-1]
    yield make
    for j in jobs:
        j.shutdown(timeout=5)


def test_events_reach_the_slots_on_the_gui_thread_in_order(job, qtbot):
    count = job(job_tasks.count)
    listener = Listener(count)
    with qtbot.waitSignal(count.finished, timeout=20000):
        count.start(3)
    assert listener.events == [Progress("count", i, 3, f"{i} of 3", {"i": i}) for i in (1, 2, 3)] + [
        Result("count", "counted 3", 3)]
    assert listener.threads == {QCoreApplication.instance().thread()}
    qtbot.waitUntil(lambda: not count.running, timeout=5000)
    with qtbot.waitSignal(count.finished, timeout=20000):   # a job runs again, one run at a time
        count.start(1)
    assert listener.events[-1] == Result("count", "counted 1", 1)


def test_the_child_loads_no_qt_binding(job, qtbot):
    bindings = job(job_tasks.bindings)
    with qtbot.waitSignal(bindings.finished, timeout=20000) as done:
        bindings.start()
    assert done.args[0].value == []


def test_a_users_mistake_arrives_as_an_error_with_its_place(job, qtbot):
    refuse = job(job_tasks.refuse)
    with qtbot.waitSignal(refuse.failed, timeout=20000) as done:
        refuse.start()
    assert done.args[0] == Error("refuse", "specs/x.toml:2:1: not a spec", "specs/x.toml", 2, 1)


def test_stop_ends_a_run_between_two_events(job, qtbot):
    ticks = job(job_tasks.ticks)
    listener = Listener(ticks)
    with qtbot.waitSignal(ticks.progressed, timeout=20000):
        ticks.start()
    with qtbot.waitSignal(ticks.failed, timeout=5000) as done:
        ticks.stop()
    assert done.args[0] == Error("ticks", "ticks stopped")
    assert all(isinstance(e, Progress) for e in listener.events[:-1])
    qtbot.waitUntil(lambda: not ticks.running, timeout=5000)


def test_a_child_that_dies_ends_its_run_with_an_error(job, qtbot):
    die = job(job_tasks.die)
    with qtbot.waitSignal(die.failed, timeout=20000) as done:
        die.start()
    assert "exit code 3" in done.args[0].message
    qtbot.waitUntil(lambda: not die.running, timeout=5000)


def test_shutdown_kills_a_child_that_does_not_stop_and_emits_nothing_after(job, qtbot):
    deaf = job(job_tasks.deaf)
    listener = Listener(deaf)
    with qtbot.waitSignal(deaf.progressed, timeout=20000):
        deaf.start()
    deaf.shutdown(timeout=0.5)
    assert not deaf.running and not deaf.current.process.is_alive()
    qtbot.wait(200)
    assert len(listener.events) == 1
    deaf.start()                      # a job shut down starts nothing
    assert not deaf.running
