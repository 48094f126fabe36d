"""Workers for the load runs: inserted with COPY (not through WeChat sign-in), each with a
token minted as the app does."""

from __future__ import annotations

import psycopg

from bench.server import Server


def worker_tokens(server: Server, count: int, tag: str) -> list[str]:
    """Workers inserted with COPY (not through WeChat sign-in), with tokens minted as the app does."""
    from itsdangerous import URLSafeTimedSerializer

    from app.accounts import tokens

    with psycopg.connect(server.env["YIZHAN_DATABASE_URL"].replace("+psycopg", "")) as conn:
        with conn.cursor().copy("COPY workers (openid, created_at, last_seen_at) FROM STDIN") as copy:
            for n in range(count):
                copy.write_row((f"o-bench-{tag}-{n:07d}", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
        ids = [row[0] for row in conn.execute("SELECT id FROM workers WHERE openid LIKE %s ORDER BY id", (f"o-bench-{tag}-%",))]
        # They have consented to the latest privacy notice: their check-ins may carry a location.
        conn.execute(
            "INSERT INTO privacy_consents (worker_id, notice_version, feature, given_at)"
            " SELECT id, (SELECT max(version) FROM privacy_notices), 'location', now() FROM workers WHERE openid LIKE %s",
            (f"o-bench-{tag}-%",),
        )
    # The same format and salt as app.accounts.tokens: the bench signs what the app will accept.
    serializer = URLSafeTimedSerializer(server.env["YIZHAN_SECRET_KEY"], salt=tokens.WORKER)
    return [serializer.dumps({"wid": wid}) for wid in ids]
