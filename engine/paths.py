"""Where the project's bundled resources live (fonts, themes)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"
FONTS = RESOURCES / "fonts"
