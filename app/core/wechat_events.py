"""Events WeChat pushes to the server (WECHAT.md "Message push"), as the areas see them.

An area registers a handler by event name::

    from app.core import wechat_events

    @wechat_events.on("wxa_media_check")
    def media_checked(event: wechat_events.PushEvent) -> None:
        jobs.enqueue("reports.apply_media_verdict", {"trace_id": event.data["trace_id"], ...})

The push endpoint (app/wechat_push) has checked the signature, the timestamp window and that
this push was not processed before; it calls the handlers inside the transaction that records the
push, and answers WeChat `success` when they return. So a handler is quick — it records what it
must and leaves slow work to the job queue (app/core/jobs), whose jobs commit with the record —
and one that raises makes the push fail (500), undone, for WeChat to push again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# The events WECHAT.md names (others are recorded and ignored unless a handler is registered).
MEDIA_CHECK = "wxa_media_check"
USER_INFO_MODIFIED = "user_info_modified"
AUTHORIZATION_REVOKE = "user_authorization_revoke"
AUTHORIZATION_CANCELLATION = "user_authorization_cancellation"


@dataclass(frozen=True)
class PushEvent:
    name: str  # the `Event` field, e.g. "wxa_media_check"
    openid: str | None  # `OpenID` (authorisation events) or `FromUserName`
    created_at: int | None  # `CreateTime`, Unix seconds
    data: dict = field(default_factory=dict)  # the whole decrypted message, JSON or XML as a dict


Handler = Callable[[PushEvent], object]
_HANDLERS: dict[str, list[Handler]] = defaultdict(list)


def on(event_name: str) -> Callable[[Handler], Handler]:
    """Register `handler(event)` for pushes of this `Event` (several handlers run in order)."""

    def register(handler: Handler) -> Handler:
        if handler not in _HANDLERS[event_name]:
            _HANDLERS[event_name].append(handler)
        return handler

    return register


def off(event_name: str, handler: Handler) -> None:
    """Unregister a handler (tests)."""
    if handler in _HANDLERS.get(event_name, ()):
        _HANDLERS[event_name].remove(handler)


def handlers_for(event_name: str) -> list[Handler]:
    return list(_HANDLERS.get(event_name, ()))


def dispatch(event: PushEvent) -> int:
    """Run the event's handlers; how many ran."""
    handlers = handlers_for(event.name)
    if not handlers:
        log.info("WeChat push %r: no handler registered, recorded only", event.name)
    for handler in handlers:
        handler(event)
    return len(handlers)
