"""The related-cases panel: what a registrar (or anyone reading a petition) should see before deciding that a
matter is new. Three sections, each read through ``visible_to`` (a petition the reader may not see — an
accusation against the reader's unit above all — is neither shown nor counted):

* the same person's earlier petitions (by ID number, else name + phone, through the petitioners' digests:
  the same rule as registration's ``petitions.matching``);
* the same category and issue region (the township, for a village) in the last ``XF_ASSIST_RECENT_WEEKS``;
* similar text (``similar``), concluded and terminated matters included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from xinfang import clock
from xinfang.orgs.models import PREFIX_LENGTH, Level, Region
from xinfang.petitions.identity import IdentityError, normalize_phone, validate_id_number
from xinfang.petitions.models import Category, Petition, Petitioner, digest_id_number, digest_phone
from xinfang.petitions.selectors import visible_to

from .similar import similar

SECTION_LIMIT = 10


@dataclass
class Query:
    summary: str = ""
    content: str = ""
    category: Category | None = None
    issue_region: Region | None = None
    id_number: str = ""
    name: str = ""
    phone: str = ""
    petition: Petition | None = None  # the petition whose page this is: itself never listed


@dataclass
class Row:
    petition: Petition
    matched: list[str] = field(default_factory=list)
    score: float | None = None


@dataclass
class Panel:
    person: list[Row]
    nearby: list[Row]
    similar: list[Row]
    person_searched: bool
    weeks: int


def _fetch(qs):
    return qs.select_related("category", "responsible_unit", "receiving_unit", "issue_region")


def person_ids(query: Query) -> tuple[list[int], bool]:
    """The petitioners the query names (whole identifiers only: a partial ID number or a name alone would
    let staff browse people) and whether it named anyone."""
    if query.petition is not None and not (query.id_number or query.phone):
        ids = list(query.petition.parties.values_list("petitioner_id", flat=True))
        return ids, True
    if query.id_number:
        try:
            digest = digest_id_number(validate_id_number(query.id_number))
        except IdentityError:
            return [], False
        return list(Petitioner.objects.filter(id_number_digest=digest).values_list("pk", flat=True)[:5]), True
    phone = normalize_phone(query.phone or "")
    if query.name and len(phone) >= 7:
        people = Petitioner.objects.filter(name=query.name.strip(), phone_digest=digest_phone(phone))
        return list(people.values_list("pk", flat=True)[:5]), True
    return [], False


def area_prefix(region: Region) -> str:
    """A village matter is looked for in its whole township; any other region by its own code."""
    if region.level == Level.VILLAGE:
        return region.code[: PREFIX_LENGTH[Level.TOWNSHIP]]
    return region.code


def panel(query: Query, reader) -> Panel:
    # A duplicate merged into another petition lives on in that one: listing it too would show one matter twice.
    scope = visible_to(reader).filter(merged_into__isnull=True)
    own = {query.petition.pk} if query.petition is not None else set()
    ids, searched = person_ids(query)
    person = []
    if ids:
        qs = (
            scope.filter(parties__petitioner_id__in=ids)
            .exclude(pk__in=own)
            .distinct()
            .order_by("-received_at")
        )
        person = [Row(p, ["同一信访人"]) for p in _fetch(qs)[:SECTION_LIMIT]]
    weeks = settings.XF_ASSIST_RECENT_WEEKS
    nearby = []
    if query.category is not None and query.issue_region is not None:
        since = clock.now() - dt.timedelta(weeks=weeks)
        prefix = area_prefix(query.issue_region)
        qs = (
            scope.filter(
                category=query.category, issue_region_code__startswith=prefix, received_at__gte=since
            )
            .exclude(pk__in=own)
            .order_by("-received_at")
        )
        where = "同一乡镇" if prefix != query.issue_region.code else "同一问题属地"
        nearby = [Row(p, ["同一问题分类", where]) for p in _fetch(qs)[:SECTION_LIMIT]]
    matches = similar(query.summary, query.content, among=scope, exclude=own)
    found = {p.pk: p for p in _fetch(Petition.objects.filter(pk__in=[m.petition_id for m in matches]))}
    similar_rows = [
        Row(found[m.petition_id], [f"文本相似（字片重合约{m.jaccard:.0%}）"], m.score)
        for m in matches
        if m.petition_id in found
    ]
    return Panel(person, nearby, similar_rows, searched, weeks)


def row_json(row: Row) -> dict:
    p = row.petition
    return {
        "id": p.pk,
        "number": p.registration_number,
        "summary": p.summary,
        "received_at": p.received_at.isoformat(),
        "concluded_at": p.concluded_at.isoformat() if p.concluded_at else None,
        "terminated_at": p.terminated_at.isoformat() if p.terminated_at else None,
        "status": p.status,
        "status_label": p.get_status_display(),
        "unit": p.responsible_unit.name if p.responsible_unit_id else p.receiving_unit.name,
        "matched": row.matched,
        "score": row.score,
    }


def panel_json(result: Panel) -> dict:
    return {
        "same_person": [row_json(r) for r in result.person],
        "same_category_region": [row_json(r) for r in result.nearby],
        "similar_text": [row_json(r) for r in result.similar],
        "recent_weeks": result.weeks,
    }
