"""Reception schedules and sessions (领导接访). Views parse, call a service or a selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.http import client_ip
from xinfang.petitions.selectors import visible_to

from .. import access
from ..colours import outcome_colour
from ..forms import LinkForm, MakeSessionsForm, NoteForm, OutcomeForm, ReasonForm, ScheduleForm, SessionForm
from ..models import ReceptionSchedule, SessionPetition
from ..selectors import appointments_visible_to, links_visible_to, sessions_visible_to
from ..services import appointments, reception
from .common import first_or_404, leaders_of, run, units_of


def _bureau_or_403(user):
    bureau = access.bureau_of(user)
    if bureau is None:
        raise PermissionDenied("只有信访部门的工作人员可以维护领导接访。")
    return bureau


@login_required
@require_GET
def session_list(request):
    today = clock.today()
    qs = sessions_visible_to(request.user).select_related("leader", "bureau")
    context = {
        "coming": list(qs.filter(date__gte=today).order_by("date", "start_time")[:50]),
        "past": list(qs.filter(date__lt=today).order_by("-date", "-start_time")[:50]),
        "may_edit": access.is_bureau_staff(request.user),
        "today": today,
    }
    return render(request, "leaders/session_list.html", context)


@login_required
@require_GET
def schedule_list(request):
    bureau = _bureau_or_403(request.user)
    schedules = ReceptionSchedule.objects.filter(bureau=bureau).select_related("leader")
    return render(request, "leaders/schedule_list.html", {"schedules": schedules})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk: int | None = None):
    bureau = _bureau_or_403(request.user)
    schedule = (
        first_or_404(ReceptionSchedule.objects.filter(bureau=bureau), pk, "接访安排不存在。") if pk else None
    )
    leaders = leaders_of(bureau)
    if request.method == "POST":
        form = ScheduleForm(request.POST, leaders=leaders)
        if form.is_valid():
            data = form.cleaned_data
            ip = client_ip(request)
            result = {}

            def call():
                if schedule is None:
                    result["s"] = reception.create_schedule(request.user, ip_address=ip, **data)
                else:
                    result["s"] = reception.update_schedule(schedule, request.user, ip_address=ip, **data)

            if run(form, call):
                messages.success(request, "接访安排已保存。")
                return redirect("leaders:schedule", pk=result["s"].pk)
    else:
        initial = {name: getattr(schedule, name) for name in reception.SCHEDULE_FIELDS} if schedule else {}
        form = ScheduleForm(initial=initial or {"starts_on": clock.today()}, leaders=leaders)
    status = 400 if form.errors else 200
    return render(request, "leaders/schedule_form.html", {"form": form, "schedule": schedule}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_detail(request, pk: int):
    bureau = _bureau_or_403(request.user)
    schedule = first_or_404(
        ReceptionSchedule.objects.filter(bureau=bureau).select_related("leader"), pk, "接访安排不存在。"
    )
    today = clock.today()
    form = MakeSessionsForm(request.POST or None, initial={"until": today + dt.timedelta(days=90)})
    if request.method == "POST" and form.is_valid():
        made = []

        def call():
            made.extend(
                reception.make_sessions(
                    schedule, request.user, until=form.cleaned_data["until"], ip_address=client_ip(request)
                )
            )

        if run(form, call):
            messages.success(request, f"已生成{len(made)}次接访。")
            return redirect("leaders:schedule", pk=schedule.pk)
    context = {
        "schedule": schedule,
        "form": form,
        "preview": reception.planned_dates(schedule, today, today + dt.timedelta(days=90)),
        "sessions": schedule.sessions.order_by("date")[:100],
    }
    return render(request, "leaders/schedule_detail.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    bureau = _bureau_or_403(request.user)
    leaders, units = leaders_of(bureau), units_of(bureau)
    if request.method == "POST":
        form = SessionForm(request.POST, leaders=leaders, units=units)
        if form.is_valid():
            made = {}

            def call():
                made["s"] = reception.create_session(
                    request.user, ip_address=client_ip(request), **form.cleaned_data
                )

            if run(form, call):
                messages.success(request, "接访已安排。")
                return redirect("leaders:session", pk=made["s"].pk)
    else:
        form = SessionForm(initial={"date": clock.today()}, leaders=leaders, units=units)
    return render(request, "leaders/session_form.html", {"form": form}, status=400 if form.errors else 200)


def _session(user, pk):
    return first_or_404(
        sessions_visible_to(user).select_related("leader", "bureau", "schedule"), pk, "接访场次不存在。"
    )


def _session_page(request, session, *, status=200, **forms):
    may_edit = (access.bureau_of(request.user) or object()) == session.bureau
    units = units_of(session.bureau)
    links = list(links_visible_to(request.user, session))
    for link in links:
        link.colour = outcome_colour(link)
        link.form = forms.get(f"outcome_{link.petition_id}") or OutcomeForm(
            prefix=f"o{link.petition_id}",
            initial={
                "outcome": link.outcome if link.outcome != "pending" else "",
                "unit": link.outcome_unit,
                "due": link.outcome_due,
                "note": link.note,
            },
            units=units,
        )
    context = {
        "session": session,
        "attending": list(session.attending_units.all()),
        "links": links,
        # Units that attend see the session, not who asked to come: the list is the bureau's and the leader's.
        "appointments": list(
            appointments.expected_at(session).filter(
                pk__in=appointments_visible_to(request.user).values("pk")
            )
        ),
        "may_edit": may_edit and not session.is_cancelled,
        "link_form": forms.get("link") or LinkForm(),
        "cancel_form": forms.get("cancel") or ReasonForm(),
        "work_form": forms.get("work")
        or NoteForm(label="无来访时开展的工作（约访、研判等）", initial={"note": session.work_note}),
    }
    return render(request, "leaders/session_detail.html", context, status=status)


@login_required
@require_GET
def session_detail(request, pk: int):
    return _session_page(request, _session(request.user, pk))


@login_required
@require_POST
def session_link(request, pk: int):
    session = _session(request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        petition = (
            visible_to(request.user)
            .filter(registration_number=form.cleaned_data["registration_number"].strip())
            .first()
        )
        if petition is None:
            form.add_error("registration_number", "未找到该登记编号的信访事项。")
        elif run(
            form,
            lambda: reception.link_petition(session, petition, request.user, ip_address=client_ip(request)),
        ):
            messages.success(request, f"{petition.registration_number}已关联到本次接访。")
            return redirect("leaders:session", pk=session.pk)
    return _session_page(request, session, link=form, status=400)


@login_required
@require_POST
def session_outcome(request, pk: int, petition_pk: int):
    session = _session(request.user, pk)
    link = (
        SessionPetition.objects.filter(
            session=session, petition_id=petition_pk, petition__in=visible_to(request.user)
        )
        .select_related("petition")
        .first()
    )
    form = OutcomeForm(request.POST, prefix=f"o{petition_pk}", units=units_of(session.bureau))
    if link is None:
        form.add_error(None, "该信访事项未在本次接访中登记。")
    elif form.is_valid():
        data = form.cleaned_data
        if run(
            form,
            lambda: reception.set_outcome(
                session,
                link.petition,
                request.user,
                outcome=data["outcome"],
                unit=data["unit"],
                due=data["due"],
                note=data["note"],
                ip_address=client_ip(request),
            ),
        ):
            messages.success(request, "接访结果已记录。")
            return redirect("leaders:session", pk=session.pk)
    if link is None:
        messages.error(request, "该信访事项未在本次接访中登记。")
        return _session_page(request, session, status=400)
    return _session_page(request, session, status=400, **{f"outcome_{petition_pk}": form})


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = _session(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: reception.cancel_session(
            session, request.user, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
        ),
    ):
        messages.success(request, "本次接访已取消。")
        return redirect("leaders:session", pk=session.pk)
    return _session_page(request, session, cancel=form, status=400)


@login_required
@require_POST
def session_work(request, pk: int):
    session = _session(request.user, pk)
    form = NoteForm(request.POST, label="无来访时开展的工作（约访、研判等）")
    if form.is_valid() and run(
        form,
        lambda: reception.record_work(
            session, request.user, note=form.cleaned_data["note"], ip_address=client_ip(request)
        ),
    ):
        messages.success(request, "已记录。")
        return redirect("leaders:session", pk=session.pk)
    return _session_page(request, session, work=form, status=400)
