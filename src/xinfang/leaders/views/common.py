"""What the leaders pages share: the units and people a bureau may choose from, and service errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from xinfang.orgs.models import OrgUnit, User

from .. import access
from ..forms import apply_errors


def units_of(bureau: OrgUnit):
    return OrgUnit.objects.filter(region__code__startswith=bureau.region.prefix, is_active=True).order_by(
        "kind", "code"
    )


def staff_of(bureau: OrgUnit):
    return (
        User.objects.filter(is_active=True, unit__region__code__startswith=bureau.region.prefix)
        .select_related("unit")
        .order_by("unit__code", "username")
    )


def leaders_of(bureau: OrgUnit) -> list:
    return access.leaders_for(bureau)


def first_or_404(qs, pk, message: str):
    row = qs.filter(pk=pk).first()
    if row is None:
        raise Http404(message)
    return row


def run(form, call) -> bool:
    """Call the service; on a ValidationError put its messages on the form. True when it went through."""
    try:
        call()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True
