from django import forms
from django.contrib import admin
from django.http import Http404

from xinfang import clock
from xinfang.documents.services import check_template
from xinfang.orgs.models import leader_users

from .models import (
    AssessmentRun,
    AssessmentScheme,
    AssessmentScore,
    Bulletin,
    BulletinDelivery,
    BulletinRecipient,
    BulletinTemplate,
    CreationIndicator,
    Indicator,
    ManualDeduction,
    StatisticsPolicy,
    Target,
)
from .target_services import check_conditions, check_target, set_indicator, set_target
from .targets import FIGURES


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
            kwargs["queryset"] = leader_users()
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


# --- targets and creation indicators: written through target_services (validated, one audit event each) ------


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["year", "figure", "unit", "region", "kind", "value", "decomposition", "profile", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "figure" in self.fields:  # absent once saved (read-only)
            choices = [(k, f.choice_label) for k, f in FIGURES.items()]
            self.fields["figure"] = forms.ChoiceField(label="指标", choices=choices)

    def clean(self):
        data = super().clean()
        instance = self.instance
        values = {
            name: data.get(name, getattr(instance, name, None))
            for name in ["year", "figure", "unit", "region"]
        }
        problems = check_target(
            **values, kind=data.get("kind"), value=data.get("value"),
            decomposition=data.get("decomposition"), profile=data.get("profile"),
        )  # fmt: skip
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetForm
    list_display = ["year", "figure", "unit", "region", "kind", "value", "decomposition", "updated_at"]
    list_filter = ["year", "kind"]
    list_select_related = ["unit", "region"]
    raw_id_fields = ["unit", "region"]

    def get_readonly_fields(self, request, obj=None):
        # What a target is about names it: changing it is a new target.
        return ["year", "figure", "unit", "region"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = set_target(
            request.user, year=obj.year, figure=obj.figure, kind=obj.kind, value=obj.value, unit=obj.unit,
            region=obj.region, decomposition=obj.decomposition, profile=obj.profile, note=obj.note,
        )  # fmt: skip
        obj.pk = saved.pk


class CreationIndicatorForm(forms.ModelForm):
    class Meta:
        model = CreationIndicator
        fields = ["name", "level", "region", "year", "conditions", "note"]

    def clean(self):
        data = super().clean()
        if problem := check_conditions(data.get("conditions")):
            self.add_error("conditions", problem)
        return data


@admin.register(CreationIndicator)
class CreationIndicatorAdmin(admin.ModelAdmin):
    form = CreationIndicatorForm
    list_display = ["name", "level", "region", "year", "updated_at"]
    list_filter = ["year", "level"]
    raw_id_fields = ["region"]

    def get_readonly_fields(self, request, obj=None):
        return ["name", "region", "year"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = set_indicator(
            request.user, name=obj.name, level=obj.level, region=obj.region, year=obj.year,
            conditions=obj.conditions, note=obj.note,
        )  # fmt: skip
        obj.pk = saved.pk
