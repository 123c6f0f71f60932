"""MinHash signatures and their LSH bands (datasketch's MinHash, one permutation set for the whole process).

256 permutations, cut into 128 bands of 2 rows: two texts whose n-gram sets have Jaccard similarity s share
at least one band with probability 1 - (1 - s²)¹²⁸ — 0.84 at s = 0.12, 0.97 at s = 0.17, where real
paraphrase pairs were found; bands of 3 rows missed such pairs. The estimated Jaccard (the share of equal
minima) then ranks the candidates.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHash

NUM_PERM = 256
ROWS = 2
BANDS = NUM_PERM // ROWS
SEED = 1  # fixed: signatures written years apart must stay comparable; changing it means rebuild-signatures
DTYPE = np.dtype("<u4")


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")


def signature(shingles: set[str]) -> np.ndarray:
    """The 256 minima (uint32) of the shingle set; an empty set gives the all-max signature (matches none)."""
    template = _template()
    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=template.permutations, scheme="affine32")
    if shingles:
        m.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return np.asarray(m.hashvalues, dtype=DTYPE)


def to_bytes(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype=DTYPE).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=DTYPE)


def is_empty(values: np.ndarray) -> bool:
    return bool((values == np.iinfo(DTYPE).max).all())


def bands(values: np.ndarray) -> list[tuple[int, int]]:
    """(band, hash) per band: the band's two 32-bit minima side by side, as a signed 64-bit integer (the
    column type both databases have), so no further hashing is needed and no two bands' values collide."""
    pairs = np.asarray(values, dtype=np.uint64).reshape(BANDS, ROWS)
    joined = (pairs[:, 0] << np.uint64(32)) | pairs[:, 1]
    signed = joined.view(np.int64)
    return list(enumerate(signed.tolist()))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity: the share of permutations whose minima agree."""
    return float(np.count_nonzero(a == b)) / NUM_PERM
