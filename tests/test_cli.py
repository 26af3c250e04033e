"""The `ck` command's table (engine/cli.py COMMANDS): every command's arguments load and run
something, `ck --help` lists them all, and `ck check` / `ck fmt` import only what they run."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
SCENE = ROOT / "gold" / "memory_reality" / "scene.dsl"
STAGES_ABOVE_DSL = ("compiler", "assets", "gold", "model", "tokenizer", "data", "preflight", "ck", "train", "probe",
                    "runs", "report", "pipeline")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_loads_its_arguments_and_its_help(name, capsys):
    parser = build_parser([name])
    with pytest.raises(SystemExit) as done:
        parser.parse_args([name, "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: ck {name} ")


def test_ck_help_lists_every_command_with_its_line(capsys):
    with pytest.raises(SystemExit):
        build_parser(["--help"]).parse_args(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for name, command in COMMANDS.items():
        assert f"{name} {' '.join(command.help.split())}" in out


@pytest.mark.parametrize("argv", [["check", "-q", str(SCENE)], ["fmt", "--check", str(SCENE)]],
                         ids=["check", "fmt"])
def test_check_and_fmt_import_no_other_stage(argv):
    """What makes them start in a blink (bench/startup.py): no torch, no other command's module."""
    code = (f"import sys\nfrom engine.cli import main\nassert main({argv!r}) == 0\n"
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'engine'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    loaded = {m.split(".")[0] if m.startswith("torch") else ".".join(m.split(".")[:2])
              for m in result.stdout.split()}
    assert "engine.dsl" in loaded
    assert not loaded & {"torch", *(f"engine.{stage}" for stage in STAGES_ABOVE_DSL)}
