"""Workbench pages of the workflow: one form per action, and 我的待办 (my tasks).

Views are thin: the petition is fetched through ``get_visible_or_404`` (another unit's petition is the same
404 as a missing one), the form parses, ``services.perform`` decides. A refusal is shown in the form and
changes nothing: 403 for the wrong role or unit, 409 for a stale version, 400 otherwise. htmx requests get
the form partial back (status 200, since htmx does not swap error responses) and a client redirect on success.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from xinfang import clock
from xinfang.http import client_ip
from xinfang.paging import page_query
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import get_visible_or_404

from . import hooks, services, task_hooks
from . import todo as todo_tasks
from .errors import StaleVersion, TransitionRefused
from .forms import apply_refusal, form_for
from .selectors import available_actions
from .todo_form import TodoFilterForm, stage_links
from .transitions import TABLE, Transition

TODO_PAGE_SIZE = 50
STATUS_FOR_CODE = {"role": 403, "unit": 403, "stale": 409}


def refusal_reason(row: Transition, petition: Petition, user) -> str | None:
    """Why this user may not take this action now (state, role, unit), or None when they may."""
    if any(offered.action == row.action for offered in available_actions(petition, user)):
        return None
    if not row.allows_state(petition.status):
        return f"该事项当前状态为“{petition.get_status_display()}”，不能{row.label}。"
    if row.unit is None or not user.has_role(*row.roles):
        return f"您的角色无权{row.label}。"
    return f"只有{row.unit.label}可以{row.label}。"


def _success_message(petition: Petition, row: Transition, event) -> str:
    documents = hooks.documents_of(petition, event)
    text = f"已{row.label}。当前状态：{petition.get_status_display()}。"
    if documents:
        text += "已出具文书：" + "、".join(f"{d.title}（{d.number}）" for d in documents) + "。"
    return text


def _render_form(request, petition, row, form, *, status=200, stale=False, refusal=""):
    context = {
        "petition": petition,
        "row": row,
        "form": form,
        "stale": stale,
        "refusal": refusal,
        "action_url": reverse("workflow:action", args=[petition.pk, row.action]),
        "detail_url": reverse("petitions:detail", args=[petition.pk]),
    }
    if request.htmx:
        return render(request, "workflow/_form.html", context)
    return render(request, "workflow/action.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def action(request, pk: int, action: str):
    petition = get_visible_or_404(
        request.user,
        pk,
        Petition.objects.select_related("responsible_unit__region", "receiving_unit__region", "subject_unit"),
    )
    row = TABLE.get(action)
    if row is None:
        raise Http404("没有这项操作。")
    if request.method == "GET":
        reason = refusal_reason(row, petition, request.user)
        if reason:
            return _render_form(request, petition, row, None, status=403, refusal=reason)
        return _render_form(request, petition, row, form_for(row, petition, request.user))

    form = form_for(row, petition, request.user, request.POST)
    if not form.is_valid():
        return _render_form(request, petition, row, form, status=400)
    try:
        event = services.perform(
            petition,
            row.action,
            request.user,
            expected_version=form.cleaned_data["expected_version"],
            ip_address=client_ip(request),
            **form.action_data(),
        )
    except StaleVersion as refusal:
        apply_refusal(form, refusal)
        return _render_form(request, petition, row, form, status=409, stale=True)
    except TransitionRefused as refusal:
        apply_refusal(form, refusal)
        return _render_form(request, petition, row, form, status=STATUS_FOR_CODE.get(refusal.code, 400))
    messages.success(request, _success_message(petition, row, event))
    detail = reverse("petitions:detail", args=[petition.pk])
    if request.htmx:
        return HttpResponseClientRedirect(detail)
    return redirect(detail)


@login_required
@require_GET
def todo(request):
    form = TodoFilterForm(request.GET or None, user=request.user)
    chosen = form.values()
    scope = todo_tasks.narrow(
        todo_tasks.tasks(request.user, unit=chosen["unit"]),
        status=chosen["status"],
        colour=chosen["colour"],
        category=chosen["category"],
    )
    counts = todo_tasks.counts_by_stage(scope)  # over every stage: the links above the list
    listed = scope.filter(task_stage=chosen["stage"]) if chosen["stage"] else scope
    page = todo_tasks.SORTS[chosen["sort"]].page(
        listed.select_related("category", "responsible_unit"),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=TODO_PAGE_SIZE,
    )
    # The unit whose list it is: one's own, or the one an overseer chose (None: every unit's).
    oversees = todo_tasks.oversees(request.user)
    listed_unit = chosen["unit"] if oversees else request.user.unit
    todo_tasks.finish_rows(page.rows, listed_unit)
    for row in page.rows:
        row.task_unit_name = form.unit_names.get(row.task_unit_id, "")
    all_query = request.GET.copy()
    for key in ("stage", "after", "before"):
        all_query.pop(key, None)
    context = {
        "form": form,
        "page": page,
        "unit": request.user.unit,
        "oversees": oversees,
        "total": counts[chosen["stage"]] if chosen["stage"] else sum(counts.values()),
        "stages": stage_links(request.GET, counts, chosen["stage"]),
        "all_stages_query": all_query.urlencode(),
        "next_query": page_query(request.GET, after=page.next_cursor) if page.next_cursor else "",
        "prev_query": page_query(request.GET, before=page.prev_cursor) if page.prev_cursor else "",
        "first_query": page_query(request.GET),
        "is_paged": bool(request.GET.get("after") or request.GET.get("before")),
        # Other apps' tasks (the joint meetings' decisions), below the petitions.
        "extra_sections": task_hooks.task_sections(request.user, clock.today()),
    }
    return render(request, "workflow/todo.html", context)
