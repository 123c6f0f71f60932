"""API tokens for the security administrator: see who holds which, revoke one (audited). Keys are never shown."""

from django.contrib import admin, messages

from xinfang.http import client_ip

from . import tokens
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "kind", "name", "created_at", "expires_at", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "user__username", "user__full_name", "name"]
    readonly_fields = ["user", "prefix", "kind", "name", "created_at", "expires_at", "revoked_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, not deleted: the audit trail names the token

    @admin.action(description="吊销所选令牌", permissions=["change"])
    def revoke(self, request, queryset):
        rows = list(queryset.filter(revoked_at__isnull=True))
        for row in rows:
            tokens.revoke(row, request.user, ip_address=client_ip(request), reason="安全管理员吊销")
        messages.success(request, f"已吊销{len(rows)}个令牌。")
