"""Workbench forms: registration by channel, its petitioners, and the petition-list filters.

The registration form only parses input; the rules live in `services.register`, whose ValidationError
keys ("summary", "parties.0.id_number", "parties", "__all__" ...) `apply_service_errors` puts back next
to the fields they concern.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from xinfang import clock, inputs
from xinfang.leaders import access as leader_access
from xinfang.leaders.forms import LeaderChoice
from xinfang.leaders.models import EXPECTED, Appointment, ReceptionSession, SessionStatus
from xinfang.orgs import picker
from xinfang.orgs.models import Level, OrgUnit, Region, User
from xinfang.petitions import services
from xinfang.petitions.fields import CountedCharField, MultipleFileField, category_choices
from xinfang.petitions.models import (
    COLLECTIVE_MIN_PERSONS,
    Category,
    Channel,
    PartyRole,
    PetitionClass,
    Source,
    SourceAction,
    Status,
)
from xinfang.petitions.selectors import visible_to
from xinfang.search.query import TextSearch

# The channels a registrar enters by hand; the visit form is the one with visit fields.
MAIN_CHANNELS = [Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.ONLINE]
VISIT_LEVELS = [Level.NATIONAL, Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
SOURCE_LEVELS = [Level.NATIONAL, Level.PROVINCE, Level.CITY]
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def _blank(label: str, choices) -> list:
    return [("", label), *[(c.value, c.label) for c in choices]]


def jurisdiction_prefix(user) -> str:
    unit = getattr(user, "unit", None)
    return unit.region.prefix if unit is not None else ""


def bureau_prefix(user) -> str:
    """The area of the registrar's bureau: the units a petition can be about, or be filtered by."""
    region = bureau_region(user)
    return "" if region is None else region.prefix


def bureau_region(user):
    unit = getattr(user, "unit", None)
    return None if unit is None else (unit.bureau() or unit).region


def region_choices(prefix: str) -> list:
    """Regions of a jurisdiction: the county (if any), then each township with its villages."""
    rows = Region.objects.filter(
        code__startswith=prefix, level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]
    ).order_by("code")
    choices: list = [("", "请选择问题属地")]
    township_group = None
    for region in rows:
        if region.level == Level.VILLAGE and township_group is not None:
            township_group[1].append((region.pk, f"　{region.name}"))
        elif region.level == Level.TOWNSHIP:
            township_group = (region.name, [(region.pk, f"{region.name}（全乡镇/街道）")])
            choices.append(township_group)
        else:
            choices.append((region.pk, region.name))
    return choices


def unit_queryset(prefix: str):
    return (
        OrgUnit.objects.filter(is_active=True, region__code__startswith=prefix)
        .select_related("region")
        .order_by("code")
    )


def recent_sessions(user):
    """The bureau's reception sessions of the last week a visit may have been registered at."""
    bureau = leader_access.bureau_of(user)
    if bureau is None:
        return ReceptionSession.objects.none()
    today = clock.today()
    return (
        ReceptionSession.objects.filter(
            bureau=bureau,
            date__gte=today - dt.timedelta(days=7),
            date__lte=today,
            status=SessionStatus.PLANNED,
        )
        .select_related("leader")
        .order_by("-date", "-start_time")
    )


class AppointmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # The matter and the phone's last four: enough to tell who came, no more of the person.
        return f"{obj.session.date:%m-%d} {obj.session.leader}：{obj.matter[:20] or '（未填事项）'}（尾号{obj.phone[-4:]}）"


def mailbox_leaders(user):
    """The leaders a mailbox letter may be addressed to: those the registrar's bureau works with."""
    unit = getattr(user, "unit", None)
    bureau = unit.bureau() if unit is not None else None
    if bureau is None:
        return User.objects.none()
    return User.objects.filter(pk__in=[u.pk for u in leader_access.leaders_for(bureau)]).select_related(
        "unit"
    )


class RegistrationForm(inputs.ChineseEmptyChoices, forms.Form):
    received_at = forms.DateTimeField(
        label="收到时间",
        input_formats=[LOCAL_INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT),
        error_messages={"required": "请填写收到时间。", "invalid": "收到时间格式不正确。"},
    )
    source = forms.ChoiceField(label="来源", choices=Source.choices, initial=Source.DIRECT)
    source_level = forms.ChoiceField(
        label="转交办机关层级", required=False, choices=_blank("请选择", SOURCE_LEVELS)
    )
    source_action = forms.ChoiceField(
        label="转交办方式", required=False, choices=_blank("请选择", SourceAction)
    )
    visit_level = forms.ChoiceField(label="来访层级", required=False, choices=_blank("请选择", VISIT_LEVELS))
    person_count = forms.IntegerField(
        label="人次",
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={"invalid": "请填写整数。", "min_value": "人次至少为1。", "max_value": "人次不合理。"},
    )
    is_collective = forms.BooleanField(
        label="集体访",
        required=False,
        help_text=f"{COLLECTIVE_MIN_PERSONS}人以上来访为集体访，须推选代表（不超过5人）",
    )
    petition_class = forms.ChoiceField(
        label="信访类别",
        choices=PetitionClass.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择信访类别（建议意见、检举控告或申诉求决）。"},
    )
    category = forms.ModelChoiceField(
        label="内容分类",
        queryset=Category.objects.filter(is_active=True),
        error_messages={"required": "请选择内容分类。", "invalid_choice": "请选择有效的内容分类。"},
    )
    issue_region = forms.ModelChoiceField(
        label="问题属地",
        queryset=Region.objects.none(),
        error_messages={"required": "请选择问题属地。", "invalid_choice": "请选择有效的问题属地。"},
    )
    subject_unit = forms.ModelChoiceField(
        label="被反映单位", required=False, queryset=OrgUnit.objects.none(), empty_label="（无）"
    )
    subject_person = CountedCharField(
        label="被反映人", required=False, max_length=100, validators=[inputs.VisibleText("被反映人")]
    )
    summary = CountedCharField(
        label="事项摘要",
        max_length=services.SUMMARY_MAX_LENGTH,
        error_messages={"required": "请填写事项摘要。"},
        validators=[inputs.VisibleText("事项摘要")],
    )
    content = CountedCharField(
        label="诉求内容、事实和理由",
        max_length=services.CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "请填写诉求内容、事实和理由。",
            "max_length": f"诉求内容不超过{services.CONTENT_MAX_LENGTH}字（现有%(show_value)d字），"
            "更多材料请作为附件上传。",
        },
    )
    identity_confidential = forms.BooleanField(
        label="信访人要求身份保密", required=False, help_text="勾选后，只有承办本件的工作人员可见信访人身份"
    )
    repeat_of = forms.ModelChoiceField(
        label="重复件关联",
        required=False,
        queryset=None,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "关联的原信访事项不存在。"},
    )
    reception_session = forms.ModelChoiceField(
        label="在本次接访中登记",
        required=False,
        queryset=ReceptionSession.objects.none(),
        empty_label="（否）",
        help_text="在领导接访中来访的，选择该次接访",
        error_messages={"invalid_choice": "请选择本单位近期未取消的领导接访。"},
    )
    appointment = AppointmentChoice(
        label="约访",
        required=False,
        queryset=Appointment.objects.none(),
        empty_label="（无）",
        help_text="信访人按约访前来的，选择该约访：约访记为已接待",
        error_messages={"invalid_choice": "请选择所选接访中已确认的约访。"},
    )
    addressed_leader = LeaderChoice(
        label="收信领导",
        required=False,
        queryset=User.objects.none(),
        help_text="领导信箱来信写给哪位领导，答复意见书以该领导名义出具",
        error_messages={"invalid_choice": "请选择本辖区的党政领导或信访局领导。"},
    )
    addressed_leader_post = forms.CharField(
        label="收信领导职务", required=False, max_length=60, help_text="如“某某县县长”，不填则写所在单位"
    )
    attachments = MultipleFileField(
        label="附件",
        required=False,
        help_text="可多选：图片、PDF、Word、Excel、音视频或纯文本，单个不超过20 MB",
    )
    # One per form shown: a second submit of the same form (double click, a retry after a lost answer) shows
    # the first registration instead of making another (petitions.idempotency).
    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, channel: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", secrets.token_urlsafe(18))
        self.channel = channel
        self.user = user
        self.fields["category"].choices = category_choices()
        self.fields["issue_region"].queryset = Region.objects.filter(
            code__startswith=jurisdiction_prefix(user)
        )
        self.fields["issue_region"].choices = region_choices(jurisdiction_prefix(user))
        self.fields["subject_unit"].queryset = unit_queryset(bureau_prefix(user))
        self.fields["repeat_of"].queryset = visible_to(user)
        if not self.is_bound:
            self.initial.setdefault("received_at", clock.now().astimezone(clock.SHANGHAI))
        if channel == Channel.LEADER_MAILBOX:
            self.fields["addressed_leader"].queryset = mailbox_leaders(user)
        else:
            del self.fields["addressed_leader"], self.fields["addressed_leader_post"]
        if channel == Channel.VISIT:
            self.fields["reception_session"].queryset = recent_sessions(user)
            self.fields["appointment"].queryset = Appointment.objects.filter(
                session__in=recent_sessions(user), status__in=EXPECTED
            ).select_related("session__leader")
            self.fields["visit_level"].required = True
            self.fields["visit_level"].error_messages["required"] = "来访请选择来访层级。"
            self.fields["person_count"].required = True
            self.fields["person_count"].error_messages["required"] = "请填写来访人数。"
            self.fields["person_count"].label = "来访人数（人次）"
        else:
            for name in ("visit_level", "is_collective", "reception_session", "appointment"):
                del self.fields[name]
            if channel == Channel.LETTER:
                self.fields["person_count"].label = "署名人数"
                self.fields["person_count"].help_text = "不填则按登记的信访人数计"
            else:
                del self.fields["person_count"]

    @property
    def is_visit(self) -> bool:
        return self.channel == Channel.VISIT

    def clean(self):
        data = super().clean()
        if self.is_visit and data.get("person_count"):
            count, collective = data["person_count"], data.get("is_collective")
            if collective and count < COLLECTIVE_MIN_PERSONS:
                self.add_error("person_count", f"集体访人数应在{COLLECTIVE_MIN_PERSONS}人以上。")
            elif not collective and count >= COLLECTIVE_MIN_PERSONS:
                self.add_error(
                    "is_collective", f"{COLLECTIVE_MIN_PERSONS}人以上来访为集体访，请勾选“集体访”。"
                )
        session, received = data.get("reception_session"), data.get("received_at")
        if session is not None and received is not None and clock.local_date(received) != session.date:
            self.add_error("reception_session", "收到时间与所选领导接访的日期不一致。")
        appointment = data.get("appointment")
        if appointment is not None and (session is None or appointment.session_id != session.pk):
            self.add_error("appointment", "所选约访不在所选的领导接访中，请先选择该次接访。")
        if data.get("source") != Source.REFERRED_FROM_ABOVE:
            data["source_level"] = data["source_action"] = ""
        return data

    def to_registration(self, parties: list[services.PartyInput]) -> services.Registration:
        data = self.cleaned_data
        return services.Registration(
            channel=self.channel,
            received_at=data["received_at"],
            petition_class=data["petition_class"],
            category=data["category"],
            issue_region=data["issue_region"],
            summary=data["summary"],
            content=data["content"],
            parties=parties,
            person_count=data.get("person_count"),
            visit_level=data.get("visit_level", ""),
            source=data["source"],
            source_level=data["source_level"],
            source_action=data["source_action"],
            subject_unit=data.get("subject_unit"),
            subject_person=data.get("subject_person", ""),
            addressed_leader=data.get("addressed_leader"),
            addressed_leader_post=data.get("addressed_leader_post", ""),
            repeat_of=data.get("repeat_of"),
            identity_confidential=data.get("identity_confidential", False),
            attachments=[
                services.AttachmentInput(name=f.name, content=f.read()) for f in data.get("attachments", [])
            ],
        )


class PartyForm(inputs.ChineseEmptyChoices, forms.Form):
    name = CountedCharField(
        label="姓名",
        max_length=50,
        error_messages={"required": "请填写信访人姓名。"},
        validators=[inputs.VisibleText("信访人姓名")],
    )
    id_number = CountedCharField(label="身份证号", required=False, max_length=30, counter=False)
    phone = CountedCharField(label="联系电话", required=False, max_length=30, counter=False)
    address = CountedCharField(label="住址", required=False, max_length=services.ADDRESS_MAX_LENGTH)
    role = forms.ChoiceField(label="身份", choices=PartyRole.choices, initial=PartyRole.PRINCIPAL)

    def __init__(self, *args, channel: str = Channel.LETTER, **kwargs):
        super().__init__(*args, **kwargs)
        if channel != Channel.VISIT:
            self.fields["role"].choices = [
                (PartyRole.PRINCIPAL.value, PartyRole.PRINCIPAL.label),
                (PartyRole.CO_PETITIONER.value, PartyRole.CO_PETITIONER.label),
            ]
        if self.prefix and self.prefix.endswith("__prefix__"):
            # Rows added with "添加信访人" are usually co-signers; the first row is the petitioner.
            self.fields["role"].initial = PartyRole.CO_PETITIONER
        self.fields["id_number"].widget.attrs.update({"inputmode": "text", "autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def has_changed(self) -> bool:
        # A row that only carries its default role is an untouched "add another" row, not a petitioner.
        return any(self[name].data for name in ("name", "id_number", "phone", "address"))


class BasePartyFormSet(forms.BaseFormSet):
    def add_non_form_error(self, message: str) -> None:
        self.non_form_errors().append(message)

    def filled_forms(self) -> list[PartyForm]:
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]

    def to_parties(self) -> list[services.PartyInput]:
        return [
            services.PartyInput(
                name=f.cleaned_data["name"],
                id_number=f.cleaned_data.get("id_number", ""),
                phone=f.cleaned_data.get("phone", ""),
                address=f.cleaned_data.get("address", ""),
                role=f.cleaned_data["role"],
            )
            for f in self.filled_forms()
        ]


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=0, min_num=1, max_num=50, validate_max=True
)


def party_formset(channel: str, data=None) -> BasePartyFormSet:
    formset = PartyFormSet(data, prefix="parties", form_kwargs={"channel": channel})
    if data is None and channel == Channel.VISIT:
        formset.forms[0].initial.setdefault("role", PartyRole.PRINCIPAL)
    return formset


def apply_service_errors(error: ValidationError, form: RegistrationForm, formset: BasePartyFormSet) -> None:
    """Show each message of the service's ValidationError next to the field it names."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    filled = formset.filled_forms()
    for key, errors in error.error_dict.items():
        messages = [m for e in errors for m in e.messages]
        target_form, field = _target(key, form, filled)
        for message in messages:
            if target_form is None:
                formset.add_non_form_error(message)
            else:
                target_form.add_error(field, message)


def _target(key: str, form: RegistrationForm, parties: list[PartyForm]):
    if key == "parties":
        return None, None
    if key.startswith("parties."):
        _, index, *rest = key.split(".")
        if index.isdigit() and int(index) < len(parties):
            party = parties[int(index)]
            field = rest[0] if rest and rest[0] in party.fields else None
            return party, field
        return None, None
    if key in form.fields and key != "repeat_of":
        return form, key
    # Errors about fields this form does not show (or hidden ones) are shown at the top of the form.
    return form, None


class ListFilterForm(inputs.ChineseEmptyChoices, forms.Form):
    empty_choice = inputs.ALL_CHOICE

    q = forms.CharField(label="关键词", required=False, max_length=100)
    status = forms.ChoiceField(label="状态", required=False, choices=_blank("全部状态", Status))
    channel = forms.ChoiceField(label="信访形式", required=False, choices=_blank("全部形式", Channel))
    receiving_unit = forms.ModelChoiceField(
        label="登记单位", required=False, queryset=OrgUnit.objects.none(), empty_label="全部登记单位"
    )
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", required=False, queryset=OrgUnit.objects.none(), empty_label="全部责任单位"
    )
    category = forms.ModelChoiceField(label="内容分类", required=False, queryset=Category.objects.all())
    received_from = inputs.BoundedDateField(label="收到日期起", required=False, widget=inputs.DateInput())
    received_to = inputs.BoundedDateField(label="收到日期止", required=False, widget=inputs.DateInput())

    def __init__(self, *args, user, ip_address: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ip_address = user, ip_address
        region = bureau_region(user)
        prefix = "" if region is None else region.prefix
        units = unit_queryset(prefix)
        # A city's or province's thousands of units are searched (orgs.picker), its own level's listed.
        large = picker.is_large(region)
        options = [] if large else [(unit.pk, unit.name) for unit in units]  # one query for both selects
        listed = list(units.filter(region__prefix=prefix)) if large else []
        for name, empty in (("receiving_unit", "全部登记单位"), ("responsible_unit", "全部责任单位")):
            self.fields[name].queryset = units
            if large:
                picker.make_searchable(self.fields[name], reverse("petitions:units"), listed=listed)
            else:
                self.fields[name].choices = [("", empty), *options]
        self.fields["category"].choices = [("", "全部分类"), *category_choices()[1:]]

    def clean_q(self) -> str:
        return inputs.search_text(self.cleaned_data.get("q") or "")

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "截止日期不能早于起始日期。")
        return data

    @cached_property
    def text_search(self) -> TextSearch | None:
        """The keyword search (the full-text index or the petitioners' digests, never a LIKE scan), looked up
        once per request; a search by ID number or phone is recorded as this user's."""
        text = (getattr(self, "cleaned_data", {}).get("q") or "").strip()
        return TextSearch(text, user=self.user, ip_address=self.ip_address) if text else None

    def filter(self, qs, *, text: bool = True):
        """`qs` narrowed by the valid fields; without the keyword search when `text` is false (the count
        applies it itself: `TextSearch.count`)."""
        data = self.cleaned_data
        if text and self.text_search is not None:
            qs = self.text_search.filter(qs)
        for name in ("status", "channel", "receiving_unit", "responsible_unit"):
            if data.get(name):
                qs = qs.filter(**{name: data[name]})
        if data.get("category"):
            category = data["category"]
            qs = qs.filter(Q(category=category) | Q(category__path__startswith=f"{category.path}/"))
        if data.get("received_from"):
            qs = qs.filter(received_at__gte=_local_midnight(data["received_from"]))
        if data.get("received_to"):
            qs = qs.filter(received_at__lt=_local_midnight(data["received_to"] + dt.timedelta(days=1)))
        return qs


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI)
