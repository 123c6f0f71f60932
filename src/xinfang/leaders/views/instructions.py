"""Instructions (阅批): submit a petition to a leader, the leader's queue (usable on a phone), the 批示, and
the instructions a unit has to answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.http import client_ip
from xinfang.petitions.selectors import get_visible_or_404

from .. import access
from ..forms import AnswerForm, InstructForm, SubmitForm
from ..selectors import queue_of, submissions_visible_to, targets_for_unit
from ..services import instructions as service
from .common import first_or_404, leaders_of, run, units_of


@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    bureau = access.bureau_of(request.user)
    if bureau is None:
        raise PermissionDenied("只有信访部门的工作人员可以提交领导阅批。")
    source = request.POST if request.method == "POST" else request.GET
    petition = get_visible_or_404(request.user, source.get("petition"))
    form = SubmitForm(request.POST or None, leaders=leaders_of(bureau))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run(
            form,
            lambda: service.submit(
                request.user,
                petition=petition,
                leader=data["leader"],
                note=data["note"],
                ip_address=client_ip(request),
            ),
        ):
            messages.success(request, f"已呈{data['leader']}阅批。")
            return redirect("petitions:detail", pk=petition.pk)
    context = {"form": form, "petition": petition}
    return render(request, "leaders/submit_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def queue(request):
    """The leader's queue (待批阅), and what the bureau has submitted in its jurisdiction."""
    context = {
        "queue": list(queue_of(request.user)),
        "submitted": list(
            submissions_visible_to(request.user)
            .exclude(leader=request.user)
            .select_related("petition", "leader")[:100]
        )
        if access.is_bureau_staff(request.user)
        else [],
    }
    return render(request, "leaders/queue.html", context)


def _submission(user, pk):
    return first_or_404(
        submissions_visible_to(user).select_related("petition", "leader", "bureau", "submitted_by"),
        pk,
        "阅批件不存在。",
    )


def _submission_page(request, submission, *, form=None, status=200):
    instruction = getattr(submission, "instruction", None) if submission.status == "instructed" else None
    may_instruct = submission.status == "pending" and request.user.pk == submission.leader_id
    context = {
        "s": submission,
        "instruction": instruction,
        "targets": list(instruction.targets.select_related("unit", "supervision", "answered_by"))
        if instruction
        else [],
        "may_instruct": may_instruct,
        "form": form or (InstructForm(units=units_of(submission.bureau)) if may_instruct else None),
    }
    return render(request, "leaders/submission_detail.html", context, status=status)


@login_required
@require_GET
def submission_detail(request, pk: int):
    return _submission_page(request, _submission(request.user, pk))


@login_required
@require_POST
def submission_instruct(request, pk: int):
    submission = _submission(request.user, pk)
    form = InstructForm(request.POST, units=units_of(submission.bureau))
    if form.is_valid():
        data = form.cleaned_data
        if run(
            form,
            lambda: service.instruct(
                submission,
                request.user,
                text=data["text"],
                units=data["units"],
                response_due=data["response_due"],
                ip_address=client_ip(request),
            ),
        ):
            messages.success(request, "批示已发出。")
            return redirect("leaders:submission", pk=submission.pk)
    return _submission_page(request, submission, form=form, status=400)


@login_required
@require_GET
def unit_instructions(request):
    """批示交办: the instructions addressed to the user's unit."""
    targets = list(targets_for_unit(request.user).order_by("answered_at", "-instruction__written_at")[:200])
    for target in targets:
        target.may_answer = service.can_answer(request.user, target)
    return render(
        request,
        "leaders/unit_instructions.html",
        {"targets": targets, "form": AnswerForm(), "today": clock.today()},
    )


@login_required
@require_POST
def answer(request, pk: int):
    target = first_or_404(targets_for_unit(request.user), pk, "批示不存在。")
    form = AnswerForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: service.answer(
            target, request.user, text=form.cleaned_data["text"], ip_address=client_ip(request)
        ),
    ):
        messages.success(request, "办理情况已回复。")
        return redirect("leaders:unit_instructions")
    messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
    return redirect("leaders:unit_instructions")
