"""Which stations are near a point: Redis GEO when Redis is configured, an SQL bounding-box query
otherwise, and whenever Redis fails or its index is not ready.

Both paths give the same answer: the stations in service (built or plaqued: a planned one is not
there yet, a retired one no more) within the radius by the haversine distance from the
database's coordinates, nearest first and equally near ones by code. Redis only proposes
candidates; it stores positions as 52-bit geohash cells and measures on a slightly larger Earth,
so its own distances are never shown.

The Redis index is kept current by `stations_changed`, which the station services call after
every commit that creates, moves, builds or retires a station. When the index is missing (Redis
was restarted or flushed) it is rebuilt from the database under a short lock; it is also rebuilt
every GEO_INDEX_REFRESH_SECONDS, which bounds how long a change whose update failed (Redis down
at that moment) can stay missing. All keys share one hash tag, so they live in one Redis Cluster
slot.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import redis
import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.models.station import STATUS_BUILT, STATUS_PLAQUED, Station
from app.services.geo import distance_m

log = logging.getLogger(__name__)

METRES_PER_DEGREE = math.pi * 6371008.8 / 180  # of latitude, on the sphere distance_m uses
# Redis measures on a sphere of 6372797.56 m from cell centres up to ~0.6 m off: asking it for a
# little more than the radius keeps every station the exact distance would accept.
REDIS_RADIUS_FACTOR = 1.001
REDIS_RADIUS_EXTRA_M = 2.0
REDIS_COUNT_SLACK = 64  # candidates beyond the limit, for members the database no longer has
CHUNK = 5000  # rows per IN list and per GEOADD
# After Redis fails a query, this process answers from SQL for a while rather than wait out
# Redis's timeout on every search while it is down.
REDIS_PAUSE_SECONDS = 5.0
# After a change could not reach Redis, this process retries voiding the index this often until
# Redis answers: then every process rebuilds it from the database on its next query.
CATCH_UP_RETRY_SECONDS = 1.0
IN_SERVICE = Station.status.in_((STATUS_BUILT, STATUS_PLAQUED))


@dataclass(frozen=True)
class Hit:
    station_id: int
    code: str
    distance_m: float


class IndexNotReady(Exception):
    """The Redis index is missing and another process is rebuilding it."""


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(lat_min, lat_max, lng_min, lng_max) of a box a little larger than the circle; the exact
    distance then drops the corners. Longitude degrees shrink towards the pole: measured at the
    box's poleward edge, the box is wide enough everywhere."""
    d_lat = radius_m / METRES_PER_DEGREE * 1.01
    edge = min(89.9, abs(lat) + d_lat)
    d_lng = min(180.0, d_lat / math.cos(math.radians(edge)))
    return lat - d_lat, lat + d_lat, lng - d_lng, lng + d_lng


class GeoIndex:
    def __init__(self) -> None:
        self._redis_store = None
        self._db = None
        # A change this process could not write to Redis: its next query has the index rebuilt,
        # and a background thread voids the index as soon as Redis answers again, so the other
        # processes (which never saw the failure) rebuild it too.
        self._missed_change = False
        self._redis_paused_until = 0.0  # time.monotonic()
        self._catch_up_lock = threading.Lock()
        self._catch_up_thread: threading.Thread | None = None
        self._catch_up_pending = False

    def init_app(self, app, redis_store, db) -> None:
        self._redis_store, self._db = redis_store, db
        app.extensions["geo_index"] = self

    # -- keys -----------------------------------------------------------------------------------

    def _key(self, name: str) -> str:
        return self._redis_store.key("{geo}", "stations", name)

    def _client(self) -> redis.Redis | None:
        return self._redis_store.client if self._redis_store else None

    # -- queries --------------------------------------------------------------------------------

    def nearest(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Hit]:
        """Up to `limit` stations within `radius_m` metres of the point, nearest first."""
        if self._client() is None or time.monotonic() < self._redis_paused_until:
            return self.nearest_by_sql(lat, lng, radius_m, limit)
        try:
            return self.nearest_by_redis(lat, lng, radius_m, limit)
        except redis.RedisError:
            self._redis_paused_until = time.monotonic() + REDIS_PAUSE_SECONDS
            log.warning("geo index: Redis failed during a nearby query; answering from SQL", exc_info=True)
        except IndexNotReady:
            log.info("geo index: being rebuilt elsewhere; answering from SQL")
        return self.nearest_by_sql(lat, lng, radius_m, limit)

    def candidates(self, lat: float, lng: float, radius_m: float, limit: int) -> list[str] | None:
        """The codes Redis proposes for a search (a little more than the radius and the limit;
        the database has the last word), or None where the search must use the database's
        bounding box instead: no Redis, Redis failing, or its index being rebuilt elsewhere."""
        if self._client() is None or time.monotonic() < self._redis_paused_until:
            return None
        try:
            return self._redis_candidates(lat, lng, radius_m, limit)
        except redis.RedisError:
            self._redis_paused_until = time.monotonic() + REDIS_PAUSE_SECONDS
            log.warning("geo index: Redis failed during a nearby query; answering from SQL", exc_info=True)
        except IndexNotReady:
            log.info("geo index: being rebuilt elsewhere; answering from SQL")
        return None

    def nearest_by_sql(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Hit]:
        lat_min, lat_max, lng_min, lng_max = bounding_box(lat, lng, radius_m)
        in_box = sa.and_(Station.lat.between(lat_min, lat_max), Station.lng.between(lng_min, lng_max))
        return self._exact(lat, lng, radius_m, limit, in_box)

    def nearest_by_redis(self, lat: float, lng: float, radius_m: float, limit: int) -> list[Hit]:
        """Raises redis.RedisError, or IndexNotReady when it cannot be rebuilt right now."""
        codes = self._redis_candidates(lat, lng, radius_m, limit)
        if not codes:
            return []
        return self._exact(lat, lng, radius_m, limit, Station.code.in_(codes))

    def _redis_candidates(self, lat: float, lng: float, radius_m: float, limit: int) -> list[str]:
        client = self._client()
        self._ensure_ready(client)
        members = client.geosearch(
            self._key("index"),
            longitude=lng,
            latitude=lat,
            radius=radius_m * REDIS_RADIUS_FACTOR + REDIS_RADIUS_EXTRA_M,
            unit="m",
            sort="ASC",
            count=limit + REDIS_COUNT_SLACK,
        )
        return [m.decode() if isinstance(m, bytes) else m for m in members]

    def _exact(self, lat: float, lng: float, radius_m: float, limit: int, where) -> list[Hit]:
        # The database has the last word: a member Redis still holds for a station since retired
        # or moved is dropped, or measured where the station now is. Plain rows, not objects: a
        # dense area has many candidates, and only a page of them is shown.
        query = sa.select(Station.id, Station.code, Station.lat, Station.lng).where(where, IN_SERVICE)
        hits = [
            Hit(station_id, code, d)
            for station_id, code, s_lat, s_lng in self._db.session.execute(query)
            if (d := distance_m(lat, lng, s_lat, s_lng)) <= radius_m
        ]
        hits.sort(key=lambda h: (h.distance_m, h.code))
        return hits[:limit]

    def _ensure_ready(self, client: redis.Redis) -> None:
        if self._missed_change:
            client.delete(self._key("ready"))
            self._missed_change = False
        built_at = client.get(self._key("ready"))
        if built_at is not None and clock.now().timestamp() - float(built_at) < current_app.config["GEO_INDEX_REFRESH_SECONDS"]:
            return
        # Missing: nothing to answer from until rebuilt. Due for a refresh: the current index
        # still answers if another process is already refreshing it.
        if self.rebuild() is None and built_at is None:
            raise IndexNotReady()

    # -- upkeep ---------------------------------------------------------------------------------

    def stations_changed(self, codes: Iterable[str]) -> None:
        """Bring the Redis index in line with these stations as committed in the database: add or
        move the ones in service, remove the others (retired, or back to planned). Positions are
        read again after the commit, so of two quick moves the index keeps the last. Called after
        the commit; Redis trouble is logged and never raised, since the change itself is saved."""
        client = self._client()
        codes = list(dict.fromkeys(codes))
        if client is None or not codes:
            return
        positions = self._positions(codes)
        try:
            with client.pipeline(transaction=True) as pipe:
                added = [v for code in codes if code in positions for v in (*positions[code], code)]
                removed = [code for code in codes if code not in positions]
                if added:
                    pipe.geoadd(self._key("index"), added)
                if removed:
                    pipe.zrem(self._key("index"), *removed)
                pipe.incr(self._key("changes"))  # voids a rebuild that read the database before this
                pipe.execute()
        except redis.RedisError:
            self._missed_change = True
            log.warning("geo index: could not apply changes to %s; it will be rebuilt", codes[:10], exc_info=True)
            self._start_catch_up(client)

    def _start_catch_up(self, client: redis.Redis) -> None:
        with self._catch_up_lock:
            self._catch_up_pending = True
            if self._catch_up_thread is not None:
                return
            self._catch_up_thread = threading.Thread(target=self._catch_up, args=(client,), name="geo-index-catch-up", daemon=True)
            self._catch_up_thread.start()

    def _catch_up(self, client: redis.Redis) -> None:
        """Void the index once Redis answers again: every process then rebuilds it from the
        database, which has every change. Runs until a void follows the last missed change; the
        periodic rebuild (GEO_INDEX_REFRESH_SECONDS) still bounds the gap should this process die."""
        while True:
            time.sleep(CATCH_UP_RETRY_SECONDS)
            with self._catch_up_lock:
                self._catch_up_pending = False
            try:
                client.delete(self._key("ready"))
            except redis.RedisError:
                with self._catch_up_lock:
                    self._catch_up_pending = True
                continue
            with self._catch_up_lock:
                if self._catch_up_pending:  # another change failed meanwhile: void once more
                    continue
                self._catch_up_thread = None
            log.info("geo index: Redis is back; the index will be rebuilt from the database")
            return

    def _positions(self, codes: list[str]) -> dict[str, tuple[float, float]]:
        """(lng, lat) of the stations among `codes` that are in service."""
        out: dict[str, tuple[float, float]] = {}
        for chunk in _chunks(codes):
            query = sa.select(Station.code, Station.lng, Station.lat).where(Station.code.in_(chunk), IN_SERVICE)
            out.update((code, (lng, lat)) for code, lng, lat in self._db.session.execute(query))
        return out

    def rebuild(self) -> int | None:
        """Rebuild the Redis index from the database: the number of stations indexed, or None
        when another process holds the lock or a station changed meanwhile (the next query
        tries again). Raises redis.RedisError; without Redis there is nothing to build."""
        client = self._client()
        if client is None:
            return None
        lock = client.lock(self._key("lock"), timeout=current_app.config["GEO_INDEX_LOCK_SECONDS"], blocking=False)
        if not lock.acquire():
            return None
        try:
            return self._rebuild_locked(client)
        finally:
            try:
                lock.release()
            except redis.RedisError:  # expired under a very slow rebuild: someone else may hold it
                log.warning("geo index: rebuild lock was lost", exc_info=True)

    def _rebuild_locked(self, client: redis.Redis) -> int | None:
        index, scratch = self._key("index"), self._key("rebuild")
        with client.pipeline(transaction=True) as pipe:
            # Watched before reading the database: a change committed after the read bumps the
            # counter, and the stale rebuild is thrown away instead of replacing a current index.
            pipe.watch(self._key("changes"))
            rows = self._db.session.execute(sa.select(Station.lng, Station.lat, Station.code).where(IN_SERVICE)).all()
            client.delete(scratch)
            for chunk in _chunks(rows):
                client.geoadd(scratch, [v for row in chunk for v in row])
            pipe.multi()
            if rows:
                pipe.rename(scratch, index)
            else:
                pipe.delete(index)
            pipe.set(self._key("ready"), clock.now().timestamp())
            try:
                pipe.execute()
            except redis.WatchError:
                client.delete(scratch)
                log.info("geo index: a station changed during the rebuild; it will be retried")
                return None
        log.info("geo index: rebuilt with %d stations", len(rows))
        return len(rows)
