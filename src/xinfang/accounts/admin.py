"""The login locks, for the security administrator: see them, lift them (audited); user administration asks
for a recent password."""

from django.contrib import admin, messages

from xinfang.http import client_ip
from xinfang.orgs.admin import UserAdmin
from xinfang.orgs.models import User

from . import reauth, throttle
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


class ReauthUserAdmin(UserAdmin):
    """User administration asks for the password again when the last one is older than XF_REAUTH_MINUTES."""

    def _fresh(self, request, view, *args, **kwargs):
        if not reauth.recent(request):
            return reauth.ask(request)
        return view(request, *args, **kwargs)

    def add_view(self, request, *args, **kwargs):
        return self._fresh(request, super().add_view, *args, **kwargs)

    def change_view(self, request, *args, **kwargs):
        return self._fresh(request, super().change_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._fresh(request, super().delete_view, *args, **kwargs)

    def user_change_password(self, request, *args, **kwargs):
        return self._fresh(request, super().user_change_password, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        if request.method == "POST":  # bulk actions
            return self._fresh(request, super().changelist_view, *args, **kwargs)
        return super().changelist_view(request, *args, **kwargs)


admin.site.unregister(User)
admin.site.register(User, ReauthUserAdmin)
