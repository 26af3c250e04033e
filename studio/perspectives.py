"""Perspectives: the dock layout for one kind of work. Author gives the editors the height
(workspace and problems at the side), Gold gives the gold panel the whole width, Train the
training plots and Probe the gallery (with the runs and the ladder). A toolbar switch and Ctrl+1..4
choose one; a layout a person changes is kept per perspective (QSettings) and comes back with it;
Reset restores the layout below.

Each layout is a list of (area, docks tabbed together, share): the docks not named are hidden;
the first of each group is raised; share is the group's part of the window's width (side
areas) or height (the bottom area)."""
from __future__ import annotations

from qtpy.QtCore import Qt

LEFT, BOTTOM = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea

LAYOUTS: dict[str, tuple[tuple, ...]] = {
    "Author": ((LEFT, ("Workspace",), 0.15), (LEFT, ("Problems", "Token budget"), 0.15)),
    "Gold": ((BOTTOM, ("Gold", "Problems"), 0.62),),
    "Train": ((LEFT, ("Workspace",), 0.12), (BOTTOM, ("Training", "Parity", "Token budget", "Problems"), 0.6)),
    "Probe": ((BOTTOM, ("Probe gallery", "Runs", "Ladder", "Playground", "Problems"), 0.7),),
}
SHORTCUTS = {name: f"Ctrl+{i}" for i, name in enumerate(LAYOUTS, 1)}
NAMES = tuple(LAYOUTS)


def apply_layout(window, name: str, docks: dict) -> None:
    """Lay `docks` ({title: QDockWidget}) out in `window` as perspective `name` says."""
    layout = LAYOUTS[name]
    for dock in docks.values():   # from a clean slate: re-adding a tabbed dock would split its group
        window.removeDockWidget(dock)
    for area, group, _ in layout:
        window.addDockWidget(area, docks[group[0]])
        docks[group[0]].show()
    left = [docks[g[0]] for area, g, _ in layout if area == LEFT]
    if len(left) == 2:   # one column: the second group under the first
        window.splitDockWidget(left[0], left[1], Qt.Orientation.Vertical)
    for _, group, _ in layout:
        for title in group[1:]:
            window.tabifyDockWidget(docks[group[0]], docks[title])
            docks[title].show()
    shown = {title for _, group, _ in layout for title in group}
    for title, dock in docks.items():   # the others hidden, yet in the layout, so a saved state holds them
        if title not in shown:
            window.addDockWidget(BOTTOM, dock)
            dock.hide()


def size_docks(window, name: str, docks: dict) -> None:
    """Give the areas their shares; once the window has laid the docks out (the next turn of
    the event loop), or Qt sizes them from stale geometry."""
    layout = LAYOUTS[name]
    for _, group, _ in layout:
        docks[group[0]].raise_()   # the tab this work is about
    left = [(docks[g[0]], share) for area, g, share in layout if area == LEFT]
    if left:
        window.resizeDocks([left[0][0]], [int(window.width() * left[0][1])], Qt.Orientation.Horizontal)
    if len(left) == 2:
        window.resizeDocks([d for d, _ in left], [int(window.height() * 0.45), int(window.height() * 0.55)],
                           Qt.Orientation.Vertical)
    bottom = [(docks[g[0]], share) for area, g, share in layout if area == BOTTOM]
    if bottom:
        window.resizeDocks([bottom[0][0]], [int(window.height() * bottom[0][1])], Qt.Orientation.Vertical)
