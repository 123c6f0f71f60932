"""The supervision board (四色督办) and the supervision pages. Views parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.deadlines import services as deadline_rules
from xinfang.http import client_ip
from xinfang.orgs import picker
from xinfang.paging import Keyset, page_query
from xinfang.petitions.selectors import get_visible_or_404
from xinfang.workflow.models import Deadline

from . import hooks, services
from .forms import AnswerForm, BoardFilterForm, CloseForm, OpenForm, apply_errors
from .models import ReasonKind, SupervisionStatus
from .selectors import (
    COLOUR_LABELS,
    board_deadlines,
    board_units,
    colour_counts,
    colour_q,
    supervisions_visible_to,
    urgent_petitions,
)

PAGE_SIZE = 100
# The board shows what falls due first; the supervision list, the latest supervision first.
BOARD_ORDER = Keyset("due_on", descending=False, parse=dt.date.fromisoformat)
NEWEST_FIRST = Keyset()


# --- board --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def board(request):
    today, rules = clock.today(), deadline_rules.get_rules()
    base = board_deadlines(request.user, today, rules)
    units, large = board_units(request.user, base)
    form = BoardFilterForm(
        request.GET or None, units=units, searched=large, own_region=_own_region(request.user)
    )
    chosen = form.cleaned_data if form.is_valid() else {}
    colour = chosen.get("colour", "")

    def narrowed(qs):
        if chosen.get("unit"):
            qs = qs.filter(unit=chosen["unit"])
        return qs.filter(stage=chosen["stage"]) if chosen.get("stage") else qs

    counts = colour_counts(narrowed(base))
    # Only an open deadline has a colour other than green: the open ones alone, walked by due date, give the
    # page however many are open (the board's whole set misleads the planner's estimate).
    qs = base if colour == "green" else board_deadlines(request.user, today, rules, open_only=True)
    qs = narrowed(qs).filter(colour_q(colour, today), colour=colour) if colour else narrowed(qs)
    page = BOARD_ORDER.page(
        qs.select_related("petition", "unit"), after=request.GET.get("after"), size=PAGE_SIZE
    )
    rows = page.rows
    for row in rows:
        row.days_left = (row.due_on - today).days
        row.days_over = -row.days_left
    context = {
        "form": form,
        "rows": rows,
        "counts": counts,
        "open_total": counts["red"] + counts["yellow"] + counts["blue"],
        "colour": colour,
        "colour_labels": COLOUR_LABELS,
        "today": today,
        "next_query": page_query(request.GET, after=page.next_cursor) if page.next_cursor else "",
        "may_supervise": services.can_open(request.user),
        "extra_sections": [] if request.htmx else hooks.board_sections(request.user, today),
        "urgent": [] if request.htmx else urgent_petitions(request.user),
    }
    template = "supervision/_board_results.html" if request.htmx else "supervision/board.html"
    return render(request, template, context)


def _own_region(user):
    unit = getattr(user, "unit", None)
    return unit.region if unit is not None and unit.sees_jurisdiction else None


@login_required
@require_GET
def board_unit_search(request):
    """The board's unit filter, searched (``?q=``): JSON for `orgs.picker`'s search box."""
    units, _ = board_units(request.user, board_deadlines(request.user))
    return picker.search_json(request, units)


@login_required
@require_GET
def open_unit_search(request):
    """The units a supervision may be addressed to, searched (``?q=``): JSON for the open form's search box."""
    if not services.can_open(request.user):
        raise PermissionDenied("只有信访部门的督查人员或局领导可以督办。")
    return picker.search_json(request, services.units_to_supervise(request.user))


# --- supervisions -------------------------------------------------------------------------------------------


def _get_supervision(user, pk: int):
    supervision = (
        supervisions_visible_to(user)
        .select_related("petition", "unit", "bureau", "opened_by", "answered_by", "closed_by", "letter")
        .filter(pk=pk)
        .first()
    )
    if supervision is None:
        raise Http404("督办不存在。")
    return supervision


@login_required
@require_GET
def supervision_list(request):
    qs = supervisions_visible_to(request.user).select_related("petition", "unit", "bureau")
    status = request.GET.get("status", "")
    if status in SupervisionStatus.values:
        qs = qs.filter(status=status)
    if request.GET.get("listed") == "1":
        qs = qs.filter(is_listed=True)
    # "before" in the link: older than that supervision, which is the page after it in this order.
    page = NEWEST_FIRST.page(qs, after=request.GET.get("before"), size=PAGE_SIZE)
    context = {
        "supervisions": page.rows,
        "status": status,
        "listed": request.GET.get("listed") == "1",
        "statuses": SupervisionStatus.choices,
        "next_before": page.next_cursor,
        "may_supervise": services.can_open(request.user),
        "today": clock.today(),
    }
    return render(request, "supervision/list.html", context)


def _detail(request, supervision, *, answer_form=None, close_form=None, status=200):
    context = {
        "s": supervision,
        "reminders": list(supervision.reminders.all()),
        "may_answer": services.can_answer(request.user, supervision),
        "may_close": services.can_close(request.user, supervision),
        "answer_form": answer_form or AnswerForm(),
        "close_form": close_form or CloseForm(),
        "today": clock.today(),
    }
    return render(request, "supervision/detail.html", context, status=status)


@login_required
@require_GET
def supervision_detail(request, pk: int):
    return _detail(request, _get_supervision(request.user, pk))


@login_required
@require_POST
def supervision_answer(request, pk: int):
    supervision = _get_supervision(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer(
                supervision, request.user, text=form.cleaned_data["text"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "督办回复已提交。")
            return redirect("supervision:detail", pk=supervision.pk)
    return _detail(request, supervision, answer_form=form, status=400)


@login_required
@require_POST
def supervision_close(request, pk: int):
    supervision = _get_supervision(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close(
                supervision, request.user, note=form.cleaned_data["note"], ip_address=client_ip(request)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "督办已结束。")
            return redirect("supervision:detail", pk=supervision.pk)
    return _detail(request, supervision, close_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_open(request):
    if not services.can_open(request.user):
        raise PermissionDenied("只有信访部门的督查人员或局领导可以督办。")
    source = request.POST if request.method == "POST" else request.GET
    petition = deadline = None
    if source.get("petition"):
        petition = get_visible_or_404(request.user, source.get("petition"))
    if source.get("deadline") and petition is not None:
        deadline = Deadline.objects.filter(pk=source.get("deadline"), petition=petition).first()
    units = services.units_to_supervise(request.user)
    searched = picker.is_large(request.user.unit.region)
    if request.method == "POST":
        form = OpenForm(request.POST, units=units, bureau=request.user.unit, searched=searched)
        if form.is_valid():
            data = form.cleaned_data
            try:
                supervision = services.open_supervision(
                    request.user,
                    unit=data["unit"],
                    petition=petition,
                    deadline=deadline,
                    reason_kind=data["reason_kind"],
                    text=data["text"],
                    response_due=data["response_due"],
                    is_listed=data["is_listed"],
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "已发出督办。")
                return redirect("supervision:detail", pk=supervision.pk)
    else:
        initial_unit = (deadline.unit if deadline else None) or (
            petition.responsible_unit if petition else None
        )
        form = OpenForm(
            units=units,
            bureau=request.user.unit,
            searched=searched,
            initial={
                "unit": initial_unit,
                "reason_kind": ReasonKind.DEADLINE_MISSED if deadline else None,
                "response_due": clock.today() + dt.timedelta(days=7),
            },
        )
    context = {"form": form, "petition": petition, "deadline": deadline}
    return render(request, "supervision/open.html", context, status=400 if form.errors else 200)
