"""Drawing an untrusted SVG in a worker process with a time limit and a memory limit (issue 18).

References and assets come from outside the project. engine/assets/bounds.py refuses what a static
look can see; this bounds the rest: cairosvg runs in a child process whose address space is capped
(RLIMIT_AS), and a drawing that takes longer than RENDER_SECONDS is killed with its process. Either
way the caller gets an AssetError naming the bound, and the next drawing starts a fresh child.
Compiled scenes are the compiler's own output and are drawn in-process (engine/gold/raster.py).

One child serves every drawing of a process (starting one costs ~0.3 s, drawing a library asset
~0.1 s). It exits when its parent does: it reads requests from a pipe, and a dead parent closes it.

Wire format, both ways big-endian: request = width (u32), length (u32), SVG bytes; reply = b"O",
width (u32), height (u32), RGB bytes; or b"E", length (u32), UTF-8 message.
"""
from __future__ import annotations

import os
import select
import struct
import subprocess
import sys
import threading
from pathlib import Path

from PIL import Image

from engine.assets import AssetError

# The library's slowest asset draws in 0.2 s at the gate's 900 px; 5 s is 25 times that and keeps a
# gate of two dozen entries bounded even when every reference were hostile.
RENDER_SECONDS = 5.0
# A child with numpy, PIL and cairosvg loaded maps ~170 MB; a 900 px wide drawing of the tallest
# page bounds.py allows (1:20) needs 900 x 18,000 x 4 bytes = 65 MB of surface, twice over while it
# is copied out. 1 GiB leaves room for that and stops a drawing that wants gigabytes.
MEMORY_BYTES = 1 << 30

_ROOT = Path(__file__).resolve().parents[2]


class _Worker:
    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        if self.proc is None or self.proc.poll() is not None:
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
            self.proc = subprocess.Popen([sys.executable, "-m", "engine.gold.bounded"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env)
        return self.proc

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def render(self, svg: bytes, width: int, name: str) -> Image.Image:
        with self.lock:
            proc = self._start()
            try:
                proc.stdin.write(struct.pack(">II", width, len(svg)) + svg)
                proc.stdin.flush()
                ready, _, _ = select.select([proc.stdout], [], [], RENDER_SECONDS)
                if not ready:
                    self.kill()
                    raise AssetError(name, f"took over {RENDER_SECONDS:g} s to draw; refused (a reference "
                                           "draws in well under a second)")
                kind = proc.stdout.read(1)
                if kind == b"O":
                    w, h = struct.unpack(">II", _exactly(proc.stdout, 8))
                    return Image.frombytes("RGB", (w, h), _exactly(proc.stdout, w * h * 3))
                if kind == b"E":
                    (n,) = struct.unpack(">I", _exactly(proc.stdout, 4))
                    raise AssetError(name, f"cannot be drawn: {_exactly(proc.stdout, n).decode()}")
            except (BrokenPipeError, EOFError):
                pass
            self.kill()
            raise AssetError(name, f"drawing it needed more than {MEMORY_BYTES >> 20} MB and was stopped; refused")


def _exactly(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError
    return data


_worker = _Worker()


def raster_bounded(svg: bytes, width: int, name: str = "<svg>") -> Image.Image:
    """`raster_rgb(svg, width)` drawn in the bounded worker; AssetError when a bound stops it."""
    return _worker.render(svg, width, name)


def _serve() -> None:
    import resource

    from engine.gold.raster import raster_rgb   # loaded before the cap, so the cap is all drawing room

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    sys.setrecursionlimit(10_000)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while header := stdin.read(8):
        width, n = struct.unpack(">II", header)
        svg = stdin.read(n)
        try:
            img = raster_rgb(svg, width)
            stdout.write(b"O" + struct.pack(">II", *img.size) + img.tobytes())
        except MemoryError:
            return   # the parent reports the memory bound
        except Exception as e:   # noqa: BLE001 -- any failure of a foreign file is a refusal, said in words
            message = f"{type(e).__name__}: {e}"[:500].encode()
            stdout.write(b"E" + struct.pack(">I", len(message)) + message)
        stdout.flush()


if __name__ == "__main__":
    _serve()
