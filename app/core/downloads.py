"""One way to answer with a file, for every front door: the bytes (or a stream), their type, and
a Content-Disposition naming the file. Names are built from codes and dates (ASCII)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response


def download(content: bytes | Iterable[bytes], mimetype: str, filename: str, disposition: str = "attachment") -> Response:
    """`disposition` is "attachment" (save it) or "inline" (show it, e.g. a PDF in the browser)."""
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f"{disposition}; filename={filename}"})
