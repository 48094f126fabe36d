"""Driving the fake WeChat's message push (fake_wechat/push.py) from tests, and an app served
over real HTTP for it to push to."""

from __future__ import annotations

import hashlib
import threading
from contextlib import contextmanager

import requests
from werkzeug.serving import make_server

from tests.wechat_server import FakeWeChat


class FakeWeChatPush(FakeWeChat):
    def configure_push(self, **config) -> dict:
        """url, token, aes_key, mode (plain | compatible | secure), format (json | xml)."""
        return self._control("POST", "push/config", json=config)

    def media_checks(self) -> list[dict]:
        return self._control("GET", "media_checks")["media_checks"]

    def push_media_verdict(self, trace_id: str, suggest: str, label: int | None = None) -> dict:
        body = {"suggest": suggest} | ({"label": label} if label is not None else {})
        return self._control("POST", f"media_checks/{trace_id}/verdict", json=body)

    def push_event(self, event: str, openid: str, revoke_info: int | None = None) -> dict:
        body = {"event": event, "openid": openid} | ({"revoke_info": revoke_info} if revoke_info is not None else {})
        return self._control("POST", "push/events", json=body)

    def pushes(self) -> list[dict]:
        return self._control("GET", "pushes")["pushes"]

    def access_token(self, appid: str = "wxfake0000000000", secret: str = "fake-secret") -> str:
        r = self.http.get(
            f"{self.base_url}cgi-bin/token", params={"grant_type": "client_credential", "appid": appid, "secret": secret}, timeout=5
        )
        return r.json()["access_token"]

    def media_check_async(self, body: dict, token: str | None = None) -> dict:
        """What the app's adapter will send (issue 18): POST wxa/media_check_async."""
        token = token or self.access_token()
        return self.http.post(f"{self.base_url}wxa/media_check_async", params={"access_token": token}, json=body, timeout=5).json()


def wechat_signature(token: str, *parts: str) -> str:
    return hashlib.sha1("".join(sorted([token, *parts])).encode()).hexdigest()


def replay(push: dict, body: str | None = None) -> requests.Response:
    """Send a push the fake recorded again (or its query with another body), as an attacker would."""
    content = push["body"] if body is None else body
    return requests.post(
        push["url"], params=push["query"], data=content.encode(), headers={"Content-Type": push["content_type"]}, timeout=5
    )


@contextmanager
def serving(app):
    """The app on werkzeug's threaded server on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def app_on_its_own_database(db_name: str, overrides: dict, *, reference_data: bool = False):
    """An app on a fresh, migrated database of its own, served over HTTP for the fake to push to
    (the session's database is inside the test's transaction, which a server thread cannot see);
    yields (app, base URL) and drops the database afterwards."""
    from tests.conftest import app_on_own_database

    with app_on_own_database(db_name, overrides, reference_data=reference_data) as (app, _), serving(app) as base_url:
        yield app, base_url
