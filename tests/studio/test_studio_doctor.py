"""`ck-studio --doctor`, and a studio that says which library is missing instead of Qt's abort."""
from __future__ import annotations

import os
import subprocess
import sys

from studio import app, doctor

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-icccm.so.4 => not found
\tlibxcb1.so.1 => /lib/x86_64-linux-gnu/libxcb1.so.1 (0x00007f)
\tlibxkbcommon-x11.so.0 => not found
"""


def test_the_libraries_ldd_cannot_find_are_named_with_their_debian_packages():
    missing = doctor.not_found(LDD)
    assert missing == ["libxcb-icccm.so.4", "libxkbcommon-x11.so.0"]
    assert [doctor.debian_package(m) for m in missing] == ["libxcb-icccm4", "libxkbcommon-x11-0"]
    assert doctor.debian_package("libX11-xcb.so.1") == "libx11-xcb1"


def test_the_platform_is_the_one_qt_would_load(monkeypatch):
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert doctor.platform() == "offscreen"
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.setenv("DISPLAY", ":0")
    assert doctor.platform() == "xcb"


def test_a_plugin_that_cannot_load_stops_the_studio_with_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "missing_libraries", lambda files: ["libxcb-keysyms.so.1"])
    assert app.main(["--smoke"]) == 1
    err = capsys.readouterr().err
    assert "libxcb-keysyms.so.1 not found" in err and "apt-get install libxcb-keysyms1" in err


def test_doctor_reports_binding_platform_libraries_gpu_and_fonts():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "studio.app", "--doctor"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    keys = [line.split(":")[0].strip() for line in out.stdout.splitlines()]
    assert keys == ["binding", "platform", "plugin", "missing libraries", "gpu", "fonts"]
    assert "platform: offscreen" in out.stdout and "missing libraries: none" in out.stdout
