"""The run ledger (SQLite, one file per workspace), the promotion rules and the canary: what `ck run`
(engine/pipeline.py) records at each step, preflight, canary, train, probe, report."""
