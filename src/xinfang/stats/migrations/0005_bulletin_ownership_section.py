"""The daily bulletin names each owned case's leader and time limit (seed 003) in a new section; add it to
the stored daily templates (administrators may have edited them) before the signature, once."""

from django.db import migrations

SECTION = (
    "<h2>五、领导包案化解情况</h2>\n<p>{{ ownership_summary }}</p>\n"
    "{% for line in ownership_lines %}<p>{{ forloop.counter }}. {{ line }}</p>{% endfor %}\n"
)
SIGNATURE = '<div class="signature">'


def forwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for template in BulletinTemplate.objects.filter(kind="daily").exclude(body__contains="ownership_lines"):
        body = template.body
        template.body = body.replace(SIGNATURE, SECTION + SIGNATURE, 1) if SIGNATURE in body else body + SECTION
        template.save(update_fields=["body"])


def backwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for template in BulletinTemplate.objects.filter(kind="daily", body__contains=SECTION):
        template.body = template.body.replace(SECTION, "")
        template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("stats", "0004_bulletin_skip_level_variable")]

    operations = [migrations.RunPython(forwards, backwards)]
