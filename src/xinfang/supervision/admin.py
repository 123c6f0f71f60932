from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import DeadlineWarning, EscalationRule, Supervision, SupervisionReminder, UrgentPhrase


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["colour", "unit_kind", "role", "is_active", "note"]
    list_editable = ["is_active"]
    list_filter = ["colour", "is_active"]


@admin.register(UrgentPhrase)
class UrgentPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "is_active", "note"]
    list_editable = ["is_active"]
    list_filter = ["is_active"]
    search_fields = ["phrase"]


@admin.register(DeadlineWarning)
class DeadlineWarningAdmin(PetitionScopedAdmin, admin.ModelAdmin):
    petition_path = "deadline__petition"
    list_display = ["deadline", "colour", "due_on", "sent_at", "handlers_told", "leaders_told"]
    list_filter = ["colour"]
    raw_id_fields = ["deadline"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReminderInline(admin.TabularInline):
    model = SupervisionReminder
    extra = 0
    can_delete = False
    readonly_fields = ["days_before", "sent_at", "recipients"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Supervision)
class SupervisionAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    """Read-only: supervisions are opened, answered and closed in the workbench, where each step is audited."""

    list_display = ["unit", "bureau", "reason_kind", "is_listed", "status", "opened_at", "response_due"]
    list_filter = ["status", "reason_kind", "is_listed"]
    raw_id_fields = ["petition", "deadline", "letter"]
    inlines = [ReminderInline]
    date_hierarchy = "opened_at"
