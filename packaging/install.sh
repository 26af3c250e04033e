#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for CK Scene Studio: system libraries, then the project
# (editable) with the studio and test extras. Safe to run again; it installs only what is missing,
# and prints one line per step (the full apt and pip logs go to $LOG).
set -euo pipefail
cd "$(dirname "$0")/.."
LOG=${LOG:-$(mktemp -t ck-install.XXXXXX.log)}

step() {   # step "what" command...: one line, and the log's tail when it fails
  printf 'install.sh: %s ... ' "$1"; shift
  if "$@" >>"$LOG" 2>&1; then echo ok; else echo "FAILED (log: $LOG)"; tail -n 20 "$LOG" >&2; exit 1; fi
}

# cairo (cairosvg) and the DejaVu fonts the compiler measures with; Qt's offscreen needs; what Qt's
# xcb platform plugin links against on a real display (read off `ldd` on libqxcb.so and
# libQt6XcbQpa.so of both bindings: tests/test_packaging.py checks that nothing is missing), and Xvfb
# for the studio's check on the xcb platform in CI; Debian's chromium, in which a test opens a report
# with hostile model output (no script may run).
apt_packages=(libcairo2 fonts-dejavu-core fontconfig libegl1 libgl1 libopengl0 libxkbcommon0
              libfontconfig1 libdbus-1-3 libglib2.0-0
              libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
              libxcb-randr0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1
              libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0
              xvfb xauth chromium)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    step "apt-get update" $SUDO apt-get update -qq
    step "apt-get install ${#missing[@]} packages (${missing[*]:0:4} ...)" \
      env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  else
    echo "install.sh: please install: ${missing[*]}" >&2
  fi
else
  echo "install.sh: system packages ... ok (all present)"
fi

step "pip upgrade" python3 -m pip install -q --upgrade pip
# The CPU build of torch that lies on this kind of machine; a bare `torch` would fetch a CUDA build.
if ! python3 -c "import torch" 2>/dev/null; then
  step "torch 2.13.0 (CPU)" python3 -m pip install -q torch==2.13.0
fi
step "ck-studio (editable, studio and dev extras)" python3 -m pip install -q -e ".[studio,dev]"
# An editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is set every command
# would compile the engine anew (0.5-1 s of each cold `ck generate`): compiled once here, it is read.
step "bytecode of engine/ and studio/" python3 -m compileall -q engine studio
