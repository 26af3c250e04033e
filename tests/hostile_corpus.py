"""A hostile SVG corpus of our own, written by code (some files are megabytes): each file is one
way an outside reference has made rendering or intake slow, huge or fatal (issue 18).

`write_corpus(folder)` writes every file and returns {file name: what its refusal says}, where an
empty string means the file is harmless once sanitized and must render. bench/hostile.py measures
the same files tightly; tests/test_hostile_render.py asserts generous bounds on them.
"""
from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}"{vb}>'


def _svg(body: str, w: str = "400", h: str = "300", vb: str = "", head: str = "") -> str:
    return head + SVG.format(w=w, h=h, vb=f' viewBox="{vb}"' if vb else "") + body + "</svg>"


def _use_fanout(levels: int, fan: int) -> str:
    """Level k is a group of `fan` uses of level k-1: fan**levels rectangles from a few kB."""
    defs = ['<rect id="g0" width="2" height="2"/>']
    for k in range(1, levels + 1):
        uses = "".join(f'<use href="#g{k - 1}" x="{i}"/>' for i in range(fan))
        defs.append(f'<g id="g{k}">{uses}</g>')
    return _svg(f"<defs>{''.join(defs)}</defs><use href=\"#g{levels}\"/>")


def _png(width: int, height: int) -> bytes:
    """A valid PNG of zeros: a few hundred kB that decompress to width*height*3 bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compressobj(9)
    row = b"\0" * (1 + 3 * width)
    idat = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def _image(payload: bytes, mime: str) -> str:
    href = f"data:{mime};base64," + base64.b64encode(payload).decode()
    return _svg(f'<image href="{href}" width="400" height="300"/>')


def _polyline(points: int) -> str:
    pts = " ".join(f"{i % 400},{(i * 7) % 300}" for i in range(points))
    return _svg('<defs><marker id="m" markerWidth="4" markerHeight="4"><circle r="2"/></marker></defs>'
                f'<polyline points="{pts}" marker-mid="url(#m)" fill="none" stroke="black"/>')


# name -> (file text or bytes, what the refusal names; "" = renders once sanitized)
def cases() -> dict[str, tuple[str | bytes, str]]:
    return {
        "use_fanout_2x40.svg": (_use_fanout(2, 40), ""),
        "use_fanout_3x20.svg": (_use_fanout(3, 20), "<use> expands the drawing"),
        "use_fanout_3x40.svg": (_use_fanout(3, 40), "<use> expands the drawing"),
        "use_self.svg": (_svg('<use id="a" href="#a"/>'), "refers to itself"),
        "use_cycle.svg": (_svg('<g id="a"><use href="#b"/></g><g id="b"><use xlink:href="#a"/></g>'),
                          "refers to itself"),
        "png_bomb.svg": (_image(_png(16_000, 16_000), "image/png"), "pixels"),
        "svgz_payload.svg": (_image(zlib.compress(_use_fanout(3, 40).encode(), 9), "image/svg+xml"), ""),
        "polyline_7mb_marker.svg": (_polyline(800_000), "characters of path data"),
        "encoding_shift_jis.svg": ('<?xml version="1.0" encoding="Shift_JIS"?>'.encode()
                                   + _svg("<text y='20'>\u65e5\u672c</text>").encode("shift_jis"), ""),
        "encoding_unknown.svg": (_svg("<text y='20'>x</text>", head='<?xml version="1.0" encoding="x-klingon"?>'),
                                 "encoding"),
        "width_zero.svg": (_svg("<rect width='5' height='5'/>", w="0"), "width"),
        "width_1e300.svg": (_svg("<rect width='5' height='5'/>", w="1e300"), "width"),
        "width_nan.svg": (_svg("<rect width='5' height='5'/>", w="NaN"), "width"),
        "viewbox_nan.svg": (_svg("<rect width='5' height='5'/>", vb="0 0 NaN 10"), "viewBox"),
        "aspect_needle.svg": (_svg("<rect width='5' height='5'/>", w="10", h="50000"), "aspect"),
    }


def write_corpus(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (data, said) in cases().items():
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        out[name] = said
    return out
