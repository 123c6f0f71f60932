"""Which unit holds, handles or reviews a petition: the unit rules of the transition table."""

from __future__ import annotations

from xinfang.evaluation.models import Review
from xinfang.orgs.models import JURISDICTION_KINDS, OrgUnit, Role, UnitKind
from xinfang.petitions.models import Petition, PetitionClass, Status

from .co_handling import supports
from .models import Routing, RoutingAction
from .transitions import UnitRule

HANDLING_ROUTES = [RoutingAction.TRANSFER, RoutingAction.ASSIGN, RoutingAction.HANDLE_SELF]


def current_routing(petition: Petition) -> Routing | None:
    return (
        Routing.objects.filter(petition=petition, is_current=True, action__in=HANDLING_ROUTES)
        .select_related("to_unit", "from_unit")
        .order_by("-sent_at", "-id")
        .first()
    )


def assigning_routing(petition: Petition) -> Routing | None:
    """The current routing when it is an assignment (交办): its bureau reviews the result (process.md §3)."""
    routing = current_routing(petition)
    return routing if routing is not None and routing.action == RoutingAction.ASSIGN else None


def assigning_bureau(petition: Petition) -> OrgUnit | None:
    routing = assigning_routing(petition)
    return routing.from_unit if routing is not None else None


def extension_approving_unit(petition: Petition) -> OrgUnit | None:
    """Whose head approves an extension: the bureau that assigned the matter, else the responsible unit."""
    return assigning_bureau(petition) or petition.responsible_unit


def head_roles(unit: OrgUnit) -> tuple[str, ...]:
    """The roles of a unit's heads (负责人): a bureau's leaders too."""
    return (Role.UNIT_LEADER, Role.BUREAU_LEADER) if unit.kind == UnitKind.BUREAU else (Role.UNIT_LEADER,)


def awaiting_confirmation(petition: Petition) -> bool:
    """Whether an assigned matter's reported result waits for the assigning bureau's review."""
    routing = assigning_routing(petition)
    return petition.status == Status.REPLIED and routing is not None and routing.result_confirmed_at is None


def holder(petition: Petition) -> OrgUnit | None:
    """The unit that must decide what happens next before acceptance.

    Registered: the receiving unit, or the bureau a unit objected back to. Transferred or assigned: the unit
    it was sent to. After acceptance: the responsible unit.
    """
    if petition.status in (Status.TRANSFERRED, Status.ASSIGNED):
        routing = current_routing(petition)
        return routing.to_unit if routing else None
    if petition.status == Status.REGISTERED:
        objected = (
            Routing.objects.filter(petition=petition, objected_at__isnull=False)
            .select_related("from_unit")
            .order_by("-sent_at", "-id")
            .first()
        )
        return objected.from_unit if objected else petition.receiving_unit
    return petition.responsible_unit


def reviewing_unit(petition: Petition, reviews: dict | None = None) -> OrgUnit | None:
    """Who reviews (复查): the review's unit once requested, else one level above the original handling unit.
    ``reviews`` (from ``reviews_of``) saves the lookups when the caller has them."""
    review = _review(petition, "review", reviews)
    if review is not None:
        return review.unit
    return petition.responsible_unit.parent if petition.responsible_unit_id else None


def re_reviewing_unit(petition: Petition, reviews: dict | None = None) -> OrgUnit | None:
    """Who re-reviews (复核): one level above the reviewer."""
    re_review = _review(petition, "re_review", reviews)
    if re_review is not None:
        return re_review.unit
    review = _review(petition, "review", reviews)
    return review.unit.parent if review is not None else None


def reviews_of(petition: Petition) -> dict:
    """{level: Review} of the petition, in one query."""
    return {r.level: r for r in Review.objects.filter(petition=petition).select_related("unit__parent")}


def _review(petition: Petition, level: str, reviews: dict | None = None):
    if reviews is not None:
        return reviews.get(level)
    return Review.objects.filter(petition=petition, level=level).select_related("unit__parent").first()


def covers(bureau: OrgUnit, petition: Petition) -> bool:
    """A bureau covers petitions received by, or the responsibility of, a unit in its region."""
    if bureau.kind != UnitKind.BUREAU:
        return False
    prefix = bureau.region.prefix
    return petition.receiving_region_code.startswith(prefix) or bool(
        petition.responsible_region_code and petition.responsible_region_code.startswith(prefix)
    )


def acting_unit(rule: UnitRule, petition: Petition) -> OrgUnit | None:
    """The one unit a rule names for this petition now; None for the rules that admit any covering bureau."""
    resolve = {
        UnitRule.HOLDER: holder,
        UnitRule.HOLDING_BUREAU: holder,
        UnitRule.RESPONSIBLE: lambda p: p.responsible_unit,
        UnitRule.REVIEWING: reviewing_unit,
        UnitRule.RE_REVIEWING: re_reviewing_unit,
        UnitRule.ASSIGNING_BUREAU: assigning_bureau,
    }.get(rule)
    return resolve(petition) if resolve else None


def unit_may_act(rule: UnitRule, petition: Petition, unit: OrgUnit | None) -> bool:
    if unit is None:
        return False
    if rule == UnitRule.BUREAU_OVER:
        return covers(unit, petition)
    if rule == UnitRule.RESPONSIBLE_OR_BUREAU_OVER:
        return unit.pk == petition.responsible_unit_id or covers(unit, petition)
    if rule == UnitRule.SUPPORTING:
        return supports(petition, unit)
    expected = acting_unit(rule, petition)
    if expected is None or expected.pk != unit.pk:
        return False
    return rule != UnitRule.HOLDING_BUREAU or unit.kind == UnitKind.BUREAU


def is_accused(petition: Petition, unit: OrgUnit) -> bool:
    """Whether ``unit`` is the subject of this accusation, sits under it, or employs the accused person.

    An accusation must never be sent or shown to the accused unit or person (Arts. 30, 46).
    """
    if petition.petition_class != PetitionClass.ACCUSATION:
        return False
    if petition.subject_unit_id:
        if unit.pk == petition.subject_unit_id:
            return True
        # A unit's own sub-units are its staff; but everything is "under" a bureau or a party committee in
        # the routing tree without being part of it, so for those only the unit itself counts.
        if petition.subject_unit.kind not in JURISDICTION_KINDS:
            seen = set()
            current = unit.parent
            while current is not None and current.pk not in seen:
                if current.pk == petition.subject_unit_id:
                    return True
                seen.add(current.pk)
                current = current.parent
    person = petition.subject_person.strip()
    return bool(person) and unit.users.filter(full_name=person, is_active=True).exists()
