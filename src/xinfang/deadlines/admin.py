from __future__ import annotations

from django.contrib import admin

from .models import CalendarDay, CalendarYear, ColourPolicy, DeadlinePolicy

WEEKDAYS = "一二三四五六日"


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    ordering = ["-date"]

    @admin.display(description="星期", ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return f"星期{WEEKDAYS[obj.date.weekday()]}"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_official", "note"]
    list_filter = ["is_official"]
    ordering = ["-year"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "days",
        "counting",
        "start_rule",
        "roll_to_workday",
        "max_extension_days",
        "excludes_hearing",
        "is_active",
    ]
    list_editable = ["days", "counting", "is_active"]
    list_filter = ["counting", "is_active"]
    ordering = ["id"]

    def get_readonly_fields(self, request, obj=None):
        # Other apps refer to a policy by its code: it is fixed once the row exists.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ColourPolicy)
class ColourPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "yellow_days", "yellow_percent"]

    def has_add_permission(self, request) -> bool:
        return not ColourPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
