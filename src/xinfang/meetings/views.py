"""Joint-meeting pages: list, record a meeting with its items, the meeting with a form per step, and a unit's
decisions to carry out. Views parse and call the service; a refusal is its Chinese message."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.disputes.selectors import disputes_visible_to
from xinfang.documents.files import CONTENT_TYPES
from xinfang.http import client_ip
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.selectors import visible_to
from xinfang.supervision import services as supervision_services

from . import minutes, services, tracking
from .forms import CompleteForm, DecideForm, EscalateForm, MeetingForm, SettleForm, SuperviseForm
from .models import AgendaItem, Decision
from .selectors import decisions_for, decisions_visible_to, meetings_visible_to

LINE = re.compile(
    r"^\s*(?:纠纷编号\s*(?P<dispute>\d+)|议题编号\s*(?P<item>\d+)|(?P<number>XF-[\w-]+))?\s*(?P<summary>.*)$"
)


PREFILL = {"title": 200, "items": 20_000}


def refusal(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or "无权执行该操作。")


def form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(v)}" for k, v in form.errors.items()
    )


def parse_items(user, text: str) -> list[services.ItemInput]:
    items, problems = [], []
    for n, line in enumerate((t for t in text.splitlines() if t.strip()), 1):
        m = LINE.match(line)
        petition = dispute = source = None
        if m["number"]:
            petition = visible_to(user).filter(registration_number=m["number"]).first()
            if petition is None:
                problems.append(f"第{n}项：信访事项“{m['number']}”不存在或无权查看")
        elif m["dispute"]:
            dispute = disputes_visible_to(user).filter(pk=m["dispute"]).first()
            if dispute is None:
                problems.append(f"第{n}项：矛盾纠纷{m['dispute']}不存在或无权查看")
        elif m["item"]:
            source = AgendaItem.objects.filter(pk=m["item"], meeting__in=meetings_visible_to(user)).first()
            if source is None:
                problems.append(f"第{n}项：议题{m['item']}不存在或无权查看")
        items.append(
            services.ItemInput(
                m["summary"].strip(), petition=petition, dispute=dispute, escalated_from=source
            )
        )
    if problems:
        raise ValidationError(problems)
    return items


@login_required
@require_GET
def meeting_list(request):
    meetings = meetings_visible_to(request.user).select_related("unit")[:200]
    mine = (
        decisions_for(request.user.unit).select_related("item__meeting", "lead_unit")
        if request.user.unit
        else []
    )
    return render(
        request, "meetings/list.html", {"meetings": meetings, "decisions": mine, "today": clock.today()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    # A page that proposes items (the dashboard's 高频问题排行) opens the form with them filled in; nothing
    # is recorded until the meeting is submitted, and each line is checked as if typed.
    initial = {key: request.GET.get(key, "")[:limit] for key, limit in PREFILL.items() if key in request.GET}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            items = parse_items(request.user, data.pop("items"))
            meeting = services.hold_meeting(request.user, items=items, ip_address=client_ip(request), **data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, "会议已记录。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/new.html", {"form": form})


def _meeting(user, pk):
    meeting = meetings_visible_to(user).select_related("unit__region").filter(pk=pk).first()
    if meeting is None:
        raise Http404("会议不存在。")
    return meeting


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = _meeting(request.user, pk)
    # An item about a petition the user may not see (an accusation against the user's unit) is left out.
    items = minutes.items_shown_to(request.user, meeting)
    prefix = services.county_prefix(meeting.unit)
    # One set of forms per item (and per decision), each with its own ids: the same form repeated with the
    # same ids would tie every label to the first item's field.
    rules = deadline_rules.get_rules()
    for item in items:
        item.shown_petition = item.petition
        auto_id = f"item{item.pk}-%s"
        item.decide_form = DecideForm(county_prefix=prefix, auto_id=auto_id)
        item.escalate_form = EscalateForm(auto_id=auto_id)
        item.settle_form = SettleForm(auto_id=auto_id)
        for decision in item.decisions.all():
            decision.complete_form = CompleteForm(auto_id=f"decision{decision.pk}-%s")
            decision.colour = tracking.decision_colour(decision, rules=rules)
    context = {
        "m": meeting,
        "items": items,
        "may_run": services.can_run(request.user, meeting),
        "unit_id": request.user.unit_id,
        "may_supervise": supervision_services.can_open(request.user, None),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def item_action(request, pk, item_id, step):
    meeting = _meeting(request.user, pk)
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise Http404("议题不存在。")
    forms = {
        "decide": lambda: DecideForm(request.POST, county_prefix=services.county_prefix(meeting.unit)),
        "escalate": lambda: EscalateForm(request.POST),
        "settle": lambda: SettleForm(request.POST),
    }
    if step not in forms:
        raise Http404("操作不存在。")
    form = forms[step]()
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        data, ip = dict(form.cleaned_data), client_ip(request)
        if step == "decide":
            data["supporting_units"] = list(data["supporting_units"])
            services.decide(item, request.user, ip_address=ip, **data)
        elif step == "escalate":
            services.escalate_item(item, request.user, ip_address=ip, **data)
        else:
            services.settle_item(item, request.user, ip_address=ip, **data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(
            request,
            {"decide": "议定事项已记录。", "escalate": "已提请上级研究。", "settle": "议题已化解。"}[step],
        )
    return redirect("meetings:detail", pk)


@login_required
@require_POST
def decision_complete(request, pk, decision_id):
    meeting = _meeting(request.user, pk)
    decision = Decision.objects.filter(pk=decision_id, item__meeting=meeting).first()
    if decision is None:
        raise Http404("议定事项不存在。")
    form = CompleteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        services.complete_decision(decision, request.user, ip_address=client_ip(request), **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, "落实情况已报告。")
    return redirect("meetings:detail", pk)


@login_required
@require_http_methods(["GET", "POST"])
def decision_supervise(request, pk, decision_id):
    """Open a 督办 on a decision its lead unit has not carried out (supervisors and leaders of a bureau)."""
    meeting = _meeting(request.user, pk)
    decision = decisions_visible_to(request.user).filter(pk=decision_id, item__meeting=meeting).first()
    if decision is None:
        raise Http404("议定事项不存在。")
    form = SuperviseForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            opened = services.supervise_decision(
                decision, request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, "已对该议定事项发出督办。")
            return redirect("supervision:detail", opened.pk)
    decision.colour = tracking.decision_colour(decision)
    context = {
        "m": meeting,
        "d": decision,
        "form": form,
        "subject": tracking.SECRET if _secret(decision) else decision.action,
    }
    return render(request, "meetings/supervise.html", context)


def _secret(decision: Decision) -> bool:
    petition = decision.item.petition
    return petition is not None and petition.petition_class == PetitionClass.ACCUSATION


@login_required
@require_GET
def meeting_minutes(request, pk, fmt):
    """The minutes as the user may see them: rendered each time, so decisions carried out since appear."""
    if fmt not in CONTENT_TYPES:
        raise Http404("格式不存在。")
    meeting = _meeting(request.user, pk)
    response = HttpResponse(minutes.render(request.user, meeting, fmt), content_type=CONTENT_TYPES[fmt])
    filename = quote(f"{meeting.title}纪要-{meeting.held_on:%Y%m%d}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
