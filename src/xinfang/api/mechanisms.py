"""What the endpoints of the mechanisms (assistance, disputes, campaigns) share: the same 404 for missing and
not-yours, and petitions named by registration number only through ``visible_to``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import visible_to


def get_scoped_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("资源不存在。") from None


def visible_petition(user, registration_number: str, field: str = "petition") -> Petition:
    petition = visible_to(user).filter(registration_number=registration_number).first()
    if petition is None:
        raise ValidationError({field: f"信访事项“{registration_number}”不存在或无权查看。"})
    return petition
