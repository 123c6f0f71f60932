"""Read-only admin pages: these records change only through ``services.perform``."""

from __future__ import annotations

from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import Deadline, Extension, Reply, Routing


@admin.register(Deadline)
class DeadlineAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["petition", "stage", "unit", "starts_on", "due_on", "provisional", "status", "on_time"]
    list_filter = ["stage", "status", "provisional", "is_window"]
    search_fields = ["petition__registration_number"]
    list_select_related = ["petition", "unit"]


@admin.register(Routing)
class RoutingAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = [
        "petition",
        "action",
        "from_unit",
        "to_unit",
        "sent_at",
        "accepted_at",
        "objected_at",
        "is_current",
    ]
    list_filter = ["action", "is_current"]
    search_fields = ["petition__registration_number"]
    list_select_related = ["petition", "from_unit", "to_unit"]


@admin.register(Reply)
class ReplyAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["petition", "unit", "opinion", "replied_at", "delivery_method", "received_on"]
    list_filter = ["opinion", "form"]
    search_fields = ["petition__registration_number"]


@admin.register(Extension)
class ExtensionAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["petition", "days", "approver_name", "at", "previous_due_on", "new_due_on"]
    search_fields = ["petition__registration_number"]
