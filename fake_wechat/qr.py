"""The image getwxacodeunlimit answers: a plain QR code of the scene, as a JPEG.

A real mini-program code is a round "sun code" only WeChat can read; a QR of the same scene
lets tests and the demo decode what the server asked for."""

from __future__ import annotations

import io

import segno
from PIL import Image


def scene_jpeg(scene: str, width: int) -> bytes:
    qr = segno.make(scene, error="m", micro=False)
    modules = qr.symbol_size(scale=1, border=4)[0]
    scale = max(1, width // modules)
    png = io.BytesIO()
    qr.save(png, kind="png", scale=scale, border=4)
    symbol = Image.open(png).convert("L")
    canvas = Image.new("L", (width, width), 255)
    offset = (width - symbol.width) // 2
    canvas.paste(symbol, (max(0, offset), max(0, offset)))
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="JPEG", quality=92)
    return out.getvalue()
