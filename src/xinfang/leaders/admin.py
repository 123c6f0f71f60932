from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.http import client_ip
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import CaseOwnership, ReceptionSchedule, ReceptionSession, ResolutionStandard, Submission
from .services.standards import save_standard


@admin.register(ResolutionStandard)
class ResolutionStandardAdmin(admin.ModelAdmin):
    list_display = ["text", "order", "is_active"]
    list_editable = ["order", "is_active"]

    def save_model(self, request, obj, form, change):
        save_standard(obj, request.user, form.changed_data, ip_address=client_ip(request))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switched off instead: resolved ownerships quote the items they met


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(ReadOnlyAdmin):
    """Read-only: schedules, sessions, ownerships and submissions change in the workbench, through the services."""

    list_display = [
        "kind",
        "leader",
        "leader_post",
        "recurrence",
        "day_of_month",
        "weekday",
        "bureau",
        "is_active",
    ]
    list_filter = ["kind", "recurrence", "is_active"]


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "leader", "place", "status", "bureau"]
    list_filter = ["kind", "status"]
    date_hierarchy = "date"


@admin.register(CaseOwnership)
class CaseOwnershipAdmin(ReadOnlyAdmin):
    list_display = ["problem", "leader", "leader_level", "resolution_due", "status", "bureau"]
    list_filter = ["status", "leader_level"]


@admin.register(Submission)
class SubmissionAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["petition", "leader", "status", "submitted_at", "bureau"]
    list_filter = ["status"]
    raw_id_fields = ["petition"]
