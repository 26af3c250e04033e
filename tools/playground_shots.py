"""Screenshots of a real generation in the studio's Playground, in a real window (issue 20).

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb CK_WORKSPACE=WS \\
        python tools/playground_shots.py OUTDIR --size 1600x1000 --layout table_matrix --topic gradient_checkpointing

Opens the main window on the gold pack, switches to the Playground, picks the ledger's first run
(a champion when there is one), composes the prompt, presses Generate and waits for the child
process's answer; saves OUTDIR/gen_playground_WxH.png (raw and repaired side by side), then presses
"Open in editor" and, once the preview has compiled the scene, saves OUTDIR/gen_editor_WxH.png.
The studio's settings go to a temporary folder (CK_STUDIO_CONFIG) unless one is given; the scene
opened is written under WS/playground/, as the studio does.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("CK_STUDIO_CONFIG", tempfile.mkdtemp(prefix="ck_studio_config_"))

import studio  # noqa: F401 (the default binding, before qtpy is imported)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--size", default="1600x1000", help="the window's WxH")
    ap.add_argument("--layout", default="table_matrix")
    ap.add_argument("--topic", default="gradient_checkpointing")
    ap.add_argument("--repair", action="store_true", default=True)
    args = ap.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    from qtpy.QtWidgets import QApplication
    from screenshots import wait_until

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from studio.app import register_fonts
    from studio.main_window import MainWindow

    register_fonts()
    window = MainWindow(ROOT / "gold", smoke=True)
    window.show()
    window.resize(width, height)
    window.use_perspective("Probe")
    window.reset_perspective()
    wait_until(app, lambda: False, 300)   # the perspective raises its first tab on the next turn
    window.playground_dock.raise_()
    panel = window.playground
    ok = wait_until(app, lambda: panel.run.count() > 0, 60000)
    panel.run.setCurrentIndex(0)                  # champions are listed first
    panel.surface.setCurrentText("explicit")
    panel.layout_box.setCurrentText(args.layout)  # the family's theme, tone and density follow
    panel.topic.setCurrentText(args.topic)
    panel.constrained.setChecked(True)
    panel.repair.setChecked(args.repair)
    panel.generate_button.click()
    ok &= wait_until(app, lambda: panel.result is not None and panel.generate_button.isEnabled(), 180000)
    wait_until(app, lambda: False, 500)
    args.out.mkdir(parents=True, exist_ok=True)
    shots = [args.out / f"gen_playground_{args.size}.png"]
    window.grab().save(str(shots[-1]))
    before = window.last_compiled
    panel.open_button.click()
    ok &= wait_until(app, lambda: window.last_compiled != before and window.preview.renderer.isValid(), 60000)
    wait_until(app, lambda: False, 800)
    shots.append(args.out / f"gen_editor_{args.size}.png")
    window.grab().save(str(shots[-1]))
    print(f"{panel.status.text()}\n{'ready' if ok else 'timed out'}: {', '.join(map(str, shots))}")
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
