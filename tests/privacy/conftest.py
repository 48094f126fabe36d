from __future__ import annotations

import pytest

from app.core import clock as app_clock
from tests.privacy.world import Clock, china


@pytest.fixture
def clock(monkeypatch):
    """The app's clock, pinned (and moved by the world's scans): 2026-06-01 10:00 China time."""
    c = Clock(china(2026, 6, 1, 10, 0))
    monkeypatch.setattr(app_clock, "now", lambda: c.now)
    return c
