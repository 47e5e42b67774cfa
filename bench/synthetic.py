"""Synthetic unit vectors shaped like sentence embeddings, for benchmarks at sizes
no public data set reaches here (100k, 1M claims).

Uniformly random 384-d unit vectors are all nearly orthogonal, and that is nothing
like real embeddings, which sit in topical clusters with a spread of distances. So
vectors are drawn around random cluster centres, each with its own amount of noise:
some near the centre (paraphrases), most further out. Generation is chunked and
seeded: the same call gives the same vectors.
"""

from __future__ import annotations

import numpy as np


def clustered_unit_vectors(count: int, dimension: int = 384, clusters: int = 2000, seed: int = 0,
                           chunk: int = 50_000):
    """Yield float32 blocks of unit vectors, ``chunk`` rows at a time, ``count`` in all."""
    rng = np.random.default_rng(seed)
    centres = _unit(rng.standard_normal((clusters, dimension)).astype(np.float32))
    made = 0
    while made < count:
        n = min(chunk, count - made)
        picks = rng.integers(0, clusters, n)
        noise = rng.uniform(0.2, 1.5, (n, 1)).astype(np.float32)
        block = centres[picks] + noise * _unit(rng.standard_normal((n, dimension)).astype(np.float32))
        yield _unit(block)
        made += n


def _unit(m: np.ndarray) -> np.ndarray:
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)
