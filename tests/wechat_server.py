"""The fake WeChat server as the tests run it: a real process on a free loopback port, and a
small client for its control API (/__control/, see fake_wechat/control.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 15  # seconds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(process: subprocess.Popen, base_url: str) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False  # exited: most likely the port was taken in the meantime
        try:
            requests.get(f"{base_url}__control/ping", timeout=0.5).raise_for_status()
            return True
        except requests.RequestException:
            time.sleep(0.05)
    return False


@contextmanager
def running_fake_wechat(attempts: int = 3):
    """Start `python -m fake_wechat` on a free port; yield its base URL ("http://127.0.0.1:N/")."""
    for _ in range(attempts):
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}/"
        process = subprocess.Popen(
            [sys.executable, "-m", "fake_wechat", "--host", "127.0.0.1", "--port", str(port), "--quiet"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            if _wait_until_up(process, base_url):
                yield base_url
                return
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    raise RuntimeError("the fake WeChat server did not start")


class FakeWeChat:
    """The control API, for tests: play the WeChat user and break WeChat on purpose."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def _control(self, method: str, path: str, **kwargs):
        response = self.http.request(method, f"{self.base_url}__control/{path}", timeout=5, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        self._control("POST", "reset")

    def login_code(self, openid: str, unionid: str | None = None, errcode: int | None = None) -> str:
        body = {"openid": openid, "unionid": unionid, "errcode": errcode}
        return self._control("POST", "codes", json={k: v for k, v in body.items() if v is not None})["code"]

    def set_verdict(self, text: str, suggest: str, label: int | None = None) -> None:
        self._control("POST", "verdicts", json={"text": text, "suggest": suggest, "label": label})

    def grant_consent(self, openid: str, template_id: str, count: int = 1) -> int:
        return self._control("POST", "consents", json={"openid": openid, "template_id": template_id, "count": count})["remaining"]

    def messages(self, openid: str | None = None) -> list[dict]:
        return self._control("GET", "messages", params={"openid": openid} if openid else None)["messages"]

    def fail(self, path: str, **fault) -> None:
        """fault: delay (s), errcode, status (HTTP), drop (bool), times (None: until reset)."""
        self._control("POST", "faults", json={"path": path, **fault})

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def end_tokens(self, how: str = "invalidate") -> None:
        self._control("POST", f"token/{how}")

    def advance_clock(self, seconds: float) -> None:
        self._control("POST", "clock", json={"advance": seconds})

    def stats(self) -> dict:
        return self._control("GET", "stats")

    def devtools(self, openid: str | None) -> None:
        """Codes the fake never minted (WeChat DevTools') log in as `openid`; None: refused."""
        self._control("PUT", "devtools", json={"openid": openid})
