"""The system administrator's view of the suggestion models: when each was trained, on how much history, how
long it took and its held-out accuracy (overall and per category), and a button to train again now."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from xinfang.admin_base import ReadOnlyAdmin

from . import training
from .models import SuggestionModel


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@admin.register(SuggestionModel)
class SuggestionModelAdmin(ReadOnlyAdmin):
    list_display = (
        "trained_at",
        "seconds",
        "labelled",
        "train_size",
        "test_size",
        "enough",
        "category_top1",
        "category_top3",
        "unit_top1",
        "unit_top3",
    )
    readonly_fields = (
        "trained_at",
        "seconds",
        "labelled",
        "train_size",
        "test_size",
        "enough",
        "per_category",
        "path",
        "sha256",
    )
    exclude = ("accuracy",)
    actions = ["train_now"]

    def _figure(self, obj, model: str, key: str) -> str:
        return _percent((obj.accuracy or {}).get(model, {}).get(key))

    @admin.display(description="分类 top-1")
    def category_top1(self, obj):
        return self._figure(obj, "category", "top1")

    @admin.display(description="分类 top-3")
    def category_top3(self, obj):
        return self._figure(obj, "category", "top3")

    @admin.display(description="单位 top-1")
    def unit_top1(self, obj):
        return self._figure(obj, "unit", "top1")

    @admin.display(description="单位 top-3")
    def unit_top3(self, obj):
        return self._figure(obj, "unit", "top3")

    @admin.display(description="按分类的留出集准确率")
    def per_category(self, obj):
        accuracy = obj.accuracy or {}
        if "note" in accuracy:
            return accuracy["note"]
        rows = []
        for model, label in (("category", "分类"), ("unit", "单位")):
            for path, row in (accuracy.get(model) or {}).get("per_category", {}).items():
                rows.append((label, path, row["n"], _percent(row["top1"]), _percent(row["top3"])))
        if not rows:
            return "—"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><tr><th>模型</th><th>内容分类</th><th>件数</th><th>top-1</th><th>top-3</th></tr>{}</table>"
            "<p>演示数据由生成器按模板写成，其上的准确率不能说明真实效果。</p>",
            body,
        )

    @admin.action(description="立即重新训练建议模型")
    def train_now(self, request, queryset):
        record = training.train(actor=request.user)
        if record.enough:
            self.message_user(
                request, f"已训练：留出集分类 top-1 {self._figure(record, 'category', 'top1')}。"
            )
        else:
            self.message_user(request, record.accuracy.get("note", "历史数据不足。"), messages.WARNING)
