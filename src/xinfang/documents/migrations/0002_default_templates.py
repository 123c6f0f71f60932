"""The default document templates, one per kind (administrators edit them afterwards in the admin).

Texts follow the 2022 《信访工作条例》: Art. 31 (legal routes), Art. 32 (the three opinions), Art. 34 (60 days,
extension of at most 30), Art. 35 (review), Art. 36 (re-review, and no re-acceptance after it).
"""

from django.db import migrations

SIGNATURE = """
<div class="signature"><p>{{ issuer_name }}</p><p>{{ issued_date }}</p></div>"""

OPENING = (
    "<p>{{ you }}于{{ received_date }}以{{ channel_label }}形式反映的“{{ summary }}”信访事项"
    "（登记编号：{{ registration_number }}）"
)

HEAD = """<h1>{{ title }}</h1>
<p class="number">{{ number }}</p>
<p class="salutation">{{ addressee }}：</p>
"""

CONCLUSION = (
    "{% if opinion %}<p>综上，{% if opinion == 'support' %}{{ you }}的请求事实清楚，符合有关规定，本机关予以支持。"
    "{% elif opinion == 'explain' %}{{ you }}的请求事由合理但缺乏法律依据，本机关予以解释说明。"
    "{% elif opinion == 'not_support' %}{{ you }}的请求缺乏事实根据或者不符合有关规定，本机关不予支持。"
    "{% elif opinion == 'mediation_agreement' %}经调解，有关各方已达成调解协议，请按协议内容履行。"
    "{% else %}本机关处理意见为：{{ opinion_label }}。{% endif %}</p>{% endif %}"
)

TEMPLATES = [
    {
        "kind": "acceptance_notice",
        "name": "受理告知书",
        "title": "受理告知书",
        "number_word": "受",
        "body": HEAD
        + OPENING
        + """收悉。经审查，该事项属于本机关职权范围，根据《信访工作条例》的有关规定，本机关决定予以受理。</p>
<p>本机关将自受理之日起{{ handling_limit }}内办结{% if due_date %}（即{{ due_date }}前）{% endif %}，并出具书面处理意见。情况复杂的，经本机关负责人批准，可以适当延长办理期限，但延长期限不超过三十日，并将延期理由告知{{ you }}。</p>
<p>办理期间，请{{ you }}如实反映情况，配合做好调查核实工作，依法有序表达诉求。</p>
<p>特此告知。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "non_acceptance_notice",
        "name": "不予受理告知书",
        "title": "不予受理告知书",
        "number_word": "不受",
        "body": HEAD
        + OPENING
        + """收悉。</p>
<p>经审查，{% if reason %}{{ reason|clause }}。{% endif %}该事项依法应当通过{% if legal_route %}{{ legal_route }}{% else %}法定{% endif %}途径解决，不属于信访程序受理范围。根据{{ basis|default:"《信访工作条例》第三十一条" }}的规定，本机关不予受理。</p>
<p>请{{ you }}依法{% if legal_body %}向{{ legal_body }}{% else %}向有权处理的机关、单位{% endif %}{% if legal_route %}{{ legal_route }}{% else %}提出{% endif %}，{{ you }}的合法权益将在相应程序中依法得到保护。</p>
<p>特此告知。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "transfer_notice",
        "name": "转送告知书",
        "title": "转送告知书",
        "number_word": "转",
        "body": HEAD
        + OPENING
        + """收悉。</p>
<p>根据《信访工作条例》的有关规定，按照“属地管理、分级负责，谁主管、谁负责”的原则，本机关已将该事项转送{{ to_unit|default:"有权处理的机关、单位" }}办理。{{ to_unit|default:"有关机关、单位" }}将自收到转送的信访事项之日起十五日内决定是否受理，并书面告知{{ you }}。</p>
<p>请{{ you }}与{{ to_unit|default:"有关机关、单位" }}保持联系，如实反映情况，配合做好调查核实工作。</p>
<p>特此告知。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "extension_notice",
        "name": "延期告知书",
        "title": "延期告知书",
        "number_word": "延",
        "body": HEAD
        + """<p>{{ you }}于{{ received_date }}反映的“{{ summary }}”信访事项（登记编号：{{ registration_number }}），本机关已依法受理{% if original_due_date %}，原办理期限至{{ original_due_date }}{% endif %}。</p>
<p>因{{ reason|default:"该事项情况复杂，需要进一步调查核实"|clause }}，经本机关负责人批准，根据《信访工作条例》第三十四条的规定，该事项办理期限延长{{ extension_days|cn_number }}日{% if new_due_date %}，延长至{{ new_due_date }}{% endif %}。</p>
<p>本机关将在延长的期限内办结，并出具书面处理意见。</p>
<p>特此告知。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "handling_opinion",
        "name": "信访处理意见书",
        "title": "信访处理意见书",
        "number_word": "处",
        "body": HEAD
        + OPENING
        + """，本机关已依法受理。经调查核实，根据《信访工作条例》第三十二条的规定，现提出处理意见如下：</p>
<h2>一、信访请求及事实和理由</h2>
{{ content|paragraphs }}
<h2>二、调查核实情况及处理意见</h2>
{{ opinion_text|paragraphs }}
"""
        + CONCLUSION
        + """
<h2>三、权利告知</h2>
<p>{{ you }}如对本处理意见不服，可以自收到本意见书之日起{{ review_days|cn_number }}日内，向{{ review_unit }}请求复查。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "review_opinion",
        "name": "复查意见书",
        "title": "复查意见书",
        "number_word": "复查",
        "body": HEAD
        + """<p>{{ you }}对{% if original_unit %}{{ original_unit }}作出的{% endif %}信访处理意见（登记编号：{{ registration_number }}）不服，{% if request_date %}于{{ request_date }}{% endif %}向本机关请求复查。本机关依法受理并进行了复查，现根据《信访工作条例》第三十五条的规定，提出复查意见如下：</p>
<h2>一、复查请求</h2>
{{ request_text|default:summary|paragraphs }}
<h2>二、复查认定的事实及复查意见</h2>
{{ opinion_text|paragraphs }}
"""
        + CONCLUSION
        + """
<h2>三、权利告知</h2>
<p>{{ you }}如对本复查意见不服，可以自收到本意见书之日起{{ review_days|cn_number }}日内，向{{ re_review_unit }}请求复核。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "re_review_opinion",
        "name": "复核意见书",
        "title": "复核意见书",
        "number_word": "复核",
        "body": HEAD
        + """<p>{{ you }}对{% if original_unit %}{{ original_unit }}作出的{% endif %}复查意见（登记编号：{{ registration_number }}）不服，{% if request_date %}于{{ request_date }}{% endif %}向本机关请求复核。本机关依法受理并进行了复核{% if hearing_held %}，并依法举行了听证{% endif %}，现根据《信访工作条例》第三十六条的规定，提出复核意见如下：</p>
<h2>一、复核请求</h2>
{{ request_text|default:summary|paragraphs }}
<h2>二、复核认定的事实及复核意见</h2>
{{ opinion_text|paragraphs }}
"""
        + CONCLUSION
        + """
<h2>三、告知事项</h2>
<p>本复核意见为该信访事项的最终处理意见。根据《信访工作条例》第三十六条的规定，{{ you }}对复核意见不服，仍以同一事实和理由提出信访事项的，各级机关、单位不再受理。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "no_reacceptance_notice",
        "name": "不再受理告知书",
        "title": "不再受理告知书",
        "number_word": "不再受",
        "body": HEAD
        + OPENING
        + """收悉。</p>
<p>经审查，{{ you }}反映的事项{% if earlier_registration_number %}与{{ earlier_received_date }}提出的信访事项（登记编号：{{ earlier_registration_number }}）系同一事实和理由，该事项{% endif %}已经办理、复查、复核程序处理终结。{% if reason %}{{ reason|clause }}。{% endif %}根据《信访工作条例》第三十六条的规定，信访人对复核意见不服，仍以同一事实和理由提出信访事项的，各级机关、单位不再受理。</p>
<p>请{{ you }}理解支持。如有新的事实和理由，可以依法另行提出。</p>
<p>特此告知。</p>"""
        + SIGNATURE,
    },
    {
        "kind": "supervision_letter",
        "name": "督办函",
        "title": "督办函",
        "number_word": "督",
        "body": """<header>{{ issuer_name }}</header>
<p class="number">{{ number }}</p>
<h1>{{ title }}</h1>
<p class="salutation">{{ addressee_unit|default:"有关单位" }}：</p>
<p>{{ received_date }}，{{ petitioner_public }}以{{ channel_label }}形式反映“{{ summary }}”的信访事项（登记编号：{{ registration_number }}），由你单位负责办理。{% if reason %}经督查，{{ reason|clause }}。{% endif %}</p>
<p>根据《信访工作条例》关于督查督办的规定，现对该事项予以督办。请你单位高度重视，认真核查，依法依规妥善处理，{% if response_date %}并于{{ response_date }}前{% else %}并在规定期限内{% endif %}将办理情况书面报送{{ issuer_name }}。</p>
{% if requirements %}{{ requirements|paragraphs }}{% endif %}
<p>特此函告。</p>"""
        + SIGNATURE,
    },
]


def forwards(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for row in TEMPLATES:
        DocumentTemplate.objects.get_or_create(kind=row["kind"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
