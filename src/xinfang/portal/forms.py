"""Public forms. They parse and explain; the rules live in ``petitions.services.register`` and the workflow's
``perform``, whose ValidationErrors the views put back next to the fields they name."""

from __future__ import annotations

import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from xinfang import inputs
from xinfang.evaluation.models import RatingValue
from xinfang.orgs.models import Level, OrgUnit, Region
from xinfang.petitions import attachments as attachment_checks
from xinfang.petitions.fields import CountedCharField, MultipleFileField, category_choices
from xinfang.petitions.identity import IdentityError, validate_id_number, validate_phone
from xinfang.petitions.models import Category, PetitionClass
from xinfang.petitions.services import AttachmentInput, PartyInput

from . import config, mailboxes
from .models import MailboxLeader
from .selectors import is_well_formed, normalize_query_code

CLASS_CHOICES = [
    (PetitionClass.CLAIM.value, "申诉求决：请求解决本人（或家庭）的实际问题，或对处理结果不服"),
    (PetitionClass.SUGGESTION.value, "建议意见：对政府或部门工作提出意见、建议"),
    (PetitionClass.ACCUSATION.value, "检举控告：检举、控告公职人员或单位的违法违纪行为（依法为检举人保密）"),
]
TEXT_LIMIT = 5000  # the service allows more; the portal asks people to attach long material instead


def _attrs(**extra) -> dict:
    return {"class": "form-control", **extra}


RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})


class PhoneField(CountedCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("counter", False)  # a code: its format check explains a wrong length
        kwargs.setdefault("label", "手机号码")
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "error_messages", {"required": "请填写手机号码。", "max_length": "手机号码格式不正确。"}
        )
        kwargs.setdefault("widget", forms.TextInput(attrs=_attrs(inputmode="tel", autocomplete="tel")))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return validate_phone(value)
        except IdentityError as exc:
            raise ValidationError(str(exc)) from None


class IdNumberField(CountedCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("counter", False)  # a code: its format check explains a wrong length
        kwargs.setdefault("label", "身份证号码")
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "error_messages", {"required": "请填写身份证号码。", "max_length": "身份证号码应为18位。"}
        )
        kwargs.setdefault("widget", forms.TextInput(attrs=_attrs(autocomplete="off", spellcheck="false")))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return validate_id_number(value)
        except IdentityError as exc:
            raise ValidationError(str(exc)) from None


def township_choices(prefix: str, county_names: bool) -> list:
    rows = Region.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP).select_related("parent")
    return [("", "请选择乡镇(街道)")] + [
        (r.code, f"{r.parent.name} {r.name}" if county_names and r.parent else r.name)
        for r in rows.order_by("code")
    ]


def village_choices(prefix: str) -> list:
    """Villages grouped by township; the option values are GB/T 2260 codes, so the page's script can show only
    the chosen township's villages (a village code starts with its township's)."""
    rows = Region.objects.filter(code__startswith=prefix, level=Level.VILLAGE).select_related("parent")
    groups: dict[str, list] = {}
    for region in rows.order_by("code"):
        groups.setdefault(region.parent.name if region.parent else "", []).append((region.code, region.name))
    return [("", "不清楚或不涉及具体村(社区)"), *groups.items()]


class FilingForm(inputs.ChineseEmptyChoices, forms.Form):
    """One petition filed online (Art. 19: the petitioner's name and contact, the request, facts and reasons)."""

    name = CountedCharField(
        label="姓名",
        max_length=50,
        widget=forms.TextInput(attrs=_attrs(autocomplete="name")),
        error_messages={"required": "请填写您的姓名。"},
        validators=[inputs.VisibleText("姓名")],
    )
    id_number = IdNumberField()
    phone = PhoneField(help_text="用于接收短信通知，并与查询码一起查询办理进度。")
    address = CountedCharField(
        label="联系地址",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_attrs(autocomplete="street-address")),
    )
    petition_class = forms.ChoiceField(
        label="您要反映的是",
        choices=CLASS_CHOICES,
        widget=RADIO,
        error_messages={
            "required": "请选择您要反映的事项类型。",
            "invalid_choice": "请选择您要反映的事项类型。",
        },
    )
    category = forms.ChoiceField(
        label="问题分类",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择问题分类。", "invalid_choice": "请选择问题分类。"},
    )
    township = forms.ChoiceField(
        label="问题发生地：乡镇(街道)",
        widget=forms.Select(attrs={"class": "form-select", "data-xf-township": ""}),
        error_messages={
            "required": "请选择问题发生的乡镇(街道)。",
            "invalid_choice": "请选择问题发生的乡镇(街道)。",
        },
    )
    village = forms.ChoiceField(
        label="村(社区)",
        required=False,
        widget=forms.Select(attrs={"class": "form-select", "data-xf-village": ""}),
        error_messages={"invalid_choice": "请选择所选乡镇(街道)下的村(社区)。"},
    )
    mailbox = forms.TypedChoiceField(
        label="写信给",
        required=False,
        coerce=int,
        empty_value=None,
        widget=RADIO,
        help_text="可以写信给下列领导的信箱，由信访部门登记后转呈，答复意见以领导名义作出。",
        error_messages={"invalid_choice": "请在列出的领导信箱中选择，或选择“信访部门”。"},
    )
    subject = CountedCharField(
        label="被反映的单位或人员",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=_attrs()),
        help_text="如有，请填写单位名称或人员姓名、职务。",
    )
    request_text = CountedCharField(
        label="您的诉求",
        max_length=200,
        widget=forms.TextInput(attrs=_attrs()),
        help_text="用一句话说明您希望解决什么问题，不超过200字。",
        error_messages={"required": "请填写您的诉求。"},
    )
    facts = CountedCharField(
        label="事实和理由",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=_attrs(rows=7)),
        help_text=f"请写清时间、地点、经过和您的理由，不超过{TEXT_LIMIT}字；更多材料可作为附件上传。",
        error_messages={
            "required": "请填写事实和理由。",
            "max_length": f"事实和理由不超过{TEXT_LIMIT}字（现有%(show_value)d字），更多材料请作为附件上传。",
        },
    )
    attachments = MultipleFileField(
        label="证明材料（附件）",
        required=False,
        help_text=(
            f"可选。最多{config.MAX_ATTACHMENTS}个文件：图片、PDF、Word、Excel、音视频或纯文本，"
            f"单个不超过{settings.XF_ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB。提交出错时需要重新选择附件。"
        ),
    )
    identity_confidential = forms.BooleanField(
        label="我要求对我的身份信息保密",
        required=False,
        help_text="勾选后，只有承办本件的工作人员能看到您的身份信息。",
    )
    pledge = forms.BooleanField(
        label="我承诺所反映的情况真实，并对其真实性负责",
        error_messages={"required": "请确认所反映的情况真实。"},
    )
    # Left empty by people; filled by form-filling robots (hidden from view and from screen readers).
    website = forms.CharField(required=False, label="请勿填写")
    # One per form shown: a double submit shows the first receipt instead of filing twice.
    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", secrets.token_urlsafe(18))
        self.unit = unit
        prefix = unit.region.prefix
        above_county = unit.region.level not in (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
        self.fields["category"].choices = [("", "请选择问题分类"), *category_choices()[1:]]
        self.fields["township"].choices = township_choices(prefix, above_county)
        self.fields["village"].choices = village_choices(prefix)
        self.mailboxes = {row.pk: row for row in mailboxes.published()}
        if self.mailboxes:
            self.fields["mailbox"].choices = [
                ("", f"{unit.name}（不写给特定领导）"),
                *((pk, f"{row.post}信箱（{row.leader}）") for pk, row in self.mailboxes.items()),
            ]
        else:
            del self.fields["mailbox"]
        self.fields["attachments"].widget.attrs.update({"class": "form-control"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_category(self) -> Category:
        value = self.cleaned_data["category"]
        category = (
            Category.objects.filter(pk=value, is_active=True).first()
            if inputs.is_ascii_int(str(value))
            else None
        )
        if category is None:
            raise ValidationError("请选择问题分类。")
        return category

    def clean_attachments(self) -> list[AttachmentInput]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > config.MAX_ATTACHMENTS:
            raise ValidationError(f"附件最多{config.MAX_ATTACHMENTS}个。")
        limit = settings.XF_ATTACHMENT_MAX_BYTES
        checked, errors = [], []
        for upload in files:
            # Judge the size before reading: a huge upload is refused without loading it into memory.
            if upload.size > limit:
                errors.append(f"附件“{upload.name}”超过大小上限（{limit // (1024 * 1024)} MB）。")
                continue
            content = upload.read()
            try:
                attachment_checks.check_upload(upload.name, content)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            checked.append(AttachmentInput(name=upload.name, content=content))
        if errors:
            raise ValidationError(errors)
        return checked

    def clean(self):
        data = super().clean()
        township, village = data.get("township"), data.get("village")
        if township and village and not village.startswith(township):
            self.add_error("village", "请选择所选乡镇(街道)下的村(社区)。")
        if data.get("website"):
            raise ValidationError("提交未成功，请稍后重试。")
        return data

    @property
    def mailbox_leader(self) -> MailboxLeader | None:
        """The leader's mailbox written to, if any."""
        pk = self.cleaned_data.get("mailbox")
        return self.mailboxes.get(pk) if pk is not None else None

    @property
    def issue_region(self) -> Region | None:
        code = self.cleaned_data.get("village") or self.cleaned_data.get("township")
        return Region.objects.filter(code=code).first() if code else None

    def principal(self) -> PartyInput:
        data = self.cleaned_data
        return PartyInput(
            name=data["name"], id_number=data["id_number"], phone=data["phone"], address=data["address"]
        )

    def content(self) -> str:
        data = self.cleaned_data
        return f"诉求：{data['request_text'].strip()}\n\n事实和理由：\n{data['facts'].strip()}"


class CoPetitionerForm(inputs.ChineseEmptyChoices, forms.Form):
    """Another signer of a joint petition (联名信访)."""

    name = CountedCharField(
        label="姓名",
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs=_attrs(autocomplete="off")),
        validators=[inputs.VisibleText("姓名")],
    )
    id_number = IdNumberField(required=False)
    phone = PhoneField(required=False, help_text="", label="手机号码（可不填）")

    def has_changed(self) -> bool:
        return any((self[name].data or "").strip() for name in ("name", "id_number", "phone"))

    def clean(self):
        data = super().clean()
        if self.has_changed():
            if not data.get("name") and "name" not in self.errors:
                self.add_error("name", "请填写联名人的姓名。")
            if not data.get("id_number") and "id_number" not in self.errors:
                self.add_error("id_number", "请填写联名人的身份证号码。")
        return data


class BaseCoPetitionerFormSet(forms.BaseFormSet):
    def co_petitioners(self) -> list[PartyInput]:
        return [
            PartyInput(
                name=f.cleaned_data["name"],
                id_number=f.cleaned_data["id_number"],
                phone=f.cleaned_data.get("phone") or "",
                role="co_petitioner",
            )
            for f in self.forms
            if f.has_changed()
        ]


CoPetitionerFormSet = forms.formset_factory(
    CoPetitionerForm,
    formset=BaseCoPetitionerFormSet,
    extra=0,
    max_num=config.MAX_CO_PETITIONERS,
    validate_max=True,
    absolute_max=config.MAX_CO_PETITIONERS,
)


class QueryCodeField(CountedCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("counter", False)  # a code: its format check explains a wrong length
        kwargs.setdefault("label", "查询码")
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", "登记时告知您的12位查询码，如 ABCD-EFGH-JKLM，不区分大小写。")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs=_attrs(autocomplete="off", autocapitalize="characters", spellcheck="false")
            ),
        )
        kwargs.setdefault(
            "error_messages", {"required": "请填写查询码。", "max_length": "查询码应为12位字母和数字。"}
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalize_query_code(super().clean(value))
        if not is_well_formed(value):
            raise ValidationError("查询码应为12位字母和数字，请核对。")
        return value


class FollowForm(inputs.ChineseEmptyChoices, forms.Form):
    query_code = QueryCodeField()
    phone = PhoneField(help_text="登记时留下的手机号码（联名信访的，任一联名人的号码均可）。")


class RatingForm(inputs.ChineseEmptyChoices, forms.Form):
    """The petitioner's ratings of the bureau and of the responsible unit (either may already be given)."""

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for target, label in targets:
            self.fields[f"{target}_rating"] = forms.ChoiceField(
                label=f"对{label}的评价",
                choices=RatingValue.choices,
                widget=RADIO,
                error_messages={"required": f"请选择对{label}的评价。"},
            )
            self.fields[f"{target}_reason"] = CountedCharField(
                label="理由（选择“不满意”时必填）",
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs=_attrs(rows=3)),
                error_messages={"max_length": "理由不超过1000字（现有%(show_value)d字），请删减后再提交。"},
            )

    def clean(self):
        data = super().clean()
        for target, label in self.targets:
            rating = data.get(f"{target}_rating")
            if rating == RatingValue.DISSATISFIED and not (data.get(f"{target}_reason") or "").strip():
                self.add_error(f"{target}_reason", f"您对{label}不满意，请说明理由。")
        return data


class AppealForm(inputs.ChineseEmptyChoices, forms.Form):
    """A request for review (复查) or re-review (复核), with the petitioner's reasons."""

    text = CountedCharField(
        label="请求的事实和理由",
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs=_attrs(rows=5)),
        error_messages={
            "required": "请说明您不服处理意见的事实和理由。",
            "max_length": f"事实和理由不超过{TEXT_LIMIT}字（现有%(show_value)d字），更多材料请另行提交。",
        },
    )


class AccountPhoneForm(inputs.ChineseEmptyChoices, forms.Form):
    phone = PhoneField(help_text="我们将向该号码发送6位验证码。")


class AccountCodeForm(inputs.ChineseEmptyChoices, forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs=_attrs(inputmode="numeric", autocomplete="one-time-code")),
        error_messages={
            "required": "请填写验证码。",
            "min_length": "验证码为6位数字。",
            "max_length": "验证码为6位数字。",
        },
    )
