"""What a fresh Debian machine needs to start the studio on a real display: every library Qt's xcb
platform plugin links against is there (packaging/install.sh installs them). Every other test runs
offscreen, which needs none of them: without this check, 724 tests passed while `ck-studio` aborted
on a display with "could not load the Qt platform plugin xcb"."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("ldd") is None, reason="ldd (glibc) is needed to read links")


def _qt_folder(binding: str) -> Path | None:
    spec = importlib.util.find_spec(binding)
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    return next((p for p in (root / "Qt", root / "Qt6") if (p / "plugins").is_dir()), None)


@pytest.mark.parametrize("binding", ["PySide6", "PyQt6"])
def test_the_xcb_platform_plugin_finds_every_library_it_links(binding):
    qt = _qt_folder(binding)
    if qt is None:
        pytest.skip(f"{binding} is not installed")
    libs = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))]
    assert libs[0].is_file(), f"{binding} ships no xcb platform plugin at {libs[0]}"
    for lib in libs:
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, check=True).stdout
        missing = [line.split()[0] for line in out.splitlines() if "not found" in line]
        assert not missing, f"{lib.name} cannot load: {', '.join(missing)} missing (packaging/install.sh)"
