import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One binding for qtpy and pytest-qt alike: QT_API picks it (PySide6 unless told otherwise).
os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("PYTEST_QT_API", os.environ["QT_API"])


import gc  # noqa: E402

import pytest  # noqa: E402


def pytest_collection_finish(session):
    """Move everything imported so far (torch, Qt, the engine) out of the collector's reach: the
    per-test collections below then scan only what tests create (0.3 s each becomes 0.1 ms)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _own_workspace(tmp_path_factory, monkeypatch):
    """Every test its own run workspace (engine/paths.py): none reads or writes the repository's out/."""
    monkeypatch.setenv("CK_WORKSPACE", str(tmp_path_factory.mktemp("workspace")))


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread():
    """Collect cyclic garbage (closed windows, their widgets) here, on the GUI thread: left to
    chance, a collection triggered on a worker thread would finalize Qt objects there and crash."""
    gc.collect()
    yield
    gc.collect()


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny tensors gain nothing from a second OpenMP thread, and on a busy shared CPU its spin-waits
    make each op many times slower; the thread count is restored after the module."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
