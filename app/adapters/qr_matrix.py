"""QR matrices, computed by `qrcode` (the one QR library here) and drawn by whoever needs them."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M, ERROR_CORRECT_Q

LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q}


def qr_matrix(data: str, level: str = "Q", border: int = 4) -> list[list[bool]]:
    """Rows of modules (True is dark), quiet zone of `border` modules included, smallest version."""
    code = qrcode.QRCode(version=None, error_correction=LEVELS[level], border=border)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def dark_runs(matrix: list[list[bool]]):
    """(row, first column, length) of each horizontal run of dark modules: one rectangle each."""
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                yield y, start, x - start
            else:
                x += 1
