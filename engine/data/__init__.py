"""Prompt surfaces, the seeded dataset builder, dataset QC and the curriculum audit (issue 4).

    spec = load_spec("specs/spec01.toml")       # spec.py: the SPEC.toml model
    rows = build_dataset(spec)                   # build.py: rows with split, bucket, provenance
    ck data build|qc|audit                       # cli.py

prompts.py holds the two prompt surfaces of SPEC.md section 4; variants.py the compiler-valid
scene variants and repair damage; qc.py the checks and profile; failures.py the seed's Run
Failure Matrix and which rows teach each class; audit.py the blueprint check.
"""
from engine.data.build import build_dataset
from engine.data.prompts import explicit_prompt, intent_prompt, repair_prompt
from engine.data.spec import Spec, load_spec

__all__ = ["Spec", "build_dataset", "explicit_prompt", "intent_prompt", "load_spec", "repair_prompt"]
