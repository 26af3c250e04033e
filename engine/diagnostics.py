"""Diagnostics: every problem the engine reports to a person, with a place and a stable code."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: where (1-based line and column), a stable code, and what to do about it."""

    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def format(self, path: str = "<scene>") -> str:
        return f"{path}:{self.line}:{self.col}: {self.severity.value}[{self.code}]: {self.message}"


class DiagnosticError(Exception):
    """Raised where diagnostics must stop the work (strict compile)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))
