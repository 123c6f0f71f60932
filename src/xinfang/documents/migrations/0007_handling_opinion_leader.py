"""The handling opinion (信访处理意见书) of a letter to the leader's mailbox (领导信箱) is issued under the
leader's name: the default template's signature gains the leader's line. A template an administrator has
already changed keeps its text (they add ``{{ addressed_leader }}`` where they want it)."""

from django.db import migrations

OLD = '<div class="signature"><p>{{ issuer_name }}</p><p>{{ issued_date }}</p></div>'
NEW = (
    '<div class="signature">{% if addressed_leader %}<p>{{ addressed_leader }}</p>{% endif %}'
    "<p>{{ issuer_name }}</p><p>{{ issued_date }}</p></div>"
)


def _swap(apps, old: str, new: str) -> None:
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for template in DocumentTemplate.objects.filter(kind="handling_opinion"):
        if template.body.endswith(old):
            template.body = template.body[: -len(old)] + new
            template.save(update_fields=["body"])


def forwards(apps, schema_editor):
    _swap(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _swap(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_assistance_agreement_template")]

    operations = [migrations.RunPython(forwards, backwards)]
