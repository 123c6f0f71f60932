from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import Batch, Campaign, CampaignCase, Criterion, ListImport


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    can_delete = False
    readonly_fields = ["position", "text"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class BatchInline(admin.TabularInline):
    model = Batch
    extra = 0
    can_delete = False
    readonly_fields = ["name", "assigned_on", "due_on"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    """Read-only: campaigns change through the service, every step audited."""

    list_display = ["name", "assigning_body", "unit", "assigned_on", "deadline", "status"]
    list_filter = ["assigning_body", "status"]
    inlines = [CriterionInline, BatchInline]


@admin.register(CampaignCase)
class CampaignCaseAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["campaign", "batch", "petition", "screening", "responsible_unit", "due_on", "resolved_on"]
    list_filter = ["screening", "campaign"]
    raw_id_fields = ["petition"]


@admin.register(ListImport)
class ListImportAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "lines", "added", "imported_by", "imported_at"]
