"""The panel's pages: the registration form's live panel (htmx, POST so ID numbers stay out of URLs), each
petition's related-cases card (htmx, loaded with the detail page), the two links, the record of a chosen
suggestion, and the transfer/assign form's unit suggestions."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xinfang import inputs
from xinfang.http import client_ip
from xinfang.orgs.models import Region, Role
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.selectors import get_visible_or_404
from xinfang.workflow.forms import routing_units

from . import related, services
from .models import SuggestionKind
from .suggestions import suggest_many

TEXT_MAX = 20_000  # what is compared: a pasted book is cut, never refused


def _may_link(user) -> bool:
    return user.unit_id is not None and user.has_role(Role.REGISTRAR, Role.ADMIN)


def _pk(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if inputs.is_ascii_int(value) else None


def _party(params) -> tuple[str, str, str]:
    """The first petitioner row's ID number, name and phone (formset fields carry a prefix)."""
    found = {"id_number": "", "name": "", "phone": ""}
    for key, value in params.items():
        name = key.rsplit("-", 1)[-1]
        if name in found and not found[name] and str(value).strip():
            found[name] = str(value).strip()
    return found["id_number"], found["name"], found["phone"]


def query_from_form(params) -> related.Query:
    id_number, name, phone = _party(params)
    category_pk, region_pk = _pk(params.get("category")), _pk(params.get("issue_region"))
    return related.Query(
        summary=str(params.get("summary") or "")[:TEXT_MAX],
        content=str(params.get("content") or "")[:TEXT_MAX],
        category=Category.objects.filter(pk=category_pk).first() if category_pk else None,
        issue_region=Region.objects.filter(pk=region_pk).first() if region_pk else None,
        id_number=id_number,
        name=name,
        phone=phone,
    )


@login_required
@require_POST
def intake_panel(request):
    """htmx partial for the registration form: related cases and the category suggestion, as it is typed."""
    if request.user.unit_id is None or not request.user.has_role(Role.REGISTRAR):
        raise PermissionDenied("只有登记员可以登记信访事项。")
    query = query_from_form(request.POST)
    typed = bool(query.summary.strip() or query.content.strip())
    suggestion = None
    if typed:
        suggestion = suggest_many(
            [
                {
                    "summary": query.summary,
                    "content": query.content,
                    "issue_region": query.issue_region.code if query.issue_region else "",
                    "category": query.category.path if query.category else "",
                }
            ]
        )[0]
    context = {
        "panel": related.panel(query, request.user),
        "typed": typed,
        "suggestion": suggestion,
        "intake": True,
    }
    return render(request, "assist/_intake_panel.html", context)


@login_required
@require_GET
def petition_panel(request, pk: int):
    """htmx partial for a petition's page: related cases, the links made, the link actions."""
    petition = get_visible_or_404(
        request.user, pk, Petition.objects.select_related("category", "issue_region")
    )
    query = related.Query(
        summary=petition.summary,
        content=petition.content,
        category=petition.category,
        issue_region=petition.issue_region,
        petition=petition,
    )
    context = {
        "petition": petition,
        "panel": related.panel(query, request.user),
        "links": services.related_links(petition, request.user),
        "may_link": _may_link(request.user),
        "typed": True,
        "intake": False,
    }
    return render(request, "assist/_petition_panel.html", context)


def _link(request, pk: int, action) -> HttpResponse:
    petition = get_visible_or_404(request.user, pk)
    if not _may_link(request.user):
        raise PermissionDenied("只有登记员可以关联信访事项。")
    try:
        done = action(petition)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("petitions:detail", pk=petition.pk)


@login_required
@require_POST
def link_repeat(request, pk: int):
    def act(petition):
        services.link_repeat(petition, request.POST.get("other"), request.user, ip_address=client_ip(request))
        return "已关联为重复信访。"

    return _link(request, pk, act)


@login_required
@require_POST
def link_related(request, pk: int):
    def act(petition):
        services.link_related(
            petition,
            request.POST.get("other"),
            request.user,
            note=request.POST.get("note", ""),
            ip_address=client_ip(request),
        )
        return "已关联为相关事项。"

    return _link(request, pk, act)


@login_required
@require_POST
def record_choice(request):
    """A suggestion applied with one click: the form's field is set in the page; this keeps what was offered
    and what was chosen. Answers 204 (nothing to show) or 400 with a Chinese message."""
    kind = request.POST.get("kind", "")
    try:
        offered = json.loads(request.POST.get("offered") or "[]")
    except ValueError:
        offered = None
    if kind not in SuggestionKind.values or not isinstance(offered, list):
        return HttpResponse("建议记录无效。", status=400, content_type="text/plain; charset=utf-8")
    petition = None
    petition_pk = _pk(request.POST.get("petition"))
    if petition_pk is not None:
        petition = get_visible_or_404(request.user, petition_pk)
    services.record_choice(
        kind=kind,
        offered=offered[:10],
        chosen=str(request.POST.get("chosen", ""))[:200],
        actor=request.user,
        petition=petition,
    )
    return HttpResponse(status=204)


@login_required
@require_GET
def unit_suggestions(request, pk: int):
    """htmx partial for the transfer and assign forms: the three units the model suggests for this matter."""
    petition = get_visible_or_404(request.user, pk, Petition.objects.select_related("category"))
    suggestion = suggest_many(
        [
            {
                "summary": petition.summary,
                "content": petition.content,
                "issue_region": petition.issue_region_code,
                "category": petition.category.path if petition.category_id else "",
            }
        ]
    )[0]
    if request.user.unit_id is not None:
        # Only units this user's form offers (its jurisdiction, never the accused unit).
        allowed = set(routing_units(petition, request.user.unit).values_list("pk", flat=True))
        suggestion.units = [u for u in suggestion.units if u["id"] in allowed]
    else:
        suggestion.units = []
    return render(request, "assist/_unit_suggestions.html", {"petition": petition, "suggestion": suggestion})
