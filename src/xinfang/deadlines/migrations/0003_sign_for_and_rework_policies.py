"""Two policy rows for process.md §3 as changed: a unit signs for (签收) a matter sent to it within 1 working day,
and a matter the assigning bureau returns for rework (退回重办) is handled again within 30 days. An
administrator edits them afterwards; this migration never overwrites an existing row."""

from django.db import migrations

# code, name, days, counting, start_rule, note
POLICIES = [
    (
        "sign_for",
        "签收（转送、交办事项）",
        1,
        "working",
        "receipt_by_unit",
        "有关单位收到转送、交办的信访事项后及时签收（默认1个工作日），再在受理期限内决定是否受理。",
    ),
    (
        "rework",
        "退回重办",
        30,
        "calendar",
        "returned",
        "交办机关审核认为办理结果不符合要求、退回重办的，自退回之日起30日内重新办理并报结（默认值，可调整）。",
    ),
]


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("deadlines", "DeadlinePolicy")
    for code, name, days, counting, start_rule, note in POLICIES:
        DeadlinePolicy.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "days": days,
                "counting": counting,
                "start_rule": start_rule,
                "roll_to_workday": True,
                "max_extension_days": 0,
                "excludes_hearing": False,
                "is_active": True,
                "note": note,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("deadlines", "DeadlinePolicy").objects.filter(code__in=[row[0] for row in POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0002_seed_policies")]

    operations = [migrations.RunPython(seed, unseed)]
