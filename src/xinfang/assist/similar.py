"""Petitions whose text is like a given text: LSH band collisions, then the estimated Jaccard similarity of
the signatures and a character-level ratio (rapidfuzz) over the candidates.

``similar(summary, content, among=...)`` is one query for the colliding petitions (grouped by petition, the
most collisions first, at most ``CANDIDATES``), one for those inside ``among`` (a ``visible_to`` queryset: a
candidate the reader may not see is neither shown nor counted) and one for their signatures and text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from rapidfuzz import fuzz

from . import minhash
from .models import SignatureBand, TextSignature
from .ranking import MIN_SCORE, score
from .text import compact, petition_text, shingles

CANDIDATES = 200  # the most-colliding petitions re-ranked exactly
LIMIT = 5


@dataclass(frozen=True)
class Match:
    petition_id: int
    score: float
    jaccard: float
    ratio: float


def similar(
    summary: str,
    content: str,
    *,
    among=None,
    exclude: set[int] | None = None,
    limit: int = LIMIT,
    min_score: float = MIN_SCORE,
) -> list[Match]:
    text = petition_text(summary, content)
    values = minhash.signature(shingles(text))
    if minhash.is_empty(values):
        return []
    condition = Q()
    for band, value in minhash.bands(values):
        condition |= Q(band=band, hash=value)
    collisions = SignatureBand.objects.filter(condition)
    if exclude:
        collisions = collisions.exclude(petition_id__in=exclude)
    top = list(
        collisions.values("petition_id")
        .annotate(hits=Count("id"))
        .order_by("-hits", "-petition_id")
        .values_list("petition_id", flat=True)[:CANDIDATES]
    )
    if among is not None and top:
        # The scope is applied to the candidates, not inside the collision query: a reader's scope is a large
        # share of all petitions, and IN (their keys) there would read it whole on every keystroke.
        top = list(among.filter(pk__in=top).values_list("pk", flat=True))
    if not top:
        return []
    target = compact(text)
    rows = TextSignature.objects.filter(petition_id__in=top).values_list(
        "petition_id", "values", "petition__summary", "petition__content"
    )
    matches = []
    for pk, stored, other_summary, other_content in rows:
        j = minhash.jaccard(values, minhash.from_bytes(stored))
        r = fuzz.ratio(target, compact(petition_text(other_summary, other_content))) / 100
        s = score(j, r)
        if s >= min_score:
            matches.append(Match(pk, s, round(j, 4), round(r, 4)))
    matches.sort(key=lambda m: (-m.score, -m.petition_id))
    return matches[:limit]


def score_against(summary: str, content: str, petition_ids: list[int]) -> dict[int, Match]:
    """The same score for petitions chosen by other means (the same person's): no LSH, no threshold."""
    text = petition_text(summary, content)
    values = minhash.signature(shingles(text))
    target = compact(text)
    rows = TextSignature.objects.filter(petition_id__in=petition_ids).values_list(
        "petition_id", "values", "petition__summary", "petition__content"
    )
    out = {}
    for pk, stored, other_summary, other_content in rows:
        j = 0.0 if minhash.is_empty(values) else minhash.jaccard(values, minhash.from_bytes(stored))
        r = fuzz.ratio(target, compact(petition_text(other_summary, other_content))) / 100
        out[pk] = Match(pk, score(j, r), round(j, 4), round(r, 4))
    return out
