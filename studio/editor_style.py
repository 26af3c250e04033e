"""The DSL and content editors' font and colours, one look for both backends (editor_plain.py,
editor_qsci.py); the main window sizes the font from FONT_SIZE."""

MONO_FONT = "DejaVu Sans Mono"
FONT_SIZE = 11
BACKGROUND, FOREGROUND, MARGIN = "#1e1e1e", "#d4d4d4", "#252526"
ERROR_COLOUR, WARNING_COLOUR = "#f14c4c", "#cca700"
