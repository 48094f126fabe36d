"""A cache of small binary values (mini-program code images): Redis when configured, else a
bounded in-process map. It is only a cache: any failure means a miss, never an error."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

import redis

log = logging.getLogger(__name__)


class BlobCache:
    def __init__(self, max_items: int = 512) -> None:
        self._redis_store = None
        self._local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_items = max_items

    def init_app(self, app, redis_store) -> None:
        self._redis_store = redis_store
        app.extensions["blob_cache"] = self

    def get(self, key: str) -> bytes | None:
        client = self._redis_store.client if self._redis_store else None
        if client is not None:
            try:
                return client.get(self._redis_store.key("blob", key))
            except redis.RedisError:
                log.warning("blob cache read failed; treating as a miss", exc_info=True)
        with self._lock:
            expires, value = self._local.get(key, (0.0, b""))
            return value if expires > time.monotonic() else None

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        client = self._redis_store.client if self._redis_store else None
        if client is not None:
            try:
                client.set(self._redis_store.key("blob", key), value, ex=ttl_seconds)
                return
            except redis.RedisError:
                log.warning("blob cache write failed; keeping it in this process", exc_info=True)
        with self._lock:
            self._local[key] = (time.monotonic() + ttl_seconds, value)
            self._local.move_to_end(key)
            while len(self._local) > self._max_items:
                self._local.popitem(last=False)
