from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import Grant


@admin.register(Grant)
class GrantAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    """Read-only: grants are applied for, approved and paid through the service, each step audited."""

    list_display = ["petition", "unit", "fund", "amount", "beneficiary_count", "status", "paid_on"]
    list_filter = ["status", "fund", "ended_petitioning"]
    raw_id_fields = ["petition"]
    date_hierarchy = "applied_at"
