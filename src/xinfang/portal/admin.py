from django.contrib import admin

from .models import PortalSettings


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "receiving_unit", "is_open"]
    autocomplete_fields = []

    def has_add_permission(self, request) -> bool:
        return not PortalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
