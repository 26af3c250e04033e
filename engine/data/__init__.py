"""The seeded dataset builder, dataset QC and the curriculum audit (issue 4).

    spec = load_spec("specs/spec01.toml")       # spec.py: the SPEC.toml model
    rows = build_dataset(spec)                   # build.py: rows with split, bucket, provenance
    ck data build|qc|audit                       # cli.py

variants.py holds the compiler-valid scene variants and repair damage; qc.py the checks and
profile; failures.py the seed's Run Failure Matrix and which rows teach each class; audit.py the
blueprint check. The prompt surfaces of SPEC.md section 4 are in engine/tokenizer/prompts.py:
the tokenizer reserves their markers and sits below this package.
"""
from engine.data.build import build_dataset
from engine.data.spec import Spec, load_spec

__all__ = ["Spec", "build_dataset", "load_spec"]
