"""The one scope of admin pages whose rows belong to a petition: what `visible_to` lets the user see.

Every admin page of petition-linked rows (petitions, their audit events, documents, notifications, routings,
deadlines, warnings, supervisions, ratings, reviews, replies, extensions) filters through here, a superuser
with a unit included: the admin is no way round the rule that an accusation never reaches the unit it
accuses (Arts. 30, 46). A change page of a row outside the scope is a 404, the same as one that does not
exist, instead of Django's redirect with "perhaps it was deleted", which would confirm that it exists.

It lives in petitions, not in `xinfang.admin_base`, because it needs `visible_to` and the core modules sit
below every app.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .selectors import visible_to


def scoped(queryset: QuerySet, user, petition_path: str, *, optional: bool = False) -> QuerySet:
    """Rows of `queryset` whose petition (reached by `petition_path`; "" when the rows are petitions) the
    user may see; with `optional`, rows linked to no petition too."""
    if not petition_path:
        return visible_to(user, queryset)
    inside = Q(**{f"{petition_path}__in": visible_to(user).values("pk")})
    if optional:
        inside |= Q(**{f"{petition_path}__isnull": True})
    return queryset.filter(inside)


class PetitionScopedAdmin:
    """Mixin for a ModelAdmin (put it first): `petition_path` names the relation to the petition."""

    petition_path = "petition"
    petition_optional = False  # rows linked to no petition are shown (audit events about other things)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return scoped(queryset, request.user, self.petition_path, optional=self.petition_optional)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's change, history and delete views call this for a row outside get_queryset.
        raise Http404("记录不存在。")
