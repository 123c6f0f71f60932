"""The default template of the assistance agreement (信访救助协议书, process.md §10: a grant made in resolving
a petition, and whether the matter ended with it, 救助息访). Administrators edit it afterwards in the admin."""

from django.db import migrations

TEMPLATE = {
    "kind": "assistance_agreement",
    "name": "信访救助协议书",
    "title": "信访救助协议书",
    "number_word": "救",
    "body": """<header>{{ issuer_name }}</header>
<p class="number">{{ number }}</p>
<h1>{{ title }}</h1>
<p>甲方（救助单位）：{{ issuer_name }}</p>
<p>乙方（受助人）：{{ applicant_name }}（受助{{ beneficiary_count }}人）</p>
<p>乙方于{{ received_date }}以{{ channel_label }}形式反映“{{ summary }}”的信访事项（登记编号：{{ registration_number }}）。鉴于{{ assistance_reason|clause }}，经{{ approver }}于{{ approved_date }}审批{% if approval_rule %}（审批依据：{{ approval_rule|clause }}）{% endif %}，甲方从{{ fund_label }}中给予乙方一次性救助金人民币{{ amount }}元（大写：{{ amount_words }}）。经双方协商，达成如下协议：</p>
<p>一、甲方按上述金额向乙方发放救助金，乙方收到后出具收据。</p>
<p>二、乙方认可本协议为其信访事项的解决方式，今后不再以同一事实和理由重复信访。</p>
<p>三、乙方如有新的事实和理由，可以依法另行提出。</p>
<p>四、本协议一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。</p>
<div class="signature"><p>甲方：{{ issuer_name }}（盖章）</p><p>乙方（签字）：</p><p>{{ issued_date }}</p></div>""",
}


def forwards(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    DocumentTemplate.objects.get_or_create(kind=TEMPLATE["kind"], defaults=TEMPLATE)


def backwards(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    DocumentTemplate.objects.filter(kind=TEMPLATE["kind"], documents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_assistance_agreement_kind")]

    operations = [migrations.RunPython(forwards, backwards)]
