"""The run ledger (SQLite, one file per workspace), the promotion rules, the canary, and `ck run`:
preflight, canary, train, probe, report, each step recorded (engine/runs/pipeline.py)."""
