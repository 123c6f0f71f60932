"""One form per workflow action: exactly the data its row of the transition table needs, in Chinese.

Forms only parse and offer sensible choices (units a bureau may route to, the unit's leaders who may approve
an extension); every rule is the workflow service's, whose refusal is put back on the form
(``apply_refusal``). ``form_for(row, petition, user, data)`` builds the form of an action.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from xinfang import clock, inputs
from xinfang.evaluation.models import RatingTarget, RatingValue, RatingVia, ReviewDecision
from xinfang.orgs import ordering
from xinfang.orgs.models import JURISDICTION_KINDS, PREFIX_LENGTH, OrgUnit
from xinfang.petitions.fields import CountedCharField
from xinfang.petitions.models import (
    CategoryRoute,
    ClosedReason,
    DeliveryMethod,
    LegalRoute,
    Petition,
    PetitionClass,
    Track,
)
from xinfang.petitions.models import ReplyOpinion as Opinion

from .effects.common import SIMPLIFIED_GROUNDS
from .effects.review import MAX_HEARING_DAYS
from .effects.routing import ON_SPOT_OUTCOMES
from .errors import TransitionRefused
from .models import ReplyForm
from .services import NOTE_MAX_LENGTH
from .transitions import Transition
from .units import extension_approving_unit, head_roles
from .windows import object_window

DATE = inputs.DateInput()
TEXT = forms.Textarea(attrs={"rows": 4})
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})
# How a petitioner's request reached staff who record it on their behalf (the portal records its own).
STAFF_VIAS = [("reception", "来访当面提出"), ("letter", "书面（来信）提出"), ("phone", "电话提出")]


# --- Choices ------------------------------------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return f"{unit.name}（{unit.get_kind_display()}）"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        roles = "、".join(user.role_labels)
        return f"{user.full_name or user.username}（{roles}）" if roles else str(user)


def _accused_unit_ids(petition: Petition) -> set[int]:
    """The accused unit, its own sub-units (unless it is a bureau or leadership) and the units employing the
    accused person: never offered for an accusation (Arts. 30, 46). The service refuses them anyway."""
    if petition.petition_class != PetitionClass.ACCUSATION:
        return set()
    accused: set[int] = set()
    subject = petition.subject_unit
    if subject is not None:
        accused.add(subject.pk)
        if subject.kind not in JURISDICTION_KINDS:
            frontier = {subject.pk}
            while frontier:
                frontier = set(OrgUnit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
                frontier -= accused
                accused |= frontier
    person = petition.subject_person.strip()
    if person:
        accused |= set(
            OrgUnit.objects.filter(users__full_name=person, users__is_active=True).values_list(
                "pk", flat=True
            )
        )
    return accused


def routing_units(petition: Petition, unit: OrgUnit):
    """Units a bureau may transfer or assign to: active units in its jurisdiction, not itself, not accused."""
    return (
        OrgUnit.objects.filter(is_active=True, region__code__startswith=unit.region.prefix)
        .exclude(pk=unit.pk)
        .exclude(pk__in=_accused_unit_ids(petition))
        .select_related("region")
    )


def suggested_unit(petition: Petition, choices) -> OrgUnit | None:
    """The category's default responsible unit (§12), if it is among the choices. Routes are kept per county
    and per category, so the nearest route wins: the issue region's own, else its township's, else its
    county's; a subcategory without one takes its parent category's."""
    region = petition.issue_region
    prefixes = {region.code[:n] for n in PREFIX_LENGTH.values() if n <= len(region.code)} | {region.code}
    category, categories = petition.category, []
    while category is not None:
        categories.append(category.pk)
        category = category.parent
    routes = CategoryRoute.objects.filter(
        category_id__in=categories, region__prefix__in=prefixes, unit__in=choices
    ).select_related("unit", "region")
    nearest = min(
        routes,
        key=lambda r: (-len(r.region.prefix), r.region.code != region.code, categories.index(r.category_id)),
        default=None,
    )
    return nearest.unit if nearest is not None else None


def unit_choices(units, suggestion: OrgUnit | None, empty: str) -> list:
    """The units as choices: the suggestion first and marked 建议, then by kind and name (orgs.ordering)."""
    rows = [("", empty)]
    for unit in ordering.in_order(units, first=suggestion):
        label = f"{unit.name}（{unit.get_kind_display()}）"
        rows.append((unit.pk, f"{label}【建议】" if unit == suggestion else label))
    return rows


def approvers(petition: Petition):
    """Who may approve an extension: the heads of the unit the rule names (``units.extension_approving_unit``)."""
    unit = extension_approving_unit(petition)
    if unit is None:  # not being handled by anyone: nobody to approve (the service refuses the action)
        return get_user_model().objects.none()
    users = get_user_model().objects.filter(unit=unit, is_active=True).order_by("full_name", "username")
    roles = head_roles(unit)
    # Roles are a JSON list; filter them here rather than in SQL, so SQLite and PostgreSQL agree.
    return users.filter(pk__in=[u.pk for u in users if u.has_role(*roles)])


# --- Forms --------------------------------------------------------------------------------------------------


class ActionForm(inputs.ChineseEmptyChoices, forms.Form):
    """The fields every action shares; subclasses add the action's data. ``rule`` quotes the rule."""

    rule = ""
    submit_label = "确定"

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, petition: Petition, user, row: Transition, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_version", petition.version)
        super().__init__(*args, **kwargs)
        self.petition, self.user, self.row = petition, user, row
        # The note goes last, after the action's own fields.
        self.fields["note"] = CountedCharField(
            label="备注",
            required=False,
            max_length=NOTE_MAX_LENGTH,
            widget=SHORT_TEXT,
            help_text="记入办理记录，供内部查看。",
        )
        self.setup()

    def setup(self) -> None:
        """Per-petition choices and help texts."""

    @property
    def title(self) -> str:
        return self.row.label

    def action_data(self) -> dict:
        """The cleaned data as ``perform`` keys: empty optional values are left out."""
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if key != "expected_version" and value not in (None, "")
        }


def apply_refusal(form: ActionForm, refusal: TransitionRefused) -> None:
    """Show the service's reason next to the field it names, or above the form."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.reason)


class RouteForm(ActionForm):
    to_unit = UnitChoiceField(label="接收单位", queryset=OrgUnit.objects.none())

    def setup(self) -> None:
        units = routing_units(self.petition, self.user.unit)
        field = self.fields["to_unit"]
        field.queryset = units
        suggestion = suggested_unit(self.petition, units)
        field.choices = unit_choices(units, suggestion, "请选择接收单位")
        if suggestion is not None and not self.is_bound:
            self.initial.setdefault("to_unit", suggestion.pk)
            field.help_text = f"按内容分类，默认责任单位为{suggestion.name}，请确认。"
        else:
            field.help_text = "本辖区内有权处理的单位。"


class TransferForm(RouteForm):
    rule = (
        "信访部门收到信访事项之日起15日内，转送有权处理的单位（《信访工作条例》第二十二条）；"
        "检举控告事项不得转送被检举控告的单位或人员所在单位（第三十条、第四十六条）。"
    )
    submit_label = "转送"


class AssignForm(RouteForm):
    rule = (
        "交办须确定报结时限，承办单位应按期报告办理结果（《信访工作条例》第二十二条）；"
        "检举控告事项不得交办给被检举控告的单位或人员所在单位（第三十条、第四十六条）。"
    )
    submit_label = "交办"

    report_due = forms.DateField(
        label="报结日期", required=False, widget=DATE, help_text="报结日期与报结天数填写一项。"
    )
    report_days = forms.IntegerField(
        label="报结天数",
        required=False,
        min_value=1,
        max_value=365,
        help_text="自交办之日起计算的天数，按时限规则推算报结日期。",
    )


class AcceptForm(ActionForm):
    rule = "收到转送、交办事项之日起15日内决定受理，并书面告知信访人（《信访工作条例》第二十三条）。"
    submit_label = "受理"

    track = forms.ChoiceField(
        label="办理程序",
        choices=Track.choices,
        initial=Track.ORDINARY,
        widget=forms.RadioSelect,
        help_text="普通程序自受理之日起60日内办结；简易办理自受理之日起10个工作日内答复。",
    )
    ground = forms.ChoiceField(
        label="适用简易办理的情形",
        required=False,
        choices=[("", "（普通程序不填）"), *SIMPLIFIED_GROUNDS.items()],
        help_text="适用简易办理时必选；事实清楚简单的须为初信初访。",
    )


class HandleSelfForm(AcceptForm):
    rule = (
        "属于本单位职责范围的，直接受理并书面告知信访人（《信访工作条例》第二十二条）；"
        "符合条件的可适用简易办理。"
    )
    submit_label = "直接受理"


class LegalRouteForm(ActionForm):
    rule = (
        "应当通过诉讼、仲裁、党员申诉、行政复议等法定途径解决的，书面告知信访人向有关机关提出"
        "（《信访工作条例》第三十一条第一至四项），事项退出信访程序。"
    )
    submit_label = "导入法定途径"

    legal_route = forms.ChoiceField(label="法定途径", choices=LegalRoute.choices)
    body = CountedCharField(
        label="受理机关", max_length=200, help_text="告知信访人应向其提出的机关，如“上城区人民法院”。"
    )
    text = forms.CharField(label="告知内容", required=False, widget=TEXT, help_text="写入不予受理告知书。")


class ConcludeOnSpotForm(ActionForm):
    rule = "来访事项当场解释说明、解决或引导的，于来访当日现场协调处理办结，仍登记并计入统计。"
    submit_label = "现场办结"

    outcome = forms.ChoiceField(label="处理结果", choices=list(ON_SPOT_OUTCOMES.items()))
    text = forms.CharField(label="处理情况", widget=TEXT)


class DeclineForm(ActionForm):
    rule = (
        "同一信访事项正在办理或在复查、复核期内的，不予受理（《信访工作条例》第十九条）；"
        "已经复核的，以同一事实和理由提出的不再受理（第三十六条）。"
    )
    submit_label = "不予受理"

    reason = forms.ChoiceField(
        label="理由",
        choices=[
            (ClosedReason.SAME_MATTER_PENDING, ClosedReason.SAME_MATTER_PENDING.label),
            (ClosedReason.MATTER_TERMINATED, ClosedReason.MATTER_TERMINATED.label),
        ],
        widget=forms.RadioSelect,
        help_text="仅适用于已关联原信访事项的重复信访。",
    )
    text = forms.CharField(label="说明", required=False, widget=TEXT)


class ObjectForm(ActionForm):
    rule = (
        "不属于本单位职责范围的，应在收到之日起5个工作日内说明理由，退回转出的信访部门重新分类处理"
        "（《信访工作条例》第二十三条）。"
    )
    submit_label = "提出异议"

    reason = forms.CharField(label="异议理由", widget=TEXT)

    def setup(self) -> None:
        try:
            last_day = object_window(self.petition)
        except (AttributeError, LookupError, ValueError):
            return
        self.fields["reason"].help_text = f"异议期限至{last_day:%Y年%m月%d日}。"


class ExtendForm(ActionForm):
    rule = (
        "办理期限为受理之日起60日；情况复杂的，经本单位负责人批准可以延期，"
        "延期不超过30日，须经本单位负责人批准（交办事项由交办的信访部门负责人批准），并告知信访人延期理由"
        "（《信访工作条例》第三十四条）。"
    )
    submit_label = "延期"

    days = forms.IntegerField(
        label="延长天数", min_value=1, max_value=30, initial=30, help_text="不超过30日，只能延长一次。"
    )
    reason = forms.CharField(label="延期理由", widget=TEXT, help_text="写入延期告知书，告知信访人。")
    approved_by = UserChoiceField(label="批准人", queryset=get_user_model().objects.none())

    def setup(self) -> None:
        field = self.fields["approved_by"]
        field.queryset = approvers(self.petition)
        unit = extension_approving_unit(self.petition)
        field.help_text = f"{unit.name}负责人。" if unit is not None else ""
        if not self.is_bound and self.user.pk in field.queryset.values_list("pk", flat=True):
            self.initial.setdefault("approved_by", self.user.pk)


class SwitchToSimplifiedForm(ActionForm):
    rule = (
        "事实清楚简单的初信初访、咨询建议感谢类、紧急的群众生产生活事项，或已有明确处理决定的事项，"
        "可简易办理：受理之日起10个工作日内答复，可通过电话、短信、网上等方式答复并记录。"
    )
    submit_label = "转为简易办理"

    ground = forms.ChoiceField(label="适用情形", choices=list(SIMPLIFIED_GROUNDS.items()))
    reason = forms.CharField(label="说明", required=False, widget=SHORT_TEXT)


class SwitchToOrdinaryForm(ActionForm):
    rule = "不宜简易办理的，转为普通程序，办理期限自受理之日起60日重新计算。"
    submit_label = "转为普通程序"

    reason = forms.CharField(label="理由", widget=TEXT)


class ReplyActionForm(ActionForm):
    rule = (
        "信访处理意见分为予以支持、解释说明、不予支持（《信访工作条例》第三十二条），或达成调解协议"
        "（第三十三条）；普通程序须出具书面信访处理意见书，简易办理可电话、短信、网上答复。"
    )
    submit_label = "答复"

    opinion = forms.ChoiceField(label="处理意见", choices=Opinion.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="意见内容", widget=forms.Textarea(attrs={"rows": 6}), help_text="写入信访处理意见书。"
    )

    def setup(self) -> None:
        # Only simplified handling may answer otherwise than in writing; the ordinary track has no choice.
        if self.petition.track == Track.SIMPLIFIED:
            self.fields["form"] = forms.ChoiceField(
                label="答复形式", choices=ReplyForm.choices, initial=ReplyForm.WRITTEN
            )
            self.order_fields(["opinion", "text", "form"])


class DeliverForm(ActionForm):
    rule = (
        "处理意见送达信访人，记录送达方式和信访人收到日期；自收到之日起30日内信访人可请求复查，"
        "并可对办理情况进行满意度评价。"
    )
    submit_label = "登记送达"

    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    received_on = forms.DateField(
        label="信访人收到日期", widget=DATE, help_text="不能早于答复日期，不能晚于今天。"
    )

    def setup(self) -> None:
        self.initial.setdefault("received_on", clock.today())


class RateForm(ActionForm):
    rule = (
        "信访人对信访部门和责任单位分别评价满意、基本满意或不满意，评价期为收到处理意见之日起30日；"
        "不满意的须说明理由。工作人员回访或来访时代为记录。"
    )
    submit_label = "记录评价"

    target = forms.ChoiceField(label="评价对象", choices=RatingTarget.choices, widget=forms.RadioSelect)
    rating = forms.ChoiceField(label="评价", choices=RatingValue.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="理由", required=False, widget=SHORT_TEXT, help_text="不满意时必填。")
    via = forms.ChoiceField(
        label="评价渠道",
        choices=[(RatingVia.PHONE, RatingVia.PHONE.label), (RatingVia.RECEPTION, RatingVia.RECEPTION.label)],
    )


class RequestReviewForm(ActionForm):
    rule = "信访人对处理意见不服的，可自收到之日起30日内请求原办理单位的上一级单位复查（《信访工作条例》第三十五条）。"
    submit_label = "登记复查请求"

    text = forms.CharField(label="请求内容", required=False, widget=TEXT)
    via = forms.ChoiceField(label="提出方式", choices=STAFF_VIAS)


class RequestReReviewForm(RequestReviewForm):
    rule = "信访人对复查意见不服的，可自收到之日起30日内向复查单位的上一级单位请求复核（《信访工作条例》第三十五条）。"
    submit_label = "登记复核请求"


class ReviewOpinionForm(ActionForm):
    rule = "复查单位自收到复查请求之日起30日内提出复查意见，并书面答复信访人（《信访工作条例》第三十五条）。"
    submit_label = "出具复查意见"

    decision = forms.ChoiceField(label="复查结论", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="意见内容", widget=forms.Textarea(attrs={"rows": 6}))
    received_on = forms.DateField(
        label="信访人收到日期", widget=DATE, help_text="自收到之日起计算请求复核的期限。"
    )

    def setup(self) -> None:
        self.initial.setdefault("received_on", clock.today())


class ReReviewOpinionForm(ReviewOpinionForm):
    rule = (
        "复核单位自收到复核请求之日起30日内提出复核意见，听证时间不计入；复核后，信访人以同一事实和理由"
        "提出的信访事项不再受理（《信访工作条例》第三十五条、第三十六条）。"
    )
    submit_label = "出具复核意见"

    decision = forms.ChoiceField(label="复核结论", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    hearing_days = forms.IntegerField(
        label="听证天数",
        required=False,
        min_value=0,
        max_value=MAX_HEARING_DAYS,
        help_text="尚未登记的听证所用天数，不计入复核期限。",
    )


class RecordHearingForm(ActionForm):
    rule = "复核可以举行听证，听证所需时间不计入复核期限，复核期限相应顺延。"
    submit_label = "登记听证"

    hearing_days = forms.IntegerField(label="听证天数", min_value=1, max_value=MAX_HEARING_DAYS)
    text = forms.CharField(label="听证情况", required=False, widget=TEXT)


class ResolveForm(ActionForm):
    rule = "矛盾纠纷已经实际化解、信访人息诉罢访的，标记为已化解，计入化解率。"
    submit_label = "标记化解"

    text = forms.CharField(label="化解情况", required=False, widget=TEXT)


FORMS: dict[str, type[ActionForm]] = {
    "transfer": TransferForm,
    "assign": AssignForm,
    "handle_self": HandleSelfForm,
    "direct_to_legal_route": LegalRouteForm,
    "conclude_on_spot": ConcludeOnSpotForm,
    "decline": DeclineForm,
    "accept": AcceptForm,
    "object": ObjectForm,
    "extend": ExtendForm,
    "switch_to_simplified": SwitchToSimplifiedForm,
    "switch_to_ordinary": SwitchToOrdinaryForm,
    "reply": ReplyActionForm,
    "deliver": DeliverForm,
    "rate": RateForm,
    "request_review": RequestReviewForm,
    "review_opinion": ReviewOpinionForm,
    "request_re_review": RequestReReviewForm,
    "record_hearing": RecordHearingForm,
    "re_review_opinion": ReReviewOpinionForm,
    "resolve": ResolveForm,
}


def generic_form(row: Transition) -> type[ActionForm]:
    """A plain form for an action another app added to the table without a form of its own."""
    fields = {key: forms.CharField(label=key, widget=SHORT_TEXT) for key in row.required}
    fields |= {key: forms.CharField(label=key, required=False, widget=SHORT_TEXT) for key in row.optional}
    return type(
        f"{row.action.title()}Form", (ActionForm,), {**fields, "rule": row.rules, "submit_label": row.label}
    )


def form_for(row: Transition, petition: Petition, user, data=None) -> ActionForm:
    form_class = FORMS.get(row.action) or generic_form(row)
    return form_class(data, petition=petition, user=user, row=row)
