"""The house's import rules: the contracts of pyproject.toml ([tool.importlinter]) hold for the tree,
each breaks, by name, on a planted violation in a copy of it, and the studio's windows load no torch.

    lint-imports        # the same check by hand, from the repository root
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NO_QT = "engine imports no Qt binding, pyqtgraph or studio"
LAYERS = "engine layers"
NO_CYCLES = "no import cycles in engine or studio"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the packages under root, with root's pyproject.toml."""
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()",
                           "--no-cache"], cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                          capture_output=True, text=True, timeout=120)


def verdicts(output: str) -> dict[str, str]:
    """{contract name: "KEPT" | "BROKEN"} from lint-imports' summary lines."""
    names = (NO_QT, LAYERS, NO_CYCLES)
    return {name: line.removeprefix(name).strip() for line in output.splitlines()
            for name in names if line.startswith(name + " ") and line.endswith(("KEPT", "BROKEN"))}


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == {NO_QT: "KEPT", LAYERS: "KEPT", NO_CYCLES: "KEPT"}


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the packages and the contracts, to plant violations in."""
    for package in ("engine", "studio"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


# (module, the line planted at its end, the contract it breaks, what the report names)
PLANTED = [
    ("engine/fileio.py", "import qtpy", NO_QT, "engine.fileio -> qtpy"),
    ("engine/dsl/parse.py", "import studio.settings", NO_QT, "engine.dsl.parse -> studio.settings"),
    ("engine/tokenizer/sources.py", "from engine.report import render",
     LAYERS, "engine.tokenizer is not allowed to import engine.report"),
    ("engine/runs/ledger.py", "def _late():\n    from engine.pipeline import run_spec",
     LAYERS, "engine.runs is not allowed to import engine.pipeline"),
    ("engine/stage.py", "", LAYERS, "engine.stage"),     # a new module without a declared layer
    ("studio/editor_style.py", "import studio.editor", NO_CYCLES, "No cycles are allowed in studio"),
]


@pytest.mark.parametrize(("module", "line", "contract", "named"), PLANTED, ids=[p[0] + ":" + p[2] for p in PLANTED])
def test_a_planted_violation_breaks_its_contract(tree, module, line, contract, named):
    path = tree / module
    path.write_text((path.read_text() if path.exists() else "") + "\n" + line + "\n")
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout)[contract] == "BROKEN"
    assert named in result.stdout


def test_the_studio_windows_load_no_torch():
    """Opening the studio must not pay for torch (seconds) or need it; the engine work that does runs
    in workers, which import it when they start. editor_qsci needs PyQt6's QScintilla: left out."""
    modules = sorted(f"studio.{p.stem}" for p in (ROOT / "studio").glob("*.py") if p.stem != "editor_qsci")
    assert "studio.main_window" in modules and "studio.app" in modules
    code = (f"import sys\nfor m in {modules!r}: __import__(m)\n"
            "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
