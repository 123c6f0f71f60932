"""Petitions in the admin: content categories and their default units are edited here; petitions are
only looked at. Registration and every state change go through the services and the workflow."""

from django.contrib import admin

from .models import Category, CategoryRoute, Petition
from .selectors import visible_to


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
class PetitionAdmin(admin.ModelAdmin):
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
    list_filter = ["status", "channel", "petition_class", "source", "is_collective", "is_repeat"]
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
        "receiving_unit",
        "responsible_unit",
        "visit_level",
        "person_count",
        "is_collective",
        "petition_class",
        "category",
        "issue_region",
        "subject_unit",
        "subject_person",
        "summary",
        "content",
        "repeat_of",
        "is_repeat",
        "identity_confidential",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
