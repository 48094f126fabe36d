"""A file the staff console has checked (a dry-run import), kept for a while so the staff member
can confirm it without uploading it again. Kept in the blob cache (Redis when configured, so
any gunicorn worker or instance finds it), under a random token and the staff member's id, so
nobody else can import it."""

from __future__ import annotations

import json
import secrets

from app.accounts.actor import Actor
from app.core import error_codes
from app.core.errors import Gone
from app.extensions import blob_cache

STAGED_SECONDS = 30 * 60


def _key(actor: Actor, token: str) -> str:
    return f"console-import:{actor.label}:{token}"


def stage(actor: Actor, filename: str, content: bytes) -> str:
    token = secrets.token_urlsafe(18)
    header = json.dumps({"filename": filename}).encode()
    blob_cache.set(_key(actor, token), len(header).to_bytes(4, "big") + header + content, STAGED_SECONDS)
    return token


def staged(actor: Actor, token: str) -> tuple[str, bytes]:
    """(filename, content) of a file this actor staged; Gone when it expired or never was."""
    blob = blob_cache.get(_key(actor, token)) if token and token.replace("-", "").replace("_", "").isalnum() else None
    if blob is None:
        raise Gone("待确认的文件已过期（30 分钟），请重新上传", code=error_codes.IMPORT_STAGING_EXPIRED)
    size = int.from_bytes(blob[:4], "big")
    return json.loads(blob[4 : 4 + size])["filename"], blob[4 + size :]
