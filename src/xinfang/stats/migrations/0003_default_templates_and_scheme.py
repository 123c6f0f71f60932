"""Ship the bulletin templates and the seed county's assessment scheme (访量25分、三率65分、制度落实10分)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

from xinfang.stats.default_templates import TEMPLATES

SCHEME = {
    "name": "县级信访工作月度考评方案（示例）",
    "note": (
        "依据种子材料《县信访局工作汇报》：上级考评方案100分，其中访量25分，解决问题方面三率65分，"
        "制度落实方面10分；受理率和按期办结率须达到100%。连续3个月排名前2名的予以通报表扬，"
        "连续2个月排名末位的予以通报批评（《舞钢市信访局2020年度工作总结》）。各项分值、目标和扣分标准可在后台修改。"
    ),
    "unit_kinds": ["township", "department"],
    "valid_from": dt.date(2020, 1, 1),
    "top_positions": 2,
    "top_streak_months": 3,
    "bottom_streak_months": 2,
}
INDICATORS = [
    # group, name, metric, method, weight, target, deduction
    ("访量", "进京访", "visits.national", "per_item", "10", None, "2"),
    ("访量", "赴省访", "visits.province", "per_item", "8", None, "1"),
    ("访量", "到市访", "visits.city", "per_item", "7", None, "0.5"),
    ("三率", "及时受理率", "timely_acceptance", "per_point", "20", "100", "1"),
    ("三率", "按期办结率", "on_time_conclusion", "per_point", "20", "100", "1"),
    ("三率", "群众满意率", "satisfaction.unit", "proportional", "25", "100", "0"),
    ("制度落实", "制度落实", "manual", "manual", "10", None, "0"),
]


def forwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for kind, (title, body) in TEMPLATES.items():
        BulletinTemplate.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})
    Scheme = apps.get_model("stats", "AssessmentScheme")
    Indicator = apps.get_model("stats", "Indicator")
    if Scheme.objects.filter(name=SCHEME["name"]).exists():
        return
    scheme = Scheme.objects.create(**SCHEME)
    for position, (group, name, metric, method, weight, target, deduction) in enumerate(INDICATORS):
        Indicator.objects.create(
            scheme=scheme,
            group=group,
            name=name,
            metric=metric,
            method=method,
            weight=Decimal(weight),
            target=Decimal(target) if target else None,
            deduction=Decimal(deduction),
            position=position,
        )


def backwards(apps, schema_editor):
    apps.get_model("stats", "AssessmentScheme").objects.filter(name=SCHEME["name"]).delete()
    apps.get_model("stats", "BulletinTemplate").objects.filter(kind__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_bulletins_assessment")]

    operations = [migrations.RunPython(forwards, backwards)]
