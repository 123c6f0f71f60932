"""Petitions whose text is like a given text: LSH band collisions, then the estimated Jaccard similarity of
the signatures and a character-level ratio (rapidfuzz) over the candidates.

``similar(summary, content, among=...)`` is one query for the colliding petitions (grouped by petition, the
most collisions first, at most ``CANDIDATES``), one for those inside ``among`` (a ``visible_to`` queryset: a
candidate the reader may not see is neither shown nor counted) one for their signatures and one for the texts of the best of them;
and one for the petitions whose signature the worker has not written yet (``petitions.deferral``), compared
from their own text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from rapidfuzz import fuzz

from xinfang.petitions.models import DeferredWork, Petition

from . import minhash
from .models import SignatureBand, TextSignature
from .ranking import MIN_SCORE, score
from .text import compact, petition_text, shingles

CANDIDATES = 200  # the most-colliding petitions whose signatures are compared
PER_BAND = 50  # petitions read from each band's bucket, newest first
RERANK = 25  # the best of those by estimated Jaccard, compared character by character too
LIMIT = 5
WAITING = 200  # petitions still waiting for their signature, compared from their text


@dataclass(frozen=True)
class Match:
    petition_id: int
    score: float
    jaccard: float
    ratio: float


def _collision_sql(excluded: int) -> str:
    """One branch per band, each reading at most ``PER_BAND`` petitions of its bucket (the newest, straight off
    the (band, hash, petition) index), then the petitions counted across branches. The cap bounds the work
    whatever the corpus: a bucket of thousands (the same boilerplate text filed again and again) costs no
    more than one of fifty, and a true paraphrase shares rarer bands too. Written out rather than built from
    Q objects: compiling 128 of those cost more than running the query."""
    table = connection.ops.quote_name(SignatureBand._meta.db_table)
    branch = (
        f"SELECT petition_id FROM (SELECT petition_id FROM {table} WHERE band = %s AND hash = %s "  # nosec B608
        f"ORDER BY petition_id DESC LIMIT {PER_BAND}) AS b{{n}}"
    )
    union = " UNION ALL ".join(branch.format(n=n) for n in range(minhash.BANDS))
    extra = f" WHERE petition_id NOT IN ({', '.join(['%s'] * excluded)})" if excluded else ""
    return (
        f"SELECT petition_id FROM ({union}) AS c{extra} "  # nosec B608
        f"GROUP BY petition_id ORDER BY COUNT(*) DESC, petition_id DESC LIMIT {CANDIDATES}"
    )


def _collision_sql_postgres() -> str:
    """The same on PostgreSQL as one LATERAL join over the 128 (band, hash) pairs: planning 128 UNION branches
    cost more there than running them."""
    table = connection.ops.quote_name(SignatureBand._meta.db_table)
    return (
        "SELECT b.petition_id FROM unnest(%s::smallint[], %s::bigint[]) AS q(band, hash) "
        f"CROSS JOIN LATERAL (SELECT petition_id FROM {table} AS t WHERE t.band = q.band "  # nosec B608
        f"AND t.hash = q.hash ORDER BY petition_id DESC LIMIT {PER_BAND}) AS b "
        "WHERE NOT (b.petition_id = ANY(%s::bigint[])) "
        f"GROUP BY b.petition_id ORDER BY COUNT(*) DESC, b.petition_id DESC LIMIT {CANDIDATES}"
    )


def _colliding(values, exclude: set[int]) -> list[int]:
    """The petitions sharing the most LSH bands with ``values``: the (band, hash) index answers each band."""
    pairs = minhash.bands(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            bands, hashes = [b for b, _ in pairs], [h for _, h in pairs]
            cursor.execute(_collision_sql_postgres(), [bands, hashes, sorted(exclude)])
        else:
            params = [part for pair in pairs for part in pair] + sorted(exclude)
            cursor.execute(_collision_sql(len(exclude)), params)
        return [row[0] for row in cursor.fetchall()]


def _waiting(among, exclude: set[int]) -> list[tuple[int, str, str, object]]:
    """The petitions registered a moment ago whose signature the worker has not written yet
    (``petitions.deferral``), with a signature made from their text now: one query, usually answering
    nothing. The newest ``WAITING`` of them (a worker that has been down for long: the rest wait)."""
    qs = Petition.objects.all() if among is None else among
    rows = (
        qs.filter(pk__in=DeferredWork.objects.values("petition_id"))
        .exclude(pk__in=exclude)
        .order_by("-pk")
        .values_list("pk", "summary", "content")[:WAITING]
    )
    return [(pk, s, c, minhash.signature(shingles(petition_text(s, c)))) for pk, s, c in rows]


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
    top = _colliding(values, exclude or set())
    if among is not None and top:
        # The scope is applied to the candidates, not inside the collision query: a reader's scope is a large
        # share of all petitions, and IN (their keys) there would read it whole on every keystroke.
        top = list(among.filter(pk__in=top).order_by().values_list("pk", flat=True))
    # The estimated Jaccard for every candidate (numpy over the stored minima), the character ratio only for
    # the best ``RERANK`` of them: normalising a text costs more than comparing two signatures.
    stored = (
        TextSignature.objects.filter(petition_id__in=top).values_list("petition_id", "values") if top else []
    )
    estimates = [(minhash.jaccard(values, minhash.from_bytes(v)), pk) for pk, v in stored]
    texts = {}
    for pk, other_summary, other_content, other in _waiting(among, exclude or set()):
        # A candidate as the stored bands would have made it: only if it shares a band.
        if not minhash.is_empty(other) and set(minhash.bands(values)) & set(minhash.bands(other)):
            estimates.append((minhash.jaccard(values, other), pk))
            texts[pk] = (other_summary, other_content)
    if not estimates:
        return []
    estimates = sorted(estimates, reverse=True)[:RERANK]
    wanted = [pk for _, pk in estimates if pk not in texts]
    rows = Petition.objects.filter(pk__in=wanted).values_list("pk", "summary", "content") if wanted else []
    texts |= {pk: (summary_, content_) for pk, summary_, content_ in rows}
    target = compact(text)
    matches = []
    for j, pk in estimates:
        other_summary, other_content = texts.get(pk, ("", ""))
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
