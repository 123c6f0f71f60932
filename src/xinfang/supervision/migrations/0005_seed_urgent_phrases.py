"""The 扬言 phrases a county starts with (self-harm, violence, mass gathering); the administrator edits them."""

from django.db import migrations

PHRASES = [
    ("自杀", "自伤"),
    ("轻生", "自伤"),
    ("跳楼", "自伤"),
    ("跳河", "自伤"),
    ("喝农药", "自伤"),
    ("服毒", "自伤"),
    ("自焚", "自伤"),
    ("割腕", "自伤"),
    ("不想活", "自伤"),
    ("死给你们看", "自伤"),
    ("同归于尽", "暴力"),
    ("炸", "暴力"),
    ("杀了", "暴力"),
    ("报复社会", "暴力"),
    ("拼命", "暴力"),
    ("泼汽油", "暴力"),
    ("集体上访", "聚集"),
    ("进京上访", "聚集"),
    ("堵路", "聚集"),
    ("聚集", "聚集"),
    ("围堵", "聚集"),
    ("拉横幅", "聚集"),
    ("静坐", "聚集"),
]


def seed(apps, schema_editor):
    UrgentPhrase = apps.get_model("supervision", "UrgentPhrase")
    for phrase, note in PHRASES:
        UrgentPhrase.objects.get_or_create(phrase=phrase, defaults={"note": note})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_urgent_phrase")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
