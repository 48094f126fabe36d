"""End-to-end fixtures for the staff console: the app as production runs it (gunicorn on a fresh
PostgreSQL database, with Redis) on loopback, and Debian's Chromium driven headless by Playwright
(browsers cannot be downloaded here, so Playwright's own builds are never used). One browser for
the module; each staff member gets a fresh browser context.

Where Chromium is missing the tests are skipped with the reason, unless YIZHAN_REQUIRE_SERVICES=1
(CI), where they fail: `make install` installs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.server import running_app
from tests import services
from tests.live import live_env

CHROMIUM = os.environ.get("YIZHAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "e2e-password-0123"
STAFF = {"fc.e2e": ("district", "FC", "涪城区总工会"), "yx.e2e": ("district", "YX", "游仙区总工会"), "city.e2e": ("city", None, "市总工会")}


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright, headless. Closed before the server stops (the tests ask
    for the server first), so gunicorn has no browser connection to wait for when it stops."""
    if not Path(CHROMIUM).exists():  # `make test` installs it: missing is a failure, never a skip
        pytest.fail(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium (or set YIZHAN_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            # The browser is the user's machine: it keeps the real clock when the suite runs under
            # faketime (scripts/at_hour.sh), under which Chromium cannot even start.
            env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")},
        )
        yield browser
        browser.close()


def _create_staff(env: dict) -> None:
    """The staff accounts, written by this process straight to the server's database (as the
    factories write them): `flask staff create`, or another app here, would pay seconds for the
    app's start on a busy machine."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session
    from werkzeug.security import generate_password_hash

    from app.accounts.staff_models import StaffAccount
    from config.settings import _normalise_database_url  # psycopg 3, as the app connects

    password_hash = generate_password_hash(PASSWORD)
    engine = sa.create_engine(_normalise_database_url(env["YIZHAN_DATABASE_URL"]))
    try:
        with Session(engine) as session, session.begin():
            for username, (role, district, display) in STAFF.items():
                account = StaffAccount(username=username, password_hash=password_hash, display_name=display, role=role)
                account.district_code = district
                session.add(account)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def console_server(fake_wechat):
    """gunicorn (one worker) on a fresh PostgreSQL database with Redis; district and city staff."""
    env = live_env(fake_wechat, services.REDIS_TEST_URL)
    name = f"yizhan_e2e_{os.getpid()}"
    with running_app(workers=1, env=env, name=name) as server:
        _create_staff(server.env)
        yield server


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder, emptied of an earlier run's pictures (so what is there is this run's)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
