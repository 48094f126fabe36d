"""The image getwxacodeunlimit answers: a plain QR code of the scene, as a JPEG.

A real mini-program code is a round "sun code" only WeChat can read; a QR of the same scene
lets tests and the demo decode what the server asked for. The matrix comes from `qrcode`, the
one QR library of the project; Pillow draws it."""

from __future__ import annotations

import io

from PIL import Image

from app.adapters.qr_matrix import qr_matrix


def scene_jpeg(scene: str, width: int) -> bytes:
    matrix = qr_matrix(scene, level="M", border=4)
    modules = len(matrix)
    scale = max(1, width // modules)
    symbol = Image.new("L", (modules, modules), 255)
    symbol.putdata([0 if dark else 255 for row in matrix for dark in row])
    symbol = symbol.resize((modules * scale, modules * scale), Image.NEAREST)
    canvas = Image.new("L", (width, width), 255)
    offset = (width - symbol.width) // 2
    canvas.paste(symbol, (max(0, offset), max(0, offset)))
    out = io.BytesIO()
    canvas.convert("RGB").save(out, format="JPEG", quality=92)
    return out.getvalue()
