"""Fixed-window counters in the cache, shared by every app server when the cache is Redis (DSC-4, REP-3).

`hit()` counts one event and says whether it is still within the limit. The increment is atomic on both
caches Shuping uses: Redis `INCR`, and the locmem cache's own lock (one process only — a deployment with
several app servers configures `REDIS_URL` so the counters are shared). Keys carry no address, code or
token in clear: callers pass a keyed digest (`key_for`).
"""

from __future__ import annotations

from django.core.cache import cache

from shuping.core import crypto


def key_for(scope: str, value: str) -> str:
    """A cache key for counting `value` (an address, a box id) under `scope`, without storing `value`."""
    return f"rate:{scope}:{crypto.hmac_sm3('rate-limit/' + scope, value.encode()).hex()[:24]}"


def count(key: str, *, window: int) -> int:
    """Add one to the counter `key` (created for `window` seconds); return the new count."""
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: this is the first event of a new window
        cache.set(key, 1, timeout=window)
        return 1


def current(key: str) -> int:
    """The counter's value in the current window (0 when none)."""
    return int(cache.get(key, 0) or 0)


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event; True while the window holds no more than `limit` events (limit 0: no limit)."""
    counted = count(key, window=window)
    return not limit or counted <= limit
