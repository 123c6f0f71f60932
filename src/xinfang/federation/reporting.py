"""Reporting up (docs/federation.md "Reporting up"): a lower instance tells the instance above what its own
statistics read for a matter the upper one sent it, and the upper one keeps it for its ranking of the lower
jurisdictions (``stats.peer_figures``).

The lower instance's facts of a matter are the rows its own ``xinfang stats --region <its region>`` reads:
the deadlines and ratings of its units inside the region of the unit the matter was sent to, and the
petition's intake columns as registered there. They travel as ``facts`` with every event sent up, and as a
``report`` event after any other change (an assignment inside the county, a rework arriving from above), so
the upper copy is the lower one's as of its latest change. What moves without a change (an open period
passing its last day) needs no report: the figures judge an open row by the as-of day on both sides.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xinfang import clock
from xinfang.evaluation.models import Rating
from xinfang.orgs.models import OrgUnit, Region
from xinfang.petitions.models import Petition
from xinfang.stats import peer_figures
from xinfang.stats.scope import code_within
from xinfang.workflow.models import Deadline, Routing

from . import registry
from .models import (
    LinkDirection,
    OutboxEvent,
    Peer,
    RemoteLink,
    ReportedDeadline,
    ReportedMatter,
    ReportedRating,
    ReportedUnit,
)

# Event types that are no transition (outbox.EVENT_TYPES): a lower instance's facts after a change sent
# nowhere else, and a skip-level visit notified to the peer whose jurisdiction it concerns (visits).
REPORT = "report"
SKIP_LEVEL_VISIT = "skip_level_visit"
MATTER_FIELDS = (
    "channel",
    "visit_level",
    "source",
    "source_level",
    "source_action",
    "person_count",
    "is_collective",
    "status",
)


class BadFacts(ValueError):
    """Facts that cannot be stored; the message is the Chinese reason the event is quarantined with."""


def jurisdiction(petition: Petition, peer: Peer) -> Region | None:
    """The region this instance answers for on a matter from ``peer``: that of the unit the peer sent it to."""
    routing = (
        Routing.objects.filter(petition=petition, from_unit__code__in=peer.unit_codes)
        .select_related("to_unit__region")
        .order_by("pk")
        .first()
    )
    return routing.to_unit.region if routing is not None else None


def facts(petition: Petition, peer: Peer) -> dict | None:
    """This instance's statistics facts of ``petition`` for ``peer`` (the instance that sent it here)."""
    region = jurisdiction(petition, peer)
    if region is None:
        return None
    inside = code_within("unit__region__code", region.prefix)
    units: dict[str, dict] = {}

    def unit(row) -> str:
        units.setdefault(row.unit.code, {"name": row.unit.name, "kind": row.unit.kind})
        return row.unit.code

    deadlines = [
        {
            "unit": unit(d),
            "stage": d.stage,
            "rating_target": d.rating_target,
            "counts": d.counts,
            "due_on": d.due_on.isoformat(),
            "status": d.status,
            "done_at": d.done_at.isoformat() if d.done_at else None,
        }
        for d in Deadline.objects.filter(Q(petition=petition) & inside).select_related("unit").order_by("pk")
    ]
    ratings = [
        {"unit": unit(r), "target": r.target, "rating": r.rating, "rated_at": r.rated_at.isoformat()}
        for r in Rating.objects.filter(Q(petition=petition) & inside).select_related("unit").order_by("pk")
    ]
    matter = {name: getattr(petition, name) for name in MATTER_FIELDS}
    matter["received_at"] = petition.received_at.isoformat()
    return {
        "region": region.code,
        "matter": matter,
        "units": units,
        "deadlines": deadlines,
        "ratings": ratings,
    }


def _instant(value, what: str) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise BadFacts(f"报送的{what}无效：{value}。") from None
    if at.tzinfo is None:
        raise BadFacts(f"报送的{what}须带时区：{value}。")
    return at


def _day(value) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise BadFacts(f"报送的期满日无效：{value}。") from None


def store(peer: Peer, petition: Petition, data) -> None:
    """Replace what ``peer`` reported for ``petition`` (a sent-down matter) with ``data``; raises ``BadFacts``
    (the caller's transaction rolls everything back) when it is malformed."""
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), t) for k, t in (("matter", dict), ("units", dict), ("deadlines", list))
    ):
        raise BadFacts("报送的统计事实格式不正确。")
    if not RemoteLink.objects.filter(peer=peer, petition=petition, direction=LinkDirection.TO_PEER).exists():
        raise BadFacts("该事项不是交给对端办理的事项，不接收其统计事实。")
    matter = data["matter"]
    try:
        values = {name: matter[name] for name in MATTER_FIELDS}
        values["person_count"] = int(values["person_count"])
    except (KeyError, TypeError, ValueError):
        raise BadFacts("报送的事项登记信息不完整。") from None
    units = {}
    for code, about in data["units"].items():
        if not isinstance(about, dict) or not about.get("kind"):
            raise BadFacts(f"报送的单位“{code}”缺少类型。")
        units[code], _ = ReportedUnit.objects.update_or_create(
            peer=peer,
            code=str(code)[:40],
            defaults={"name": str(about.get("name", ""))[:100], "kind": about["kind"]},
        )
    ReportedMatter.objects.update_or_create(
        peer=peer,
        petition=petition,
        defaults={
            **values,
            "region_code": str(data.get("region", ""))[:12],
            "received_at": _instant(matter.get("received_at"), "登记时间"),
            "reported_at": clock.now(),
        },
    )
    ReportedDeadline.objects.filter(peer=peer, petition=petition).delete()
    ReportedRating.objects.filter(peer=peer, petition=petition).delete()
    try:
        ReportedDeadline.objects.bulk_create(
            ReportedDeadline(
                peer=peer,
                petition=petition,
                unit=units[d["unit"]],
                stage=d["stage"],
                rating_target=d.get("rating_target") or "",
                counts=bool(d.get("counts", True)),
                due_on=_day(d["due_on"]),
                status=d["status"],
                done_at=_instant(d["done_at"], "完成时间") if d.get("done_at") else None,
            )
            for d in data["deadlines"]
        )
        ReportedRating.objects.bulk_create(
            ReportedRating(
                peer=peer,
                petition=petition,
                unit=units[r["unit"]],
                target=r["target"],
                rating=r["rating"],
                rated_at=_instant(r["rated_at"], "评价时间"),
            )
            for r in data.get("ratings") or []
        )
    except (KeyError, TypeError):
        raise BadFacts("报送的期限或评价缺少必要项。") from None


def peer_rows(kids: list[Region]) -> dict[str, peer_figures.PeerRows]:
    """For each child region served by an active peer (a unit standing for the peer lies inside it): the
    rows that peer reported for the matters sent to it. Registered with ``stats.peer_figures``."""
    peers = registry.active()  # a cache hit: a single instance pays nothing for the seam
    if not peers:
        return {}
    regions: dict[str, set[int]] = {}
    codes = {code: peer.id for peer in peers for code in peer.codes}
    for code, region_code in OrgUnit.objects.filter(code__in=codes).values_list("code", "region__code"):
        regions.setdefault(region_code, set()).add(codes[code])
    result = {}
    for kid in kids:
        served = {pk for code, pks in regions.items() if code.startswith(kid.prefix) for pk in pks}
        if served:
            notified = OutboxEvent.objects.filter(peer_id__in=served, type=SKIP_LEVEL_VISIT).values(
                "petition"
            )
            sent = RemoteLink.objects.filter(peer_id__in=served, direction=LinkDirection.TO_PEER)
            result[kid.prefix] = peer_figures.PeerRows(
                matters=ReportedMatter.objects.filter(peer_id__in=served),
                deadlines=ReportedDeadline.objects.filter(peer_id__in=served),
                ratings=ReportedRating.objects.filter(peer_id__in=served),
                # Visits registered here and notified to the peer, not sent down since: the peer counts them.
                notified=Petition.objects.filter(pk__in=notified).exclude(pk__in=sent.values("petition")),
            )
    return result
