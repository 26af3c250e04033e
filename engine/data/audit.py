"""`ck data audit SPEC.toml [DIR]`: does the curriculum teach the failures the spec predicts?

    ck data audit specs/spec01.toml out/data/spec01

The spec's [blueprint] maps each predicted failure class (names from the seed's Run Failure
Matrix) to the bucket meant to teach it (seed: "Front-load predictable failures": "teach those
boundaries as clean positive coverage from day one"). For each class the audit counts the train
rows of that bucket that teach it (engine/data/failures.py says which rows teach what) and fails
when the class is unknown, is not a data problem, names a bucket the mixture lacks, has no
teaching rows, or, for family classes, leaves a layout family untaught. Rows come from DIR, or
from a fresh build of the spec when DIR is not given.
"""
from __future__ import annotations

from collections import Counter

from engine.data.failures import CLASSES, NOT_DATA, PER_LAYOUT, teaches
from engine.data.rows import Row
from engine.data.spec import Spec


def audit(spec: Spec, rows: list[Row]) -> dict:
    train = [r for r in rows if r.split == "train"]
    results = []
    for cls, bucket in sorted(spec.blueprint.items()):
        result = {"class": cls, "bucket": bucket, "rows": 0, "per_layout": {}, "problem": None}
        if cls not in CLASSES:
            result["problem"] = "not a failure class of the seed's Run Failure Matrix"
        elif cls in NOT_DATA:
            result["problem"] = f"rows cannot teach it: {NOT_DATA[cls]}"
        elif bucket not in spec.mixture.buckets:
            result["problem"] = (f"bucket '{bucket}' is not in mixture.buckets "
                                 f"({', '.join(sorted(spec.mixture.buckets))})")
        else:
            teaching = [r for r in train if r.bucket == bucket and cls in teaches(r.bucket, r.provenance)]
            per_layout = Counter(r.layout for r in teaching)
            result["rows"] = len(teaching)
            result["per_layout"] = dict(sorted(per_layout.items()))
            untaught = [f for f in spec.families if not per_layout.get(f)]
            if not teaching:
                result["problem"] = f"no train row of bucket '{bucket}' teaches it"
            elif cls in PER_LAYOUT and untaught:
                result["problem"] = f"no teaching rows for {', '.join(untaught)}"
        results.append(result)
    return {"spec": spec.name, "passed": all(r["problem"] is None for r in results), "classes": results}


def summary(report: dict) -> str:
    lines = [f"{'class':<28}{'bucket':<16}{'rows':>6}  verdict"]
    for r in report["classes"]:
        verdict = "ok" if r["problem"] is None else f"FAIL: {r['problem']}"
        lines.append(f"{r['class']:<28}{r['bucket']:<16}{r['rows']:>6}  {verdict}")
    lines.append(f"\naudit {'passed' if report['passed'] else 'FAILED'}")
    return "\n".join(lines)
