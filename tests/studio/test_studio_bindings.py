"""The studio runs under both Qt bindings: this reruns the studio's tests in a subprocess under
the other one (PyQt6, with the QScintilla editor, when this run is PySide6's): the editor, the
window, recovery, settings and the preview, leaving out the engine-heavy tests (their engine work
does not depend on the binding, and each costs seconds). Skipped, saying why, when the other
binding is not installed."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qtpy import API_NAME

OTHER = {"PySide6": ("pyqt6", ("PyQt6", "PyQt6.Qsci")), "PyQt6": ("pyside6", ("PySide6",))}
NESTED = "CK_STUDIO_OTHER_BINDING"
FILES = ("test_studio_editor.py", "test_studio_window.py", "test_studio_recovery.py", "test_studio_settings.py",
         "test_studio_preview.py")


def installed(modules) -> bool:
    # find_spec imports only the package's __init__, never a Qt library: two bindings must not
    # both load into one process
    return all(importlib.util.find_spec(m) is not None for m in modules)


@pytest.mark.skipif(os.environ.get(NESTED) == "1", reason="already the other binding's run")
def test_the_studio_tests_pass_under_the_other_binding():
    api, modules = OTHER[API_NAME]
    if not installed(modules):
        pytest.skip(f"{' and '.join(modules)} not installed: the studio's tests ran under {API_NAME} only "
                    f"(pip install PyQt6 PyQt6-QScintilla, or the studio extra)")
    here = Path(__file__).parent
    env = {k: v for k, v in os.environ.items() if k != "PYQTGRAPH_QT_LIB"}  # studio/__init__ sets it anew
    env |= {"QT_API": api, "PYTEST_QT_API": api, NESTED: "1", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not engine_heavy",
                           *(str(here / f) for f in FILES)], cwd=here.parents[1], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    tail = "\n".join(done.stdout.splitlines()[-25:])
    assert done.returncode == 0, f"under {api}:\n{tail}\n{done.stderr[-2000:]}"
    assert " passed" in tail and "failed" not in tail
