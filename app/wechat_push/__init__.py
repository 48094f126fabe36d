"""The front door WeChat's servers knock on: message push (消息推送), /api/wechat/push.

Its own blueprint rather than part of miniprogram_api: the caller is WeChat's server, not the
mini-program; it authenticates by WeChat's signature over our shared Token (and, in secure mode,
AES encryption), not by a worker's bearer token; and a deployment can route or allow-list it apart.
The views parse and answer; app/wechat_push/service.py checks, records and dispatches to the
handlers the areas register in app/core/wechat_events.py."""

from __future__ import annotations


def register_wechat_push(app) -> None:
    from app.privacy import wechat_events  # noqa: F401  (registers the authorisation pushes' handlers)
    from app.wechat_push.views import bp

    app.register_blueprint(bp)
