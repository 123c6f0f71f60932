from django import forms
from django.contrib import admin
from django.http import Http404

from xinfang import clock
from xinfang.documents.services import check_template
from xinfang.orgs.models import LEADER_ROLES, User

from .models import (
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    Bulletin,
    BulletinDelivery,
    BulletinRecipient,
    BulletinTemplate,
    Indicator,
    ManualDeduction,
    StatisticsPolicy,
)


@admin.register(StatisticsPolicy)
class StatisticsPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "backlog_days",
        "long_term_visits",
        "long_term_window_days",
        "long_term_includes_city",
    ]

    def has_add_permission(self, request):
        return not StatisticsPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class BulletinTemplateForm(forms.ModelForm):
    class Meta:
        model = BulletinTemplate
        fields = ["kind", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 120, "style": "font-family: monospace"})}

    def clean(self):
        data = super().clean()
        if data.get("body"):
            check_template(data.get("title") or "", data["body"])
        return data


@admin.register(BulletinTemplate)
class BulletinTemplateAdmin(admin.ModelAdmin):
    form = BulletinTemplateForm
    list_display = ["kind", "title", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["title", "serial", "issuing_unit", "period_start", "period_end", "issued_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Bulletin._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # A bulletin lists petitions as its issuing unit sees them: a user with a unit reads its own unit's,
        # as on the workbench's bulletin page, never another unit's lines about an accusation against it.
        queryset = super().get_queryset(request)
        unit_id = getattr(request.user, "unit_id", None)
        return queryset if unit_id is None else queryset.filter(issuing_unit_id=unit_id)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("记录不存在。")


@admin.register(BulletinRecipient)
class BulletinRecipientAdmin(admin.ModelAdmin):
    """Offers only leaders; the model's ``clean`` (``recipient_refusal``) refuses anyone else whatever is
    posted, and ``delivery.recipients`` checks again at every send."""

    list_display = ["bureau", "user"]
    list_filter = ["bureau"]
    list_select_related = ["bureau", "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            users = User.objects.filter(is_active=True, unit__isnull=False)
            kwargs["queryset"] = User.objects.filter(
                pk__in=[u.pk for u in users if u.has_role(*LEADER_ROLES)]
            ).select_related("unit")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(BulletinDelivery)
class BulletinDeliveryAdmin(admin.ModelAdmin):
    """The read receipts: who was sent which bulletin, and when they first opened it."""

    list_display = ["bulletin", "recipient", "sent_at", "read_at", "read_count"]
    list_filter = ["bulletin__kind"]
    readonly_fields = [f.name for f in BulletinDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        unit_id = getattr(request.user, "unit_id", None)
        return queryset if unit_id is None else queryset.filter(bulletin__issuing_unit_id=unit_id)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = [
        "position",
        "group",
        "name",
        "metric",
        "method",
        "weight",
        "target",
        "deduction",
        "full_when_nothing_due",
    ]


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "valid_from", "is_active"]
    inlines = [IndicatorInline]


@admin.register(ManualDeduction)
class ManualDeductionAdmin(admin.ModelAdmin):
    list_display = ["month", "unit", "indicator", "points", "reason", "recorded_by"]
    list_filter = ["month"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        obj.recorded_at = clock.now()
        super().save_model(request, obj, form, change)


class ScoreInline(admin.TabularInline):
    model = AssessmentScore
    extra = 0
    can_delete = False
    fields = ["group", "rank", "unit", "total", "top_streak", "bottom_streak"]
    readonly_fields = fields


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    list_display = ["month", "region", "scheme", "computed_at"]
    readonly_fields = ["scheme", "region", "month", "computed_at", "as_of"]
    inlines = [ScoreInline]

    def has_add_permission(self, request):
        return False
