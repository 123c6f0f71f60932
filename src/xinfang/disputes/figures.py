"""Ledger figures for a region and period (docs/statistics.md, "Disputes"): found, closed by outcome, open,
mediations and agreements, escalations by level; the monthly ledger report by township and kind."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from xinfang.petitions.selectors import without_accusations_of

from .models import LEVEL_PATH, Dispute, DisputeStatus, Escalation, Mediation, Outcome

TOWNSHIP_DIGITS = 9  # GB/T 2260: a township's code is its county's six digits and three more


def found(start: dt.date, end: dt.date, region_prefix: str = ""):
    return Dispute.objects.filter(
        found_on__gte=start, found_on__lte=end, region_code__startswith=region_prefix
    )


def totals(
    start: dt.date, end: dt.date, region_prefix: str = "", *, unit=None, hidden_from: int | None = None
) -> dict:
    """Disputes found in the period, and what has become of them by now; the closing figures count those
    closed in the period, whenever found. ``unit``: only the disputes it handles now. A dispute linked to an
    accusation against the unit or ``hidden_from`` (the reader's unit) is left out."""
    base = Dispute.objects.filter(region_code__startswith=region_prefix)
    if unit is not None:
        base = base.filter(handling_unit=unit)
    base = without_accusations_of(base, (unit, hidden_from))
    closed_in = base.filter(closed_at__date__gte=start, closed_at__date__lte=end)
    closed = closed_in.aggregate(
        resolved=Count("id", filter=Q(outcome=Outcome.RESOLVED)),
        petition=Count("id", filter=Q(outcome=Outcome.PETITION)),
        legal_route=Count("id", filter=Q(outcome=Outcome.LEGAL_ROUTE)),
        total=Count("id"),
    )
    mediations = Mediation.objects.filter(
        dispute__in=base.values("pk"), mediated_on__gte=start, mediated_on__lte=end
    ).aggregate(total=Count("id"), agreed=Count("id", filter=Q(agreed=True)))
    escalated = dict(
        Escalation.objects.filter(dispute__in=base.values("pk"), at__date__gte=start, at__date__lte=end)
        .values_list("to_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "found": base.filter(found_on__gte=start, found_on__lte=end).count(),
        "open": base.filter(status=DisputeStatus.OPEN, found_on__lte=end).count(),
        "closed": closed["total"],
        "resolved": closed["resolved"],
        "entered_petition_procedure": closed["petition"],
        "directed_to_legal_route": closed["legal_route"],
        "mediations": mediations["total"],
        "mediation_agreements": mediations["agreed"],
        "escalations": {level.value: escalated.get(level.value, 0) for level in LEVEL_PATH[1:]},
    }


def township_kind_counts(start: dt.date, end: dt.date, region_prefix: str) -> dict[tuple[str, str], dict]:
    """(township code, kind) -> {found, resolved, petition, legal_route, open} for disputes found in the
    period: one grouped query. A dispute recorded at the county level itself has no township ('')."""
    rows = (
        found(start, end, region_prefix)
        .values("region_code", "kind", "status", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[tuple[str, str], dict] = {}
    for row in rows:
        code = row["region_code"]
        township = code[:TOWNSHIP_DIGITS] if len(code) >= TOWNSHIP_DIGITS else ""
        cell = out.setdefault(
            (township, row["kind"]), {"found": 0, "resolved": 0, "petition": 0, "legal_route": 0, "open": 0}
        )
        cell["found"] += row["n"]
        if row["status"] == DisputeStatus.OPEN:
            cell["open"] += row["n"]
        else:
            cell[row["outcome"]] += row["n"]
    return out
