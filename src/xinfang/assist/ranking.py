"""How a candidate is scored against the text being registered (pure; thresholds justified in docs/assist.md)."""

from __future__ import annotations

from rapidfuzz import fuzz

from . import minhash
from .text import compact

# Below this score a candidate is not shown as similar. On tests/assist's pairs the colliding paraphrases
# scored 0.176–0.399 and the colliding hard negatives 0.052–0.171 (docs/assist.md): a threshold at 0.15 keeps
# every paraphrase found and shows one negative in 44 — a look for the registrar, cheaper than a missed repeat.
MIN_SCORE = 0.15
JACCARD_WEIGHT = 0.6  # the rest is the character ratio: it rewards the same words in the same order


def score(jaccard: float, ratio: float) -> float:
    return round(JACCARD_WEIGHT * jaccard + (1 - JACCARD_WEIGHT) * ratio, 4)


def ratio(text_a: str, text_b: str) -> float:
    """rapidfuzz's normalised Indel similarity of the compacted texts, 0..1."""
    return fuzz.ratio(compact(text_a), compact(text_b)) / 100


def estimate(values_a, values_b) -> float:
    return minhash.jaccard(values_a, values_b)
