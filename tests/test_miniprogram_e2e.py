"""The mini-program's end-to-end tests (miniprogram/tests/e2e, jest + miniprogram-simulate): the
real pages against the real backend — gunicorn on PostgreSQL + Redis, signing in through the fake
WeChat server. This module starts both on free ports, creates a district staff account, runs the
jest `e2e` project with their URLs in the environment, and stops them (by PID) afterwards."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.server import BIN, ROOT, running_app
from tests import services
from tests.conftest import RUN_ID
from tests.live import live_env

MINIPROGRAM = ROOT / "miniprogram"
JEST = MINIPROGRAM / "node_modules" / ".bin" / "jest"
STAFF_USER, STAFF_PASSWORD = "mp.e2e.fc", "mp-e2e-password-0123"


def run_e2e(fake_wechat: str, name: str, *jest_args: str) -> None:
    """The jest `e2e` project (with `jest_args`: which files) against gunicorn on a fresh
    database named `name`, with a district staff account of 涪城区."""
    if not JEST.exists():
        pytest.fail("miniprogram/node_modules is missing: run `cd miniprogram && npm ci` (make test does)")
    # Vant into src/miniprogram_npm/, as `npm test` and DevTools' 构建 npm do.
    subprocess.run(["node", "scripts/copy-npm.js"], cwd=MINIPROGRAM, check=True)
    env = live_env(fake_wechat, services.REDIS_TEST_URL)
    with running_app(workers=2, env=env, name=f"{RUN_ID}_{name}"[:63]) as server:
        account = ["--username", STAFF_USER, "--role", "district", "--district", "FC", "--name", "小程序测试", "--password", STAFF_PASSWORD]
        subprocess.run(
            [str(BIN / "flask"), "staff", "create", *account],
            env=server.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        result = subprocess.run(
            [str(JEST), "--selectProjects", "e2e", "--runInBand", "--ci", *jest_args],
            cwd=MINIPROGRAM,
            env={
                **os.environ,
                "YIZHAN_E2E_API": server.base_url,
                "YIZHAN_E2E_WECHAT": fake_wechat,
                "YIZHAN_E2E_STAFF_USER": STAFF_USER,
                "YIZHAN_E2E_STAFF_PASSWORD": STAFF_PASSWORD,
            },
            capture_output=True,
            text=True,
            timeout=900,
        )
    sys.stdout.write(result.stderr[-4000:])
    assert result.returncode == 0, f"jest e2e failed:\n{result.stdout[-6000:]}\n{result.stderr[-12000:]}"


# The e2e files that run in a pytest module of their own (tests/test_miniprogram_e2e_<name>.py).
OWN_MODULES = ("activities", "problems", "privacy")


def test_the_mini_program_against_the_backend(fake_wechat):
    run_e2e(fake_wechat, "miniprogram", "--testPathIgnorePatterns", f"tests/e2e/({'|'.join(OWN_MODULES)})")
