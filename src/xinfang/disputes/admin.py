from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import Dispute, Escalation, Mediation


class EscalationInline(admin.TabularInline):
    model = Escalation
    extra = 0
    can_delete = False
    fields = ["from_level", "to_level", "to_unit", "reason", "skip_reason", "by", "at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MediationInline(admin.TabularInline):
    model = Mediation
    extra = 0
    can_delete = False
    fields = ["kind", "body", "mediated_on", "agreed", "agreement"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    petition_optional = True  # most disputes never enter the petition procedure

    """Read-only: the ledger is written through the service, every step audited."""

    list_display = ["title", "kind", "region", "risk_level", "level", "handling_unit", "status", "found_on"]
    list_filter = ["kind", "risk_level", "level", "status", "found_via"]
    raw_id_fields = ["petition"]
    inlines = [EscalationInline, MediationInline]
    date_hierarchy = "found_on"
