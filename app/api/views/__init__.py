"""The staff API's views, and how they document answers that are files."""

from __future__ import annotations

from app.core.spreadsheets import XLSX_MIME

CSV = "text/csv"
XLSX = XLSX_MIME
PDF = "application/pdf"
PNG = "image/png"

# What a client generator needs to treat the body as bytes rather than try to parse it.
BINARY = {"type": "string", "format": "binary"}


def file_answer(description: str, *media_types: str) -> dict:
    """A 200 that is (or, beside the JSON `@output` documents, may be) a file of these types."""
    return {"description": description, "content": {media_type: {"schema": dict(BINARY)} for media_type in media_types}}
