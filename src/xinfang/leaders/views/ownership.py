"""Case ownership pages (领导包案): 我的包案, assign one on a petition, the ownership with its plan and progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.http import client_ip
from xinfang.petitions.selectors import get_visible_or_404, visible_to

from .. import access
from ..colours import ownership_colour
from ..forms import HandOnForm, NoteForm, OwnershipForm, ResolveForm
from ..models import OwnershipStatus
from ..selectors import ownerships_visible_to
from ..services import ownership as service
from .common import first_or_404, leaders_of, run, staff_of, units_of


@login_required
@require_GET
def my_ownerships(request):
    """我的包案: the user's own as leader or on the team; bureau staff also see their jurisdiction's."""
    qs = ownerships_visible_to(request.user).select_related("leader").prefetch_related("petitions")
    may_see_all = access.is_bureau_staff(request.user)
    mine_only = request.GET.get("all") != "1" or not may_see_all
    if mine_only:
        qs = qs.filter(Q(leader=request.user) | Q(team_users=request.user)).distinct()
    status = request.GET.get("status", OwnershipStatus.OPEN)
    if status in OwnershipStatus.values:
        qs = qs.filter(status=status)
    ownerships = list(qs[:200])
    for row in ownerships:
        row.colour = ownership_colour(row)
    context = {
        "ownerships": ownerships,
        "status": status,
        "statuses": OwnershipStatus.choices,
        "mine_only": mine_only,
        "may_see_all": may_see_all,
        "today": clock.today(),
    }
    return render(request, "leaders/ownership_list.html", context)


def _form_kwargs(bureau):
    return {"leaders": leaders_of(bureau), "units": units_of(bureau), "staff": staff_of(bureau)}


def _ownership_call(form, call):
    data = form.cleaned_data
    return lambda: call(
        leader=data["leader"],
        leader_post=data["leader_post"],
        leader_level=data["leader_level"],
        resolution_due=data["resolution_due"],
        steps=form.steps(),
        team_users=data["team_users"],
        team_units=data["team_units"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def ownership_new(request):
    bureau = access.bureau_of(request.user)
    if bureau is None:
        raise PermissionDenied("只有信访部门的工作人员可以确定包案领导。")
    source = request.POST if request.method == "POST" else request.GET
    petition = get_visible_or_404(request.user, source.get("petition"))
    form = OwnershipForm(request.POST or None, initial={"problem": petition.summary}, **_form_kwargs(bureau))
    if request.method == "POST" and form.is_valid():
        made = {}

        def call(**kwargs):
            made["o"] = service.open_ownership(
                request.user,
                petitions=[petition],
                problem=form.cleaned_data["problem"],
                ip_address=client_ip(request),
                **kwargs,
            )

        if run(form, _ownership_call(form, call)):
            messages.success(request, "已确定包案领导。")
            return redirect("leaders:ownership", pk=made["o"].pk)
    context = {"form": form, "petition": petition}
    return render(request, "leaders/ownership_form.html", context, status=400 if form.errors else 200)


def _get(user, pk):
    return first_or_404(
        ownerships_visible_to(user).select_related("leader", "bureau", "handed_from", "ended_by"),
        pk,
        "包案不存在。",
    )


def _page(request, ownership, *, status=200, **forms):
    may_record = ownership.is_open and service.can_record(request.user, ownership)
    ownership.colour = ownership_colour(ownership)
    context = {
        "o": ownership,
        "petitions": list(ownership.petitions.filter(pk__in=get_visible_pks(request.user, ownership))),
        "steps": list(ownership.steps.all()),
        "progress": list(ownership.progress.select_related("by")),
        "team_users": list(ownership.team_users.all()),
        "team_units": list(ownership.team_units.all()),
        "successor": getattr(ownership, "handed_to", None)
        if ownership.status == OwnershipStatus.HANDED_ON
        else None,
        "may_record": may_record,
        "progress_form": forms.get("progress") or NoteForm(label="工作进展"),
        "resolve_form": forms.get("resolve") or ResolveForm(),
        "hand_form": forms.get("hand")
        or (HandOnForm(**_form_kwargs(ownership.bureau)) if may_record else None),
        "today": clock.today(),
    }
    return render(request, "leaders/ownership_detail.html", context, status=status)


def get_visible_pks(user, ownership):
    return visible_to(user).filter(ownerships=ownership).values("pk")


@login_required
@require_GET
def ownership_detail(request, pk: int):
    return _page(request, _get(request.user, pk))


@login_required
@require_POST
def ownership_progress(request, pk: int):
    ownership = _get(request.user, pk)
    form = NoteForm(request.POST, label="工作进展")
    if form.is_valid() and run(
        form,
        lambda: service.add_progress(
            ownership, request.user, note=form.cleaned_data["note"], ip_address=client_ip(request)
        ),
    ):
        messages.success(request, "进展已记录。")
        return redirect("leaders:ownership", pk=ownership.pk)
    return _page(request, ownership, progress=form, status=400)


@login_required
@require_POST
def ownership_resolve(request, pk: int):
    ownership = _get(request.user, pk)
    form = ResolveForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: service.resolve(
            ownership,
            request.user,
            standards=form.cleaned_data["standards"],
            note=form.cleaned_data["note"],
            ip_address=client_ip(request),
        ),
    ):
        messages.success(request, "包案已化解办结。")
        return redirect("leaders:ownership", pk=ownership.pk)
    return _page(request, ownership, resolve=form, status=400)


@login_required
@require_POST
def ownership_hand_on(request, pk: int):
    ownership = _get(request.user, pk)
    form = HandOnForm(request.POST, **_form_kwargs(ownership.bureau))
    if form.is_valid():
        made = {}

        def call(**kwargs):
            made["o"] = service.hand_on(
                ownership,
                request.user,
                note=form.cleaned_data["note"],
                ip_address=client_ip(request),
                **kwargs,
            )

        if run(form, _ownership_call(form, call)):
            messages.success(request, "包案已移交。")
            return redirect("leaders:ownership", pk=made["o"].pk)
    return _page(request, ownership, hand=form, status=400)
