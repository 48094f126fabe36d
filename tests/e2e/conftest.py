"""End-to-end fixtures for the staff console: the app as production runs it (gunicorn on a fresh
PostgreSQL database, with Redis) on loopback, and Debian's Chromium driven headless by Playwright
(browsers cannot be downloaded here, so Playwright's own builds are never used). One browser for
the whole run; each staff member gets a fresh browser context.

Where Chromium is missing the tests are skipped with the reason, unless YIZHAN_REQUIRE_SERVICES=1
(CI), where they fail: `make install` installs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.server import _flask, running_app
from tests import services
from tests.live import live_env

CHROMIUM = os.environ.get("YIZHAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PASSWORD = "e2e-password-0123"
STAFF = {"fc.e2e": ("district", "FC", "涪城区总工会"), "yx.e2e": ("district", "YX", "游仙区总工会"), "city.e2e": ("city", None, "市总工会")}


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright, headless."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: `make install` installs Debian's chromium"
        if services.services_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def console_server(fake_wechat):
    """gunicorn (one worker) on a fresh PostgreSQL database with Redis; district and city staff."""
    env = live_env(fake_wechat, services.REDIS_TEST_URL)
    name = f"yizhan_e2e_{os.getpid()}"
    with running_app(workers=1, env=env, name=name) as server:
        for username, (role, district, display) in STAFF.items():
            args = ["staff", "create", "--username", username, "--role", role, "--name", display, "--password", PASSWORD]
            _flask(server.env, *args, *(["--district", district] if district else []))
        yield server


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
