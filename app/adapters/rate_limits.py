"""Several rate limits counted in one storage call: the check-in's per-address and per-worker
limits (three fixed windows) cost one Redis round trip (one Lua script) instead of one each.

Semantics are Flask-Limiter's fixed window, which the rest of the app uses: a window starts with
its first hit and lasts the limit's period; limits are tried in order and counting stops at the
first one exceeded. The counters live in Flask-Limiter's own storage (Redis with REDIS_URL,
in-process memory without), under its key prefix, so `limiter.reset()` clears them too. When
Redis fails, counting goes on in process memory for a while (as Flask-Limiter's in-memory
fallback does) and Redis is tried again after REDIS_PAUSE_SECONDS."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import redis
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage

from app.core import clock

log = logging.getLogger(__name__)

REDIS_PAUSE_SECONDS = 5.0

# KEYS: the counters; ARGV: per key its period (seconds) then its amount. Returns 0 when every
# limit held, else the 1-based index of the first exceeded and that counter's seconds to live.
_HIT_ALL = """
for i, key in ipairs(KEYS) do
  local period = tonumber(ARGV[2 * i - 1])
  local amount = tonumber(ARGV[2 * i])
  local current = redis.call('incr', key)
  if current == 1 then
    redis.call('expire', key, period)
  end
  if current > amount then
    return {i, redis.call('ttl', key)}
  end
end
return {0, 0}
"""


@dataclass(frozen=True)
class Exceeded:
    limit: RateLimitItem
    retry_after: int  # seconds, at least 1


def limits_of(text: str) -> list[RateLimitItem]:
    """'20 per minute;200 per day' → its limits (Flask-Limiter's notation)."""
    return parse_many(text)


class CombinedLimits:
    def __init__(self, limiter) -> None:
        self._limiter = limiter  # Flask-Limiter's extension: its storage and key prefix
        self._script = None
        self._script_client = None
        self._memory = MemoryStorage()
        self._redis_paused_until = 0.0

    def hit(self, checks: list[tuple[RateLimitItem, str]]) -> Exceeded | None:
        """Count one hit on each (limit, identity) in order: the first limit exceeded, or None."""
        if not self._limiter.enabled or not checks:
            return None
        storage = self._limiter.storage
        keys = [self._key(limit, identity) for limit, identity in checks]
        if isinstance(storage, RedisStorage) and time.monotonic() >= self._redis_paused_until:
            try:
                return self._hit_redis(storage, checks, keys)
            except redis.RedisError:
                self._redis_paused_until = time.monotonic() + REDIS_PAUSE_SECONDS
                log.warning("rate limits: Redis failed; counting in process memory for now", exc_info=True)
            storage = self._memory
        elif isinstance(storage, RedisStorage):
            storage = self._memory
        return self._hit_storage(storage, checks, keys)

    def _key(self, limit: RateLimitItem, identity: str) -> str:
        prefix = self._limiter._key_prefix or ""
        return limit.key_for(prefix, identity) if prefix else limit.key_for(identity)

    def _hit_redis(self, storage: RedisStorage, checks, keys) -> Exceeded | None:
        client = storage.get_connection()
        if self._script is None or self._script_client is not client:
            self._script, self._script_client = client.register_script(_HIT_ALL), client
        args = [v for limit, _ in checks for v in (limit.get_expiry(), limit.amount)]
        index, ttl = self._script(keys=[storage.prefixed_key(k) for k in keys], args=args)
        if not index:
            return None
        limit = checks[int(index) - 1][0]
        return Exceeded(limit, max(1, int(ttl)) if int(ttl) > 0 else limit.get_expiry())

    @staticmethod
    def _hit_storage(storage, checks, keys) -> Exceeded | None:
        for (limit, _), key in zip(checks, keys, strict=True):
            if storage.incr(key, limit.get_expiry()) > limit.amount:
                retry_after = storage.get_expiry(key) - clock.now().timestamp()  # the storage's own clock
                return Exceeded(limit, max(1, math.ceil(retry_after)))
        return None
