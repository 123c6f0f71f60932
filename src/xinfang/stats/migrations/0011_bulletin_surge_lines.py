"""The daily and periodic bulletins list the surge warnings (``surge_lines``, stats.hotspots); the stored
templates, which administrators may have edited, get the lines where the shipped ones have them (a template
without the anchor is left as its administrator wrote it)."""

from django.db import migrations

# (kinds, anchor, the block inserted after the anchor)
EDITS = [
    (
        ["daily"],
        "{% for line in ownership_lines %}<p>{{ forloop.counter }}. {{ line }}</p>{% endfor %}\n",
        "{% if surge_lines %}<h2>六、激增预警</h2>\n"
        "{% for line in surge_lines %}<p>{{ forloop.counter }}. {{ line }}。</p>{% endfor %}{% endif %}\n",
    ),
    (
        ["weekly", "monthly"],
        "<p>{{ hot_regions }}</p>\n",
        "{% for line in surge_lines %}<p>激增预警：{{ line }}。</p>{% endfor %}\n",
    ),
]


def forwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for kinds, anchor, block in EDITS:
        for template in BulletinTemplate.objects.filter(kind__in=kinds, body__contains=anchor):
            if "surge_lines" in template.body:
                continue
            template.body = template.body.replace(anchor, anchor + block, 1)
            template.save(update_fields=["body"])


def backwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for kinds, _anchor, block in EDITS:
        for template in BulletinTemplate.objects.filter(kind__in=kinds, body__contains=block):
            template.body = template.body.replace(block, "", 1)
            template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("stats", "0010_campaign_bulletin")]

    operations = [migrations.RunPython(forwards, backwards)]
