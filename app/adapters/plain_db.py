"""One SQL statement on a plain database connection, as its own transaction: the hot paths
(a check-in, a nearby search) are one statement each, so they skip the ORM session, BEGIN/COMMIT
and the pool's pre-ping (a round trip per request). A connection that turns out dead (the
database restarted since it was pooled) is thrown away and the statement tried once more on a
new one: the statements run here are safe to repeat (a check-in's second try finds its own visit
in the dedupe window).

A caller that bound the app's database to one connection inside a transaction (the test suite
rolls each test back that way) gets the statement run there instead, in a savepoint, so it sees
that transaction's rows and goes away with it."""

from __future__ import annotations

import psycopg
import sqlalchemy as sa


class PlainDatabase:
    def __init__(self) -> None:
        self._db = None
        self._engine: sa.Engine | None = None

    def init_app(self, app, db) -> None:
        self._db = db
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["pool_pre_ping"] = False
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        self._engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", **options) if url else None
        app.extensions["plain_db"] = self

    def one(self, sql: str, params: dict) -> tuple | None:
        """The statement's first row (psycopg's `%(name)s` parameters), committed."""
        return self._run(sql, params, lambda result: result.fetchone())

    def all(self, sql: str, params: dict) -> list[tuple]:
        """Every row of the statement, committed."""
        return self._run(sql, params, lambda result: result.fetchall())

    def _run(self, sql: str, params: dict, fetch):
        bound = self._db.engines[None]
        if isinstance(bound, sa.Connection):
            return self._in_outer_transaction(sql, params, fetch)
        for attempt in (1, 2):
            try:
                fairy = self._engine.raw_connection()
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:  # cannot connect: as the ORM reports it
                raise sa.exc.OperationalError(sql, None, exc) from exc
            try:
                rows = fetch(fairy.driver_connection.execute(sql, params))
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:  # the connection, not the statement
                fairy.invalidate()
                if attempt == 2:
                    raise sa.exc.OperationalError(sql, None, exc) from exc
                continue
            except BaseException:
                fairy.close()
                raise
            fairy.close()
            return rows
        return None  # not reached

    def _in_outer_transaction(self, sql: str, params: dict, fetch):
        session = self._db.session
        try:
            rows = fetch(session.connection().exec_driver_sql(sql, params))
        except sa.exc.DBAPIError as exc:
            session.rollback()
            raise exc.orig from exc
        session.commit()
        return rows
