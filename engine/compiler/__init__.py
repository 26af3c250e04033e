"""Scene compiler: canonical scene + content.json -> deterministic SVG (SPEC.md §1, §3)."""
from engine.compiler.pipeline import Compiled, compile_scene, compile_svg

compile = compile_svg  # the name: compile(scene, content) -> svg text

__all__ = ["Compiled", "compile", "compile_scene", "compile_svg"]
