"""Reading petitions. Every list, detail, export and API endpoint goes through `visible_to`.

Scope (process.md §1, §11):
- staff of a bureau or a party/government leadership unit see every petition received by, or now the
  responsibility of, a unit inside their region;
- staff of any other unit see petitions their unit received or is responsible for, and what the scopes other
  apps register add (``register_unit_scope``: the workflow adds the petitions sent to the unit); without one,
  they see only the first two;
- an accusation is never visible to the unit it accuses (Arts. 30, 46), whatever the above says;
- superusers without a unit see everything (system administration).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

from django.db.models import Q, QuerySet
from django.http import Http404

from xinfang.orgs.models import OrgUnit

from .models import Petition, PetitionClass

# What else a unit outside the jurisdiction kinds sees: ``fn(unit)`` returns a Q (or a boolean expression such
# as ``Exists``) over Petition that is ORed into its scope. Filled by the apps above, in their ``ready()``.
unit_scopes: list[Callable] = []


def register_unit_scope(scope: Callable) -> Callable:
    if scope not in unit_scopes:
        unit_scopes.append(scope)
    return scope


def visible_to(user, queryset: QuerySet[Petition] | None = None) -> QuerySet[Petition]:
    qs = Petition.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    unit = user.unit
    if unit is None:
        return qs if user.is_superuser else qs.none()
    if unit.sees_jurisdiction:
        prefix = unit.region.prefix
        scope = Q(receiving_region_code__startswith=prefix) | Q(responsible_region_code__startswith=prefix)
        if not prefix:  # national level: everything
            scope = Q()
    else:
        scope = Q(receiving_unit=unit) | Q(responsible_unit=unit)
        for scope_of in unit_scopes:
            scope |= scope_of(unit)
    return qs.filter(scope).exclude(petition_class=PetitionClass.ACCUSATION, subject_unit=unit)


def accusing(unit, prefix: str = "") -> Q:
    """Rows (through `prefix`, e.g. "petition__") of accusations against `unit`: what `visible_to` never
    shows it. A cheap test for rows that already belong to the reader (their own messages)."""
    return Q(**{f"{prefix}petition_class": PetitionClass.ACCUSATION, f"{prefix}subject_unit": unit})


def without_accusations_of(qs, units, prefix: str = "petition__"):
    """``qs`` less the rows (through ``prefix``) of accusations against any of ``units`` (ids or rows; None
    skipped): what a figure read by those units leaves out. Rows with no petition stay."""
    for unit in {getattr(u, "pk", u) for u in units if u}:
        qs = qs.exclude(accusing(unit, prefix))
    return qs


def get_visible_or_404(user, pk, queryset: QuerySet[Petition] | None = None) -> Petition:
    """The same 404 for a petition that does not exist and one the user may not see."""
    try:
        return visible_to(user, queryset).get(pk=pk)
    except (Petition.DoesNotExist, ValueError, TypeError):
        raise Http404("信访事项不存在。") from None


def _reader(reader):
    """A user, or a unit reading as its staff would (a document issued in the unit's name)."""
    if isinstance(reader, OrgUnit):
        return SimpleNamespace(
            is_authenticated=True, is_active=True, is_superuser=False, unit=reader, unit_id=reader.pk
        )
    return reader


def visible_repeat_of(petition: Petition, reader) -> Petition | None:
    """The earlier petition this one repeats (重复信访 of), or None when the reader may not see it: a link
    to a hidden petition (an accusation against the reader's unit) must not tell its number or that it
    exists. Every page, serializer, document and message that names `repeat_of`, or marks a petition as a
    repeat (the 重复 badge, `is_repeat`), asks here (or `mark_visible_repeats` for a list)."""
    if petition.repeat_of_id is None:
        return None
    memo = getattr(petition, "_xf_visible_repeat", None)
    if memo is not None and memo[0] == getattr(reader, "pk", None):
        return memo[1]
    earlier = visible_to(_reader(reader)).filter(pk=petition.repeat_of_id).first()
    petition._xf_visible_repeat = (getattr(reader, "pk", None), earlier)
    return earlier


def mark_visible_repeats(petitions, reader) -> None:
    """Set `shown_repeat` on each petition of a list page: a repeat whose earlier petition the reader may
    see (one query for the page). A repeat of a hidden petition shows no 重复 mark."""
    rows = list(petitions)
    ids = {p.repeat_of_id for p in rows if p.repeat_of_id is not None}
    seen = set(visible_to(_reader(reader)).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for p in rows:
        p.shown_repeat = p.repeat_of_id in seen


def visible_link_changes(changes: dict, reader) -> dict:
    """An event's changes with any `repeat_of_id` the reader may not see blanked: a corrected repeat link
    names petitions by id, and an id that answers 404 still tells that something is there."""
    if "repeat_of_id" not in changes:
        return changes
    ids = [v for v in changes["repeat_of_id"] if v is not None]
    seen = set(visible_to(_reader(reader)).filter(pk__in=ids).values_list("pk", flat=True))
    shown = {**changes, "repeat_of_id": [v if v in seen else None for v in changes["repeat_of_id"]]}
    if "is_repeat" in changes and any(v is not None and v not in seen for v in changes["repeat_of_id"]):
        # The flag follows the link: as the reader sees the link, so the flag (no repeat of a hidden one).
        shown["is_repeat"] = [v is not None for v in shown["repeat_of_id"]]
    return shown


def earlier_petitions_of(petitioner_ids: list[int], user) -> QuerySet[Petition]:
    """The earlier petitions of these people that this user may see: the registrar's repeat check."""
    return (
        visible_to(user)
        .filter(parties__petitioner_id__in=petitioner_ids)
        .distinct()
        .select_related("category", "responsible_unit")
        .order_by("-received_at")
    )


def handles(user, petition: Petition) -> bool:
    """Handling staff of this petition: identity roles in the unit that received it or must handle it."""
    unit_id = getattr(user, "unit_id", None)
    return bool(
        unit_id
        and user.sees_identity
        and unit_id in (petition.receiving_unit_id, petition.responsible_unit_id)
    )


def shows_identity(user, petition: Petition) -> bool:
    """Whether this user sees the petitioners' names, ID numbers and phones unmasked (process.md §11)."""
    if not getattr(user, "sees_identity", False):
        return False
    return not petition.identity_confidential or handles(user, petition)
