"""The staff API's views, and how they document answers that are files."""

from __future__ import annotations

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_answer(description: str, *media_types: str) -> dict:
    """A 200 that may be a file: its media types join the JSON one `@output` documents."""
    return {"description": description, "content": {media_type: {} for media_type in media_types}}
