"""One workspace and one run folder: every command writes into the same workspace whichever folder
it is started from, and the workspace's and the run folder's names are spelled in engine/paths.py
and engine/rundir.py only."""
from __future__ import annotations

import ast
import json

from engine.cli import main
from engine.paths import ROOT, Workspace, default_workspace
from engine.rundir import RunDir, run_dirs
from tests.gold_entries import own_entry
from tests.runs_fixtures import run_folder

OWNERS = {ROOT / "engine" / "paths.py", ROOT / "engine" / "rundir.py"}
# Names that can only be a path: written anywhere else, they are a second copy of the contract.
FILE_NAMES = ("out", "ledger.sqlite", "spec.toml", "tokenizer.json", "dataset.json", "run.json", "metrics.jsonl",
              "checkpoints", "probe.json", "preflight.json", "report.html", "gallery", "gold_gate.json", "index.html")
# Names that are also a status, a command or a key ("preflight", "runs", "data"): a copy is a path
# built with one.
FOLDER_NAMES = ("runs", "preflight", "parity", "probes", "data")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def spelled_names(source: str) -> list[tuple[int, str]]:
    """(line, literal) of each workspace or run-folder name a source spells outside a docstring."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    joined = set()   # constants a path is built with: x / "runs", x.joinpath("runs")
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            joined.add(id(node.right))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "joinpath":
            joined.update(id(a) for a in node.args)
    hits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in docstrings:
            continue
        parts = node.value.split("/")
        a_path = len(parts) > 1 or id(node) in joined    # "runs/x", "*/probe.json", or folder / "runs"
        if (a_path or node.value in FILE_NAMES) and any(p in FILE_NAMES for p in parts) \
                or a_path and parts[0] in FOLDER_NAMES:
            hits.append((node.lineno, node.value))
    return hits


def test_the_check_finds_a_planted_copy_and_lets_words_be():
    planted = '''
def f(run_dir, folder, args):
    """Reads run.json and RUN/probes/<mode>/probe.json (a docstring may name them)."""
    a = run_dir / "metrics.jsonl"
    b = Path("out") / "preflight" / args.spec
    c = folder.glob("*/probe.json")
    d = folder.joinpath("runs")
    e = folder / "checkpoints"
    if status == "preflight" or key == "data":
        raise InputError(f"{run_dir}: no run to resume (no run.json)")
'''
    found = {value: line for line, value in spelled_names(planted)}
    assert found == {"metrics.jsonl": 4, "out": 5, "preflight": 5, "*/probe.json": 6, "runs": 7, "checkpoints": 8}


def test_only_paths_and_rundir_spell_the_workspace_and_run_folder_names():
    copies = []
    for path in sorted([*(ROOT / "engine").rglob("*.py"), *(ROOT / "studio").rglob("*.py")]):
        if path not in OWNERS:
            copies += [f"{path.relative_to(ROOT)}:{line}: {value!r}"
                       for line, value in spelled_names(path.read_text(encoding="utf-8"))]
    assert not copies, "use engine.paths.Workspace or engine.rundir.RunDir instead:\n" + "\n".join(copies)


def test_the_workspace_is_the_repositorys_out_from_any_folder_unless_ck_workspace_says(tmp_path, monkeypatch):
    monkeypatch.delenv("CK_WORKSPACE")
    monkeypatch.chdir(tmp_path)
    assert default_workspace() == ROOT / "out" and Workspace().root.is_absolute()
    monkeypatch.setenv("CK_WORKSPACE", str(tmp_path / "elsewhere"))
    assert Workspace().ledger == tmp_path / "elsewhere" / "ledger.sqlite"
    assert Workspace(tmp_path / "given").runs == tmp_path / "given" / "runs"


def test_commands_started_from_another_folder_write_into_the_workspace(tmp_path, monkeypatch, capsys):
    workspace, elsewhere = tmp_path / "workspace", tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("CK_WORKSPACE", str(workspace))
    monkeypatch.chdir(elsewhere)
    own_entry(tmp_path / "pack")
    ws = Workspace()

    assert main(["gold", "gate", "--pack", str(tmp_path / "pack")]) == 0
    assert json.loads(ws.gold.verdict.read_text())["passed"] is True
    run = run_folder(tmp_path / "trained")
    assert main(["runs", "record", str(run)]) == 0
    assert ws.ledger.is_file()
    spec = run / "spec.toml"
    # ck train reads the verdict where ck preflight writes it: a planted failing one blocks the run
    verdict = ws.preflight(spec).verdict
    verdict.parent.mkdir(parents=True)
    verdict.write_text(json.dumps({"passed": False, "gates": [
        {"name": "token budget", "status": "fail", "detail": "planted", "passed": False}]}))
    assert main(["train", str(spec)]) == 2
    assert "token budget (fail): planted" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_run_dirs_lists_the_run_folders_in_name_order(tmp_path):
    assert run_dirs(tmp_path / "none") == []
    for name in ("b", "a"):
        (tmp_path / name).mkdir()
    (tmp_path / "notes.txt").write_text("")
    assert [r.folder.name for r in run_dirs(tmp_path)] == ["a", "b"]
    run = RunDir(tmp_path / "a")
    assert run.probes("constrained").result == tmp_path / "a" / "probes" / "constrained" / "probe.json"
