"""The monthly bulletin flags joint-meeting decisions past their deadline and the units below the
meeting-frequency rule (seed 000) in a new section; add it to the stored periodic templates (administrators
may have edited them) before the signature, once."""

from django.db import migrations

SECTION = "{% if meeting_overdue_lines or meeting_frequency_lines %}<h2>六、联席会议议定事项落实和会议召开情况</h2>\n<p>超期未落实的联席会议议定事项{{ meeting_overdue_count }}件。</p>\n{% for line in meeting_overdue_lines %}<p>{{ forloop.counter }}. {{ line }}</p>{% endfor %}\n{% for line in meeting_frequency_lines %}<p>{{ line }}</p>{% endfor %}{% endif %}\n"
SIGNATURE = '<div class="signature">'
KINDS = ("weekly", "monthly")


def forwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for template in BulletinTemplate.objects.filter(kind__in=KINDS).exclude(
        body__contains="meeting_overdue_lines"
    ):
        body = template.body
        template.body = (
            body.replace(SIGNATURE, SECTION + SIGNATURE, 1) if SIGNATURE in body else body + SECTION
        )
        template.save(update_fields=["body"])


def backwards(apps, schema_editor):
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for template in BulletinTemplate.objects.filter(kind__in=KINDS, body__contains=SECTION):
        template.body = template.body.replace(SECTION, "")
        template.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("stats", "0005_bulletin_ownership_section")]

    operations = [migrations.RunPython(forwards, backwards)]
