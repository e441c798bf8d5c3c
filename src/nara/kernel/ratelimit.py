"""Token-bucket rate limits kept in process memory (one bucket per key, e.g. per OAuth client).

Each process keeps its own buckets, so N worker processes allow up to N times the rate; a deployment
with several workers would move the buckets to Redis behind the same ``allow`` call.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, per_minute: int, *, now: float | None = None) -> bool:
        """Whether one more request under ``key`` fits ``per_minute`` (bursts up to a minute's worth)."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(per_minute), moment)
            refill = (moment - bucket.updated) * per_minute / 60.0
            bucket.tokens = min(float(per_minute), bucket.tokens + refill)
            bucket.updated = moment
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True

    def reset(self, key: str) -> None:
        with self._lock:
            self._buckets.pop(key, None)
