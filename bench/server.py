"""Start the app as production runs it (gunicorn, PostgreSQL, Redis) on a fresh database."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("YIZHAN_BENCH_PG", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("YIZHAN_BENCH_REDIS", "redis://127.0.0.1:6379/0")
STAFF_USER, STAFF_PASSWORD = "bench.city", "bench-password-0123"


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    env: dict

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *map(int, children.read_text().split())] if children.exists() else []

    def worker_peaks_mib(self) -> list[float]:
        """Each worker's peak resident memory (VmHWM) so far."""
        return [_vm_hwm_kib(pid) / 1024 for pid in self.pids()[1:]] or [0.0]

    def peak_rss_mib(self) -> float:
        """Sum of the peak resident memory (VmHWM) of the master and its workers."""
        return sum(_vm_hwm_kib(pid) for pid in self.pids()) / 1024

    def login(self) -> str:
        r = requests.post(f"{self.base_url}/api/staff/v1/auth/login", json={"username": STAFF_USER, "password": STAFF_PASSWORD})
        r.raise_for_status()
        return r.json()["token"]


def _vm_hwm_kib(pid: int) -> int:
    with contextlib.suppress(FileNotFoundError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(
    workers: int = 2,
    env: dict | None = None,
    name: str | None = None,
    keep: bool = False,
    prepare=None,
    wsgi: str = "wsgi:app",
    log_path: str | None = None,
):
    """gunicorn on a fresh PostgreSQL database (migrated, reference data, one city staff
    account), in the production configuration unless `env` says otherwise.

    keep: the database is kept (created when missing, migrated) and left in place afterwards;
    `prepare(env)` runs after the migration and before gunicorn starts (a data load).
    wsgi: what gunicorn serves (the bench's main server adds a naive reference: bench/naive.py).
    log_path: keep the server's whole log there, access lines included (the privacy log scan)."""
    name = name or f"yizhan_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not keep and exists:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not keep or not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    port = _free_port()
    env = {
        **os.environ,
        "YIZHAN_ENV": "production",
        "FLASK_APP": "wsgi",
        "YIZHAN_SECRET_KEY": secrets.token_urlsafe(48),
        "YIZHAN_SIGN_SECRET": secrets.token_urlsafe(48),
        "YIZHAN_PUBLIC_BASE_URL": "https://yizhan.example.cn",
        # Production refuses the fake's credentials; these benchmarks make no WeChat call.
        "YIZHAN_WECHAT_APPID": "wxbench000000000",
        "YIZHAN_WECHAT_SECRET": "bench-secret-not-used-0123456789",
        "YIZHAN_DATABASE_URL": PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
        "YIZHAN_REDIS_URL": REDIS_URL,
        "YIZHAN_REDIS_KEY_PREFIX": name,
        "YIZHAN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        **(env or {}),
    }
    # The server's log goes to a file: a pipe could fill up and block a chatty server.
    with open(log_path, "w+b") if log_path else tempfile.TemporaryFile() as log:
        process = None
        try:
            # flask db upgrade, flask seed reference, flask staff create: in one process.
            subprocess.run([sys.executable, "-m", "bench.setup_db"], env=env, cwd=ROOT, check=True, capture_output=True)
            if prepare is not None:
                prepare(env)
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--access-logfile", "-" if log_path else "/dev/null", wsgi],
                env=env,
                cwd=ROOT,
                stdout=log if log_path else subprocess.DEVNULL,
                stderr=log,
            )
            base_url = f"http://127.0.0.1:{port}"
            _wait_healthy(base_url, process, log)
            yield Server(base_url, process, env)
        finally:
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
            if not keep:
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_healthy(base_url: str, process: subprocess.Popen, log, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode()[-2000:]}")
        with contextlib.suppress(requests.RequestException):  # refused or slow: not up yet
            if requests.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy in time")
