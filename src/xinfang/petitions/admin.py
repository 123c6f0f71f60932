"""Petitions in the admin: content categories and their default units are edited here; petitions and their
audit trail are only looked at. Registration and every state change go through the services and the workflow.

The audit app's Event is registered here, not in audit: which events a user may see depends on which
petitions they may see (process.md §11), and audit sits below petitions.
"""

from django.contrib import admin
from django.db.models import Q

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.audit.models import Event

from .admin_scope import PetitionScopedAdmin
from .models import REGISTRATION_FACTS, Category, CategoryRoute, Petition
from .selectors import visible_repeat_of, visible_to


class VisibleRepeatFilter(admin.SimpleListFilter):
    """重复信访 by the visible repeat: a repeat of a petition the reader may not see is no repeat to them."""

    title = "重复信访"
    parameter_name = "repeat"

    def lookups(self, request, model_admin):
        return [("1", "是"), ("0", "否")]

    def queryset(self, request, queryset):
        if self.value() not in ("0", "1"):
            return queryset
        shown = Q(is_repeat=True, repeat_of__in=visible_to(request.user).values("pk"))
        return queryset.filter(shown if self.value() == "1" else ~shown)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["path", "parent", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "path"]
    autocomplete_fields = ["parent"]
    fields = ["name", "parent", "sort_order", "is_active"]


@admin.register(CategoryRoute)
class CategoryRouteAdmin(admin.ModelAdmin):
    list_display = ["category", "region", "unit"]
    list_filter = ["region__level", "category__parent"]
    search_fields = ["category__path", "region__name", "region__code", "unit__name"]
    autocomplete_fields = ["category", "region", "unit"]
    list_select_related = ["category", "region", "unit"]


@admin.register(Petition)
class PetitionAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    petition_path = ""
    list_display = [
        "registration_number",
        "received_at",
        "channel",
        "petition_class",
        "category",
        "summary",
        "responsible_unit",
        "status",
    ]
    list_filter = ["status", "channel", "petition_class", "source", "is_collective", VisibleRepeatFilter]
    search_fields = ["registration_number", "external_id"]
    date_hierarchy = "received_at"
    list_select_related = ["category", "responsible_unit"]
    show_full_result_count = False
    # Identity and parties are not shown here: the workbench masks them by role (process.md §11).
    fields = [
        "registration_number",
        "external_id",
        "status",
        "track",
        "channel",
        "source",
        "source_level",
        "source_action",
        "received_at",
        "registered_at",
        "registered_by",
        *REGISTRATION_FACTS,
        "content",
        "visible_repeat_of",
        "shown_repeat",
        "identity_confidential",
    ]
    readonly_fields = fields

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # On the row, not the admin instance: one admin serves every request at once.
            obj.earlier_for_reader = visible_repeat_of(obj, request.user)
        return obj

    @admin.display(description="重复件关联")
    def visible_repeat_of(self, obj: Petition) -> str:
        earlier = getattr(obj, "earlier_for_reader", None)
        return earlier.registration_number if earlier else "—"

    @admin.display(description="重复信访", boolean=True)
    def shown_repeat(self, obj: Petition) -> bool:
        return getattr(obj, "earlier_for_reader", None) is not None


@admin.register(Event)
class EventAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    """The audit trail: readable, never writable (it is append-only, see audit/models.py)."""

    list_display = [
        "at",
        "action",
        "target_type",
        "target_id",
        "petition",
        "actor",
        "actor_unit",
        "to_status",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "petition__registration_number", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["petition", "actor", "actor_unit"]
    show_full_result_count = False  # the trail grows without bound; counting it all on each page is slow
    readonly_fields = [f.name for f in Event._meta.fields]
    # Events about petitions are shown only for petitions the user may see (process.md §11).
    petition_optional = True

    def has_view_permission(self, request, obj=None):
        user = request.user
        # 三员分立: the audit trail is the auditor's alone (orgs.duties).
        return user.has_perm("audit.view_event")

    def has_module_permission(self, request):
        return self.has_view_permission(request)
