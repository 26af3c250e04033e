"""The run ledger: schema and migrations, scoreboard rows, promotion rules, crash safety, `ck runs`."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from runs_fixtures import ROOT, SPEC01, events, probe_json, run_folder, write_probe

from engine.cli import main
from engine.data.spec import load_spec
from engine.fileio import InputError
from engine.runs import metrics as run_metrics
from engine.runs import schema
from engine.runs.ledger import Ledger
from engine.runs.promotion import PromotionRefused
from engine.runs.record import record_folder

SPEC = load_spec(SPEC01)


@pytest.fixture
def ledger(tmp_path):
    with Ledger.open(tmp_path / "ws") as led:
        yield led


def _run(ledger: Ledger, tmp_path: Path, name: str, **probe) -> str:
    """A recorded run with an unconstrained probe (probe_json's keywords)."""
    folder = run_folder(tmp_path / name)
    write_probe(folder, probe_json(False, **probe))
    return record_folder(ledger, folder)


# ---- schema, WAL, migrations ---------------------------------------------------------------------

def test_a_new_ledger_is_wal_at_the_current_version(ledger):
    assert ledger.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert ledger.version == schema.VERSION == 4
    tables = {r[0] for r in ledger.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"specs", "runs", "metrics", "probes", "probe_results", "decisions", "champions", "canaries",
            "lessons", "pilots"} <= tables


def _v1_file(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(f"BEGIN;\n{schema.MIGRATIONS[0]}\nPRAGMA user_version = 1;\nCOMMIT;")
    db.execute("INSERT INTO specs VALUES (1, 'spec01', 1, 'abc', 'specs/spec01.toml', 'text', 'h', 'data: x', '[]',"
               " 'none', '2026-01-01T00:00:00Z')")
    db.execute("INSERT INTO runs VALUES ('spec01-r1', 1, 'spec01', 'r1', 'data: x', '[]', 'h', NULL, '{}', '/x',"
               " 'finished', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    db.execute("INSERT INTO decisions VALUES (1, 'spec01-r1', 'reject', 'too weak', '', '{}', '2026-01-01T00:00:00Z')")
    db.close()


def test_a_v1_ledger_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "ledger.sqlite"
    _v1_file(path)
    with Ledger(path) as led:
        assert led.version == schema.VERSION
        record = led.record_of("spec01-r1")
        assert record["decisions"][0]["why"] == "too weak" and record["run"]["report"] is None
        led.record_canary("spec01-r1", True, [{"id": "x", "problems": []}])
        led.decide("spec01-r1", "branch", "new question", lessons=("a v2 lesson",))
        assert led.record_of("spec01-r1")["lessons"][0]["text"] == "a v2 lesson"
        led.record_pilot("spec01-r1", "layout:table_matrix", 8, 60, 0.25, 0.5, True, "moved")   # v3
        assert led.pilot("spec01-r1")["after"] == 0.5


def test_a_v3_ledgers_scoreboard_rows_survive_the_v4_rebuild_that_admits_a_family_within_a_split(tmp_path):
    path = tmp_path / "ledger.sqlite"
    _v1_file(path)
    db = sqlite3.connect(path, isolation_level=None)
    for version, script in ((2, schema.MIGRATIONS[1]), (3, schema.MIGRATIONS[2])):
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    db.execute("INSERT INTO probes VALUES (1, 'spec01-r1', 'spec01', 1, 'abc', 16, 0, 'c.json', 4, 700, 1.5,"
               " '/x/probe.json', '2026-01-01T00:00:00Z')")
    db.execute("INSERT INTO probe_results VALUES (1, 'raw', 'split', 'dev', 'exact_rate', 0.75)")
    with pytest.raises(sqlite3.IntegrityError):     # what v3 cannot hold
        db.execute("INSERT INTO probe_results VALUES (1, 'raw', 'split_layout', 'dev/memory_map', 'exact_rate', 0.5)")
    db.close()
    with Ledger(path) as led:
        assert led.version == schema.VERSION == 4
        led.db.execute("INSERT INTO probe_results VALUES (1, 'raw', 'split_layout', 'dev/memory_map', 'exact_rate', 0.5)")
        raw = led.probes("spec01-r1")[0]["boards"]["raw"]
    assert raw["by_split"] == {"dev": {"exact_rate": 0.75}}
    assert raw["by_split_layout"] == {"dev": {"memory_map": {"exact_rate": 0.5}}}


def test_a_failed_migration_leaves_the_file_at_its_old_version(tmp_path):
    path = tmp_path / "ledger.sqlite"
    _v1_file(path)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE lessons (x)")      # v2 creates `lessons`: this migration must fail
    db.commit()
    db.close()
    with pytest.raises(InputError, match="migrating the ledger to v2 failed"):
        Ledger(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "report" not in [r[1] for r in db.execute("PRAGMA table_info(runs)")]    # the ALTER rolled back
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'canaries'").fetchone()[0] == 0
    db.close()


def test_a_newer_ledger_is_refused(tmp_path):
    path = tmp_path / "ledger.sqlite"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    with pytest.raises(InputError, match="newer than this ck"):
        Ledger(path)


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="not a run ledger"):
        Ledger(path)


# ---- runs, metrics, probes -----------------------------------------------------------------------

def test_runs_get_the_next_rung_and_the_champion_as_baseline(ledger, tmp_path):
    first = ledger.create_run(SPEC, {"spec": SPEC.sha256})
    second = ledger.create_run(SPEC, {"spec": SPEC.sha256})
    assert (first, second) == ("spec01-r1", "spec01-r2")
    with pytest.raises(InputError, match="exists already"):
        ledger.create_run(SPEC, {}, rung="r2")
    record = ledger.record_of(first)["run"]
    assert record["status"] == "preflight" and Path(record["run_dir"]) == (tmp_path / "ws" / "runs" / first).resolve()
    assert record["hypothesis"] == SPEC.hypothesis.strip() and record["held_constant"] == list(SPEC.held_constant)
    ran = _run(ledger, tmp_path, "champ")
    ledger.set_status(ran, "finished")
    ledger.decide(ran, "promote", "first")
    assert ledger.record_of(ledger.create_run(SPEC, {}))["run"]["baseline"] == ran
    with pytest.raises(InputError, match="no run spec01-r99"):
        ledger.record_of("spec01-r99")


def test_metrics_summary_skips_a_torn_last_line_and_keeps_the_newest_step(tmp_path):
    lines = [json.dumps(e) for e in events(6)]
    resumed = json.dumps({"event": "step", "step": 6, "stage": "midtrain", "loss": 0.5, "grad_norm": 0.1,
                          "tokens": 700, "tokens_per_s": 1.0, "elapsed": 9.0})
    path = tmp_path / "metrics.jsonl"
    path.write_text("\n".join(lines + [resumed]) + '\n{"event": "step", "ste')
    s = run_metrics.summary(run_metrics.read_events(path))
    assert s["step"] == 6 and s["loss"] == 0.5 and s["tokens"] == 700 and s["total_steps"] == 6
    assert s["min_loss"] == 0.5 and s["params"] == 12345
    path.write_text('{"event": "start"\n' + "\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"metrics.jsonl:1:"):
        run_metrics.read_events(path)


def test_a_probe_is_stored_as_rows_and_read_back_as_the_same_board(ledger, tmp_path):
    data = probe_json(False, failing={"own_tree_triage-dev": "tone", "own_poster_budget-test": "truncated"})
    folder = run_folder(tmp_path / "r")
    write_probe(folder, data)
    write_probe(folder, probe_json(True))
    run = record_folder(ledger, folder)
    board = ledger.record_of(run)["scoreboard"]
    assert list(board) == ["unconstrained", "constrained"]
    for surface in ("raw", "repaired"):
        assert board["unconstrained"][surface] == data["scoreboard"][surface]
    assert board["unconstrained"]["raw"]["overall"]["exact_rate"] == 14 / 16
    assert board["unconstrained"]["raw"]["counts"]["failure_classes"] == {"renderable_but_not_exact": 1,
                                                                          "scene_suffix_failure": 1}
    rows = ledger.db.execute("SELECT value FROM probe_results JOIN probes ON probes.id = probe_id WHERE run_id = ?"
                             " AND surface = 'raw' AND scope = 'layout' AND key = 'decision_tree'"
                             " AND metric = 'exact_rate' AND constrained = 0", (run,)).fetchall()
    assert [r[0] for r in rows] == [0.75]
    # re-probing the same list replaces the rows instead of adding a second set
    write_probe(folder, probe_json(False))
    ledger.record_probe(run, folder / "probes" / "unconstrained" / "probe.json")
    assert ledger.record_of(run)["scoreboard"]["unconstrained"]["raw"]["overall"]["exact_rate"] == 1.0
    assert ledger.db.execute("SELECT count(*) FROM probes WHERE run_id = ?", (run,)).fetchone()[0] == 2


# ---- promotion rules -----------------------------------------------------------------------------

def test_the_first_promotion_makes_a_frozen_champion(ledger, tmp_path):
    run = _run(ledger, tmp_path, "a")
    ledger.set_status(run, "training")
    with pytest.raises(PromotionRefused, match="only a finished run"):
        ledger.decide(run, "promote", "looks good")
    ledger.set_status(run, "finished")
    decision = ledger.decide(run, "promote", "first champion", next_run="r2: more repair rows")
    assert ledger.champion("spec01") == run and decision["evidence"]["champion"] is None
    with pytest.raises(InputError, match="frozen"):
        ledger.record_probe(run, Path(ledger.record_of(run)["scoreboard"]["unconstrained"]["path"]))
    # another probe version is new evidence, not a rewrite
    write_probe(tmp_path / "a", probe_json(False, version=2, sha256="c" * 64))
    ledger.record_probe(run, tmp_path / "a" / "probes" / "unconstrained" / "probe.json")


@pytest.mark.parametrize("failing, blocked", [
    ({"own_tree_triage-train": "tone"}, "layout decision_tree exact_rate"),     # a family regresses
    ({"own_poster_budget-hidden": "truncated"}, "split hidden exact_rate"),    # the hidden split regresses
])
def test_a_regression_on_a_family_or_the_hidden_split_blocks_promotion(ledger, tmp_path, capsys, failing, blocked):
    champion = _run(ledger, tmp_path, "champ")
    ledger.set_status(champion, "finished")
    ledger.decide(champion, "promote", "first")
    candidate = _run(ledger, tmp_path, "cand", failing=failing)
    with pytest.raises(PromotionRefused, match=blocked):
        ledger.decide(candidate, "promote", "try")
    assert ledger.champion("spec01") == champion
    assert ledger.db.execute("SELECT count(*) FROM decisions WHERE run_id = ?", (candidate,)).fetchone()[0] == 0
    assert main(["runs", "decide", candidate, "promote", "--why", "try", "--workspace", str(ledger.workspace)]) == 1
    assert blocked in capsys.readouterr().err
    ledger.decide(candidate, "reject", "hidden split regressed", lessons=("repair rows cost the hidden split",))


def test_a_candidate_without_regressions_becomes_the_champion(ledger, tmp_path):
    champion = _run(ledger, tmp_path, "champ", failing={"own_tree_triage-dev": "tone"})
    ledger.set_status(champion, "finished")
    ledger.decide(champion, "promote", "first")
    candidate = _run(ledger, tmp_path, "cand")
    decision = ledger.decide(candidate, "promote", "fixes decision_tree on dev")
    assert ledger.champion("spec01") == candidate and decision["evidence"]["champion"] == champion
    assert "unconstrained raw layout decision_tree exact_rate" in decision["evidence"]["gains"]


def test_comparisons_across_probe_versions_or_changed_lists_are_refused(ledger, tmp_path):
    a = _run(ledger, tmp_path, "a")
    b = _run(ledger, tmp_path, "b", version=2, sha256="c" * 64)
    c = _run(ledger, tmp_path, "c", sha256="d" * 64)
    with pytest.raises(InputError, match="comparisons across probe versions are refused"):
        ledger.compare(b, a)
    with pytest.raises(InputError, match="must be a new probe version"):
        ledger.compare(c, a)
    ledger.set_status(a, "finished")
    ledger.decide(a, "promote", "first")
    with pytest.raises(PromotionRefused, match="across probe versions"):
        ledger.decide(b, "promote", "newer probe")


def test_compare_lines_up_every_metric_and_marks_regressions(ledger, tmp_path, capsys):
    a = _run(ledger, tmp_path, "a", failing={"own_tree_triage-hidden": "tone"})
    b = _run(ledger, tmp_path, "b")
    comparison = ledger.compare(a, b)
    lost = {d.label() for d in comparison.regressions()}
    assert "unconstrained raw split hidden exact_rate" in lost
    assert "unconstrained raw layout decision_tree exact_rate" in lost
    assert "unconstrained raw split dev exact_rate" not in lost
    assert main(["runs", "compare", a, b, "--workspace", str(ledger.workspace)]) == 0
    out = capsys.readouterr().out
    assert "<- regression" in out and "8 family or hidden-split regression(s)" in out
    assert main(["runs", "compare", a, b, "--json", "--workspace", str(ledger.workspace)]) == 0
    assert len(json.loads(capsys.readouterr().out)["regressions"]) == 8   # raw and repaired: hidden and decision_tree, exact and materialized


def test_decisions_need_a_reason_and_a_known_action(ledger, tmp_path):
    run = _run(ledger, tmp_path, "a")
    with pytest.raises(InputError, match="needs a reason"):
        ledger.decide(run, "reject", "   ")
    with pytest.raises(InputError, match="not one of"):
        ledger.decide(run, "celebrate", "why not")


# ---- `ck runs` -----------------------------------------------------------------------------------

def test_ck_runs_list_and_show_json(tmp_path, capsys):
    ws = tmp_path / "ws"
    assert main(["runs", "list", "--workspace", str(ws)]) == 2          # no ledger yet: said, not created
    assert "no ledger" in capsys.readouterr().err and not ws.exists()
    folder = run_folder(tmp_path / "r")
    data = probe_json(False)
    write_probe(folder, data)
    write_probe(folder, probe_json(True))
    assert main(["runs", "record", str(folder), "--workspace", str(ws)]) == 0
    run = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["runs", "decide", run, "promote", "--why", "first", "--lesson", "L1", "--workspace", str(ws)]) == 0
    assert main(["runs", "list", "--workspace", str(ws)]) == 0
    assert "*champion" in capsys.readouterr().out
    assert main(["runs", "show", run, "--json", "--workspace", str(ws)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["run"]["id"] == run and record["champion"] == run and record["lessons"][0]["text"] == "L1"
    for mode in ("unconstrained", "constrained"):
        board = record["scoreboard"][mode]
        assert set(board["raw"]["overall"]) >= {"exact_rate", "renderable_rate", "materialized_exact_rate",
                                                "budget_truncation_rate", "missing_scene_start_rate",
                                                "missing_scene_end_rate", "duplicate_attr_rate",
                                                "block_nesting_error_rate", "special_token_leak_rate"}
        assert set(board["repaired"]["by_split"]) == {"train", "dev", "test", "hidden"}
        assert board["probe"]["version"] == 1
    assert main(["runs", "show", run, "--workspace", str(ws)]) == 0
    assert "layout decision_tree" in capsys.readouterr().out
    assert main(["runs", "show", "nope", "--workspace", str(ws)]) == 2


# ---- crash safety --------------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from engine.data.spec import load_spec
    from engine.runs.ledger import Ledger
    from runs_fixtures import SPEC01, probe_json, write_probe

    folder = Path({folder!r})
    probe = write_probe(folder, probe_json(False))
    spec = load_spec(SPEC01)
    with Ledger.open({ws!r}) as ledger:
        while True:
            run = ledger.create_run(spec, {{"spec": spec.sha256}}, run_dir=folder)
            ledger.record_probe(run, probe)
            ledger.set_status(run, "finished")
            ledger.decide(run, "reject", "crash test", lessons=("one", "two"))
            print(run, flush=True)
""")


def _consistent(path: Path, rows_per_probe: int) -> int:
    """Checks that every write happened whole; returns the number of runs."""
    with Ledger(path) as led:
        assert led.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert led.db.execute("PRAGMA foreign_key_check").fetchall() == []
        counts = led.db.execute("SELECT count(*) FROM probe_results GROUP BY probe_id").fetchall()
        assert all(c[0] == rows_per_probe for c in counts), "a probe was recorded in part"
        lessons = led.db.execute("SELECT count(*) FROM lessons GROUP BY decision_id").fetchall()
        assert all(c[0] == 2 for c in lessons), "a decision's lessons were recorded in part"
        return led.db.execute("SELECT count(*) FROM runs").fetchone()[0]


def test_a_writer_killed_at_any_point_leaves_the_ledger_consistent(tmp_path):
    ws = tmp_path / "ws"
    script = WRITER.format(tests=str(ROOT / "tests"), folder=str(tmp_path / "run"), ws=str(ws))
    with Ledger.open(ws) as led:    # the row count of one recorded probe, for the invariant
        run = record_folder(led, run_folder(tmp_path / "probe_size"))
        write_probe(tmp_path / "probe_size", probe_json(False))
        led.record_probe(run, tmp_path / "probe_size" / "probes" / "unconstrained" / "probe.json")
        per_probe = led.db.execute("SELECT count(*) FROM probe_results").fetchone()[0]
    runs = _consistent(ws / "ledger.sqlite", per_probe)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for delay in (0.05, 0.13, 0.21):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, cwd=tmp_path)
        proc.stdout.readline()                 # one whole iteration written: now kill it mid-stream
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        now = _consistent(ws / "ledger.sqlite", per_probe)
        assert now > runs
        runs = now
