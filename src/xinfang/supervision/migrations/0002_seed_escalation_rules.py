"""The escalation of deadline colours as the seeds' counties do it (process.md §5)."""

from django.db import migrations

RULES = [
    ("red", "party_leader", "leadership", True, "红色（超期）报党委书记、政府主要负责人"),
    ("yellow", "party_leader", "political_legal", True, "黄色（临期）报政法委书记"),
    # Every running deadline is blue; telling the bureau of each would drown it. Enable if wanted.
    ("blue", "bureau_leader", "bureau", False, "蓝色（在办）报信访局（默认不启用，可在督查督办看板查看）"),
]


def seed(apps, schema_editor):
    EscalationRule = apps.get_model("supervision", "EscalationRule")
    for colour, role, unit_kind, active, note in RULES:
        EscalationRule.objects.get_or_create(
            colour=colour, role=role, unit_kind=unit_kind, defaults={"is_active": active, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
