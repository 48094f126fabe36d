"""Fitting text into a box: the largest size at which the wrapped text fits, so nothing is cut
off and nothing overlaps the next box."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

LEADING = 1.25  # line height as a multiple of the font size
# Latin words and numbers stay whole; every CJK character may start a new line.
_TOKENS = re.compile(r"[A-Za-z0-9@#&+\-_.:/()（）]+|\s+|.")


@dataclass(frozen=True)
class FittedText:
    lines: list[str]
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        candidate = line + token
        if stringWidth(candidate, font, size) <= width or not line.strip():
            line = candidate
            continue
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return [piece for one in lines for piece in _split_long(one, font, size, width)]


def _split_long(line: str, font: str, size: float, width: float) -> list[str]:
    """A single token wider than the box (a long URL or number) is broken by characters."""
    if stringWidth(line, font, size) <= width:
        return [line]
    out, current = [], ""
    for char in line:
        if current and stringWidth(current + char, font, size) > width:
            out.append(current)
            current = ""
        current += char
    return [*out, current] if current else out


def fit(text: str, font: str, width: float, height: float, max_size: float, min_size: float = 4.0) -> FittedText:
    """The largest size (in 0.5 pt steps, from max_size down) at which `text` wraps into the box."""
    size = max_size
    while size > min_size:
        lines = wrap(text, font, size, width)
        if len(lines) * size * LEADING <= height:
            return FittedText(lines, size)
        size -= 0.5
    return FittedText(wrap(text, font, min_size, width), min_size)
