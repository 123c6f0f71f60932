from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import AgendaItem, Decision, JointMeeting


class ItemInline(admin.TabularInline):
    model = AgendaItem
    fk_name = "meeting"
    extra = 0
    can_delete = False
    fields = ["position", "summary", "petition", "dispute", "status", "escalated_to"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(ReadOnlyAdmin):
    """Read-only: meetings are recorded through the service, every step audited."""

    list_display = ["title", "level", "kind", "unit", "held_on"]
    list_filter = ["level", "kind"]
    inlines = [ItemInline]
    date_hierarchy = "held_on"


@admin.register(Decision)
class DecisionAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    petition_path = "item__petition"
    petition_optional = True  # decisions on a dispute

    list_display = ["item", "lead_unit", "deadline", "done_on"]
    raw_id_fields = ["item"]
