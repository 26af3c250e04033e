"""`ck-studio --doctor`: what the studio needs from the machine, and what is missing.

Qt aborts the whole process when its platform plugin cannot load, and its message names the
wrong library as often as the right one (it blamed libxcb-cursor0 where libxcb-icccm4 and
libxcb-keysyms1 were missing). The plugin's own links are the truth: `ldd` lists each one it cannot
find, and Debian names a library's package after its soname, so the message can say what to install.
Nothing here creates a QApplication, so it runs where the studio itself would abort.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

BINDINGS = {"pyside6": "PySide6", "pyqt6": "PyQt6"}


def binding() -> str:
    return BINDINGS.get(os.environ.get("QT_API", "pyside6").lower(), "PySide6")


def platform() -> str:
    """The platform plugin Qt will load: QT_QPA_PLATFORM, else xcb on an X display (Qt's default
    on Linux), else wayland where only that is set."""
    if name := os.environ.get("QT_QPA_PLATFORM"):
        return name.split(":")[0]
    if os.environ.get("DISPLAY"):
        return "xcb"
    return "wayland" if os.environ.get("WAYLAND_DISPLAY") else "xcb"


def plugin_files(name: str, package: str | None = None) -> list[Path]:
    """The platform plugin of the binding in use and, for xcb, the Qt library it loads."""
    spec = importlib.util.find_spec(package or binding())
    if spec is None or spec.origin is None:
        return []
    root = Path(spec.origin).parent
    qt = next((p for p in (root / "Qt", root / "Qt6") if (p / "plugins").is_dir()), None)
    if qt is None:
        return []
    files = [qt / "plugins" / "platforms" / f"libq{name}.so"]
    if name == "xcb":
        files += sorted((qt / "lib").glob("libQt6XcbQpa.so.6"))
    return [f for f in files if f.is_file()]


def not_found(ldd_output: str) -> list[str]:
    """The sonames `ldd` could not resolve."""
    return [line.split()[0] for line in ldd_output.splitlines() if "=> not found" in line]


def missing_libraries(files: list[Path]) -> list[str]:
    if shutil.which("ldd") is None:
        return []
    missing: dict[str, None] = {}   # ldd names a library once per path that links it
    for f in files:
        out = subprocess.run(["ldd", str(f)], capture_output=True, text=True).stdout
        missing.update(dict.fromkeys(not_found(out)))
    return list(missing)


def debian_package(soname: str) -> str:
    """Debian's package for a shared library, by its naming policy: the soname's name and version,
    with a hyphen between them where the name ends in a digit.

    >>> debian_package("libxcb-icccm.so.4"), debian_package("libxkbcommon-x11.so.0")
    ('libxcb-icccm4', 'libxkbcommon-x11-0')
    """
    m = re.match(r"(.+?)\.so\.(\d+)", soname)
    if m is None:
        return soname
    name, version = m.group(1).lower(), m.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def cannot_start() -> str | None:
    """Why the platform plugin would abort the studio, in words that say what to install; None
    when it can load (or it is not one this machine can check)."""
    name = platform()
    missing = missing_libraries(plugin_files(name))
    if not missing:
        return None
    packages = " ".join(debian_package(lib) for lib in missing)
    return (f"Qt's {name} platform plugin cannot load: {', '.join(missing)} not found.\n"
            f"Install them (Debian/Ubuntu: apt-get install {packages}; packaging/install.sh does it), "
            f"or run headless with QT_QPA_PLATFORM=offscreen.")


def fonts() -> str:
    from engine.paths import FONTS

    bundled = sorted(p.name for p in FONTS.glob("*.ttf"))
    system = "fc-match not found"
    if shutil.which("fc-match"):
        system = subprocess.run(["fc-match", "DejaVu Sans"], capture_output=True, text=True).stdout.strip()
    return f"bundled {', '.join(bundled) or 'none'}; system 'DejaVu Sans' -> {system}"


def gpu() -> str:
    import torch

    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda}, torch {torch.__version__})"
    return f"none (torch {torch.__version__}, CPU)"


def report() -> list[tuple[str, str]]:
    package = binding()
    version = "not installed"
    if importlib.util.find_spec(package) is not None:
        from qtpy import QT_VERSION

        version = f"Qt {QT_VERSION}"
    name = platform()
    files = plugin_files(name)
    missing = missing_libraries(files)
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or "none"
    return [
        ("binding", f"{package} ({version}); QT_API={os.environ.get('QT_API', '')}"),
        ("platform", f"{name} (display: {display})"),
        ("plugin", str(files[0]) if files else f"no libq{name}.so in {package}"),
        ("missing libraries", ", ".join(f"{lib} ({debian_package(lib)})" for lib in missing) or "none"),
        ("gpu", gpu()),
        ("fonts", fonts()),
    ]


def main() -> int:
    rows = report()
    for key, value in rows:
        print(f"{key:>18}: {value}")
    return 1 if dict(rows)["missing libraries"] != "none" else 0
