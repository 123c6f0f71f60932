"""The audit trail in the admin: readable, never writable (it is append-only, see models.py)."""

from django.contrib import admin
from django.db.models import Q

from xinfang.orgs.models import Role
from xinfang.petitions.selectors import visible_to

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        # Events about petitions are shown only for petitions the user may see (process.md §11).
        queryset = super().get_queryset(request)
        return queryset.filter(Q(petition__isnull=True) | Q(petition__in=visible_to(request.user)))

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.is_active and (user.is_superuser or user.has_role(Role.AUDITOR, Role.ADMIN))

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
