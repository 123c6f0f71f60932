from django.contrib import admin

from xinfang.http import client_ip
from xinfang.orgs.models import leader_users

from .mailboxes import save_mailbox
from .models import MailboxLeader, PortalSettings


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "receiving_unit", "is_open"]
    autocomplete_fields = []

    def has_add_permission(self, request) -> bool:
        return not PortalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MailboxLeader)
class MailboxLeaderAdmin(admin.ModelAdmin):
    """Offers only leaders; the model's ``clean`` refuses anyone else whatever is posted."""

    list_display = ["post", "leader", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_select_related = ["leader"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "leader":
            kwargs["queryset"] = leader_users()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        save_mailbox(obj, request.user, form.changed_data, ip_address=client_ip(request))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switched off instead: letters already written keep their leader
