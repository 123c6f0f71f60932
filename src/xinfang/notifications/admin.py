from django.contrib import admin

from .models import Notification, SmsMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "recipient__full_name"]
    raw_id_fields = ["recipient", "petition"]
    date_hierarchy = "created_at"


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["masked_phone", "template", "status", "created_at", "backend"]
    list_filter = ["status"]
    # The full number is not shown or searchable here: it is personal data (process.md §11).
    exclude = ["phone"]
    readonly_fields = [
        "masked_phone",
        "template",
        "params",
        "text",
        "backend",
        "status",
        "error",
        "created_at",
    ]
    date_hierarchy = "created_at"

    @admin.display(description="手机号码")
    def masked_phone(self, obj: SmsMessage) -> str:
        return obj.masked_phone

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
