from django.contrib import admin
from django.db.models import Q
from django.db.models.fields.json import KT
from django.http import Http404

from xinfang.petitions.admin_scope import PetitionScopedAdmin
from xinfang.petitions.selectors import visible_to

from .models import Notification, SmsMessage


@admin.register(Notification)
class NotificationAdmin(PetitionScopedAdmin, admin.ModelAdmin):
    petition_optional = True
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

    def get_queryset(self, request):
        # A petitioner's message names its petition only by number (the template's parameter): messages
        # about petitions the user may not see are left out like the petitions themselves.
        queryset = super().get_queryset(request).annotate(_number=KT("params__number"))
        numbers = visible_to(request.user).values("registration_number")
        return queryset.filter(Q(_number__isnull=True) | Q(_number__in=numbers))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("记录不存在。")

    @admin.display(description="手机号码")
    def masked_phone(self, obj: SmsMessage) -> str:
        return obj.masked_phone

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
