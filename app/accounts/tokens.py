"""Our signed, expiring bearer tokens (staff and workers): one format, a salt per kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.core import clock

STAFF = "yizhan.staff-token"
WORKER = "yizhan.worker-token"


@dataclass
class IssuedToken:
    token: str
    expires_at: datetime


def serializer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=kind)


def issue(kind: str, payload: dict, ttl: timedelta) -> IssuedToken:
    return IssuedToken(token=serializer(kind).dumps(payload), expires_at=clock.now() + ttl)


def read(kind: str, token: str, ttl: timedelta) -> dict | None:
    """The payload of a genuine, unexpired token of this kind; None for anything else."""
    try:
        payload = serializer(kind).loads(token, max_age=int(ttl.total_seconds()))
    except (BadSignature, SignatureExpired):
        return None
    return payload if isinstance(payload, dict) else None
