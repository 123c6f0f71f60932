"""The login locks, for the security administrator: see them, lift them (audited)."""

from django.contrib import admin, messages

from xinfang.http import client_ip

from . import throttle
from .models import LoginThrottle


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ["scope", "key", "attempts", "locked_until", "updated_at"]
    list_filter = ["scope"]
    search_fields = ["key"]
    readonly_fields = ["scope", "key", "attempts", "window_started_at", "locked_until", "updated_at"]
    actions = ["unlock"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="解除锁定", permissions=["change"])
    def unlock(self, request, queryset):
        rows = list(queryset.filter(locked_until__isnull=False))
        for row in rows:
            throttle.unlock(row, actor=request.user, address=client_ip(request))
        messages.success(request, f"已解除{len(rows)}项锁定。")
