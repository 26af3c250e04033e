"""Tells the panels when the workspace's ledger changed, whoever changed it: a run the studio
trained, `ck run` or `ck runs record` in a terminal. The ledger is SQLite in WAL mode, so a write
lands in ledger.sqlite-wal and reaches ledger.sqlite only at a checkpoint; the watch compares the
size and time of both each second (two stat calls) rather than trusting file-system events for
files that are created, grown and deleted behind it."""
from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import QObject, QTimer, Signal

from engine.paths import Workspace

POLL_MS = 1000


def signature(ledger: Path) -> tuple:
    out = []
    for path in (ledger, ledger.with_name(ledger.name + "-wal")):
        try:
            st = path.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


class LedgerWatch(QObject):
    changed = Signal(str)   # the workspace whose ledger changed

    def __init__(self, workspace: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.set_workspace(workspace)
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def set_workspace(self, workspace) -> None:
        self.workspace = Path(workspace)
        self.seen = signature(Workspace(self.workspace).ledger)

    def poll(self) -> bool:
        now = signature(Workspace(self.workspace).ledger)
        if now == self.seen:
            return False
        self.seen = now
        self.changed.emit(str(self.workspace))
        return True
