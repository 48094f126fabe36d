"""A test client signed in to the staff console the way a browser is: the sign-in form, the
session cookie, and the CSRF token every form carries."""

from __future__ import annotations

import re

from tests.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FIELD_ERROR = re.compile(r'class="field-error" data-field="([\w-]+)">([^<]+)<')
FLASH = re.compile(r'<div class="flash (\w+)"[^>]*>([^<]+)</div>')


def forget_csrf() -> None:
    """Flask-WTF keeps the session's token in `g`; the tests' app context outlives a request,
    so a second client would otherwise be shown the first one's token."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("csrf_token", None)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def field_errors(html: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, message in FIELD_ERROR.findall(html):
        out.setdefault(name, []).append(message)
    return out


def flashes(html: str) -> list[tuple[str, str]]:
    return FLASH.findall(html)


class Console:
    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def sign_in(self, username: str, password: str = PASSWORD):
        forget_csrf()
        page = self.client.get("/console/login")
        r = self.client.post("/console/login", data={"username": username, "password": password, "csrf_token": csrf_of(page.text)})
        if r.status_code == 302:
            forget_csrf()
            self.token = csrf_of(self.client.get("/console/").text)
        return r

    def get(self, url: str, **kwargs):
        forget_csrf()
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, **kwargs):
        forget_csrf()
        body = {"csrf_token": self.token, **(data or {})}
        return self.client.post(url, data=body, **kwargs)

    def follow(self, r):
        assert r.status_code == 302, (r.status_code, r.text[:500])
        return self.get(r.location)


def console_as(app, staff) -> Console:
    console = Console(app.test_client())
    r = console.sign_in(staff.username)
    assert r.status_code == 302, r.text[:500]
    return console
