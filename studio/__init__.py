"""CK Studio: the Qt desktop app over the engine. Engine work runs off the GUI thread: short work
on studio/workers.py's threads, long work through the job runner (studio/jobs.py) in child processes.

qtpy picks the binding from QT_API. Left unset, qtpy would take the first one installed in its own
order (PyQt before PySide); the studio's default is PySide6, so it is set here, before any studio
module imports qtpy. `QT_API=pyqt6 ck-studio` runs the studio under PyQt6 with the QScintilla editor.
"""
import os

os.environ.setdefault("QT_API", "pyside6")
# pyqtgraph picks its binding on its own (PyQt6 first when nothing is imported yet): the same one,
# always, since two bindings in one process crash it
if (_lib := {"pyqt6": "PyQt6", "pyside6": "PySide6"}.get(os.environ["QT_API"].lower())) is not None:
    os.environ["PYQTGRAPH_QT_LIB"] = _lib
