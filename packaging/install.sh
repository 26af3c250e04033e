#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for CK Scene Studio: system libraries, then the project
# (editable) with the studio and test extras. Safe to run again; it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# cairo (cairosvg), the DejaVu font the compiler measures with, what Qt needs offscreen, and
# Debian's chromium, in which a test opens a report with hostile model output (no script may run).
apt_packages=(libcairo2 fonts-dejavu-core fontconfig libegl1 libgl1 libopengl0 libxkbcommon0
              libfontconfig1 libdbus-1-3 libglib2.0-0 chromium)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  else
    echo "install.sh: please install: ${missing[*]}" >&2
  fi
fi

python3 -m pip install -q --upgrade pip
# The CPU build of torch that lies on this kind of machine; a bare `torch` would fetch a CUDA build.
python3 -c "import torch" 2>/dev/null || python3 -m pip install -q torch==2.13.0
python3 -m pip install -q -e ".[studio,dev]"
