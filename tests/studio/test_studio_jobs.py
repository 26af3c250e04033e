"""The job runner (studio/jobs.py): a task's events come from its child process to the panel's
slots on the GUI thread, in order, ending in one Result or Error; stop, a dead child and shutdown
each end a run. The child loads no Qt binding, is collected when it ends and ends with the studio."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be collected."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def collected(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_finished_child_is_collected_at_once(job, qtbot):
    count = job(job_tasks.count)
    with qtbot.waitSignal(count.finished, timeout=20000):
        count.start(1)
    pid = count.current.process.pid
    qtbot.waitUntil(lambda: collected(pid), timeout=5000)   # no defunct child until the next run


@pytest.mark.engine_heavy
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_children_end_with_a_studio_that_is_killed(tmp_path):
    """A studio killed (SIGKILL: no shutdown runs) leaves no child behind."""
    script = tmp_path / "killed_studio.py"
    script.write_text(textwrap.dedent("""
        import sys
        from qtpy.QtCore import QCoreApplication
        import job_tasks
        from studio.jobs import Job

        if __name__ == "__main__":
            app = QCoreApplication([])
            job = Job(job_tasks.deaf)
            job.progressed.connect(lambda _: print(job.current.process.pid, flush=True))
            job.start()
            app.exec()
    """))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(job_tasks.__file__).parent), *sys.path]))
    studio = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        child = int(studio.stdout.readline())
        assert alive(child)
        studio.kill()
        studio.wait()
        deadline = time.monotonic() + 5
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child)
    finally:
        studio.kill()
