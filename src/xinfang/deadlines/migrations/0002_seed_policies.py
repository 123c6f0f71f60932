"""Seed the deadline policies with the national Regulation's defaults (process.md §5), the colour thresholds
and the rules version row. An administrator edits them afterwards; this migration never overwrites an
existing row."""

import uuid

from django.db import migrations

# code, name, days, counting, start_rule, max_extension_days, excludes_hearing, note
POLICIES = [
    ("route", "登记后分类处理", 15, "calendar", "receipt", 0, False, "信访部门收到信访事项之日起15日内分类处理。"),
    ("notify_direct", "书面告知信访人（直接信访）", 15, "calendar", "receipt", 0, False, "有关单位收到直接提出的信访事项之日起15日内书面告知信访人。"),
    ("accept", "受理并告知（转送、交办事项）", 15, "calendar", "receipt_by_unit", 0, False, "收到转送、交办事项之日起15日内决定是否受理并书面告知信访人。"),
    ("object", "对转送、交办提出异议", 5, "working", "receipt_by_unit", 0, False, "认为不属于本单位职权范围的，收到之日起5个工作日内提出异议并说明理由。"),
    ("report", "报告交办事项办理结果", 0, "calendar", "assignment", 0, False, "期限由信访部门交办时确定（0 表示以交办时所定天数为准）。"),
    ("handle", "办理", 60, "calendar", "acceptance", 30, False, "自受理之日起60日内办结；情况复杂的，经本单位负责人批准可延长，延长不超过30日，并告知信访人理由。"),
    ("simplified", "简易办理", 10, "working", "acceptance", 0, False, "自受理之日起10个工作日内作出处理意见。"),
    ("request_review", "提出复查请求", 30, "calendar", "reply_received", 0, False, "信访人收到处理意见之日起30日内可请求复查。"),
    ("review", "复查意见", 30, "calendar", "request_received", 0, False, "收到复查请求之日起30日内提出复查意见。"),
    ("request_re_review", "提出复核请求", 30, "calendar", "review_received", 0, False, "信访人收到复查意见之日起30日内可请求复核。"),
    ("re_review", "复核意见", 30, "calendar", "request_received", 0, True, "收到复核请求之日起30日内提出复核意见；听证所需时间不计入。"),
    ("rating", "满意度评价", 30, "calendar", "reply_received", 0, False, "信访人收到处理意见之日起30日内评价（默认值，可调整）。"),
]


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("deadlines", "DeadlinePolicy")
    ColourPolicy = apps.get_model("deadlines", "ColourPolicy")
    RulesVersion = apps.get_model("deadlines", "RulesVersion")
    for code, name, days, counting, start_rule, max_ext, hearing, note in POLICIES:
        DeadlinePolicy.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "days": days,
                "counting": counting,
                "start_rule": start_rule,
                "roll_to_workday": True,
                "max_extension_days": max_ext,
                "excludes_hearing": hearing,
                "is_active": True,
                "note": note,
            },
        )
    ColourPolicy.objects.get_or_create(pk=1, defaults={"yellow_days": 3, "yellow_percent": None})
    RulesVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


def unseed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("deadlines", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(code__in=[row[0] for row in POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
