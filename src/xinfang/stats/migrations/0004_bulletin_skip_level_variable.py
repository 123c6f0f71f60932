"""The daily bulletin's list of skip-level matters (越级访) is the template variable `skip_level` (was `upper`);
rewrite the stored templates, which administrators may have edited, so they keep listing them."""

from django.db import migrations

OLD = "{% for line in upper %}"
NEW = "{% for line in skip_level %}"


def _rewrite(apps, old: str, new: str) -> None:
    BulletinTemplate = apps.get_model("stats", "BulletinTemplate")
    for template in BulletinTemplate.objects.filter(body__contains=old):
        template.body = template.body.replace(old, new)
        template.save(update_fields=["body"])


def forwards(apps, schema_editor):
    _rewrite(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_default_templates_and_scheme")]

    operations = [migrations.RunPython(forwards, backwards)]
