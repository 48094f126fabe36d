"""What a task raises to tell the queue what happened."""

from __future__ import annotations


class NotDone(Exception):
    """The attempt certainly had no effect (WeChat answered busy, the connection was refused
    before anything was sent): retry with back-off, even for an at-most-once task.
    `retry_after` (seconds) overrides the back-off when the other side said how long to wait."""

    def __init__(self, message: str = "not done", *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class GiveUp(Exception):
    """Final: retrying cannot help (the user withdrew consent, the data is invalid)."""


class Uncertain(Exception):
    """An at-most-once attempt whose effect is unknown; it is recorded and never repeated."""
