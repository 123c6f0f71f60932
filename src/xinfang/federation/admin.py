"""The system administrator's pages (orgs.duties): peers, and the outbox and inbox, read only (the services
and commands write them; a dead event is replayed with ``xinfang federation replay``)."""

from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.audit import services as audit

from . import registry
from .models import InboxEvent, OutboxEvent, Peer


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ("name", "base_url", "unit_codes", "is_active", "created_at")
    fields = ("name", "base_url", "unit_codes", "outbound_key_id", "inbound_key_id", "is_active")
    readonly_fields = ("name", "outbound_key_id", "inbound_key_id")

    def has_add_permission(self, request):
        return False  # a peer needs its service user and secrets: ``xinfang peers add``

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        audit.save_edited(
            obj,
            ["base_url", "unit_codes", "is_active"],
            action="federation_peer",
            actor=request.user,
            changed=form.changed_data,
        )
        registry.forget()


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("peer", "petition", "seq", "type", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "peer")
    exclude = ("payload",)


@admin.register(InboxEvent)
class InboxEventAdmin(ReadOnlyAdmin):
    list_display = ("peer", "stream", "seq", "type", "status", "reason", "received_at")
    list_filter = ("status", "peer")
    exclude = ("payload",)
