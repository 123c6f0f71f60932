"""The staff workbench for intake: petition list, detail, attachment download, registration, repeat check.

Views stay thin: every read goes through `selectors.visible_to` / `get_visible_or_404`, every write through
`services.register`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import inputs, sealing
from xinfang.accounts import reauth
from xinfang.http import client_ip
from xinfang.leaders.services import reception
from xinfang.orgs import picker
from xinfang.orgs.models import Role
from xinfang.paging import Keyset, page_query
from xinfang.petitions import masking, services
from xinfang.petitions.identity import IdentityError, normalize_phone, validate_id_number
from xinfang.petitions.models import (
    OPEN_STATUSES,
    Attachment,
    Channel,
    ClosedReason,
    Petition,
    Petitioner,
    PetitionParty,
    digest_id_number,
    digest_phone,
)
from xinfang.petitions.selectors import (
    earlier_petitions_of,
    get_visible_or_404,
    mark_visible_repeats,
    visible_link_changes,
    visible_repeat_of,
    visible_to,
)
from xinfang.search.query import TextSearch
from xinfang.workflow import review_bodies
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform
from xinfang.workflow.transitions import AFTER_DELIVERY
from xinfang.workflow.worklist import with_due_colour

from . import history
from .forms import (
    ListFilterForm,
    RegistrationForm,
    apply_service_errors,
    bureau_prefix,
    party_formset,
    unit_queryset,
)
from .terminated import terminated_warning

PAGE_SIZE = 50
URGENT_PINNED = 20  # open urgent matters (扬言) shown above the first page, newest first
RECEIPT_SESSION_KEY = "xf_receipt"
LOOKUP_LIMIT = 10
# Newest first, as registrars read their intake.
LIST_ORDER = Keyset("received_at", descending=True)


def require_registrar(user) -> None:
    if user.unit_id is None or not user.has_role(Role.REGISTRAR):
        raise PermissionDenied("只有登记员可以登记信访事项。")


# --- list ---------------------------------------------------------------------------------------------------


def list_queryset(user):
    parties = PetitionParty.objects.select_related("petitioner").order_by("position", "id")
    # The 期限 column's colour, in SQL.
    return with_due_colour(
        visible_to(user)
        .select_related("category", "responsible_unit")
        .prefetch_related(Prefetch("parties", queryset=parties))
    )


LIST_COUNT_CAP = 10_000


def list_count(qs, search: TextSearch | None = None, cap: int | None = None) -> int:
    """How many rows `qs` (and the keyword search, if any) has, counting no further than ``cap + 1``."""
    cap = LIST_COUNT_CAP if cap is None else cap
    if search is not None:
        return search.count(qs, cap)
    return qs.order_by().values("pk")[: cap + 1].count()


@login_required
@require_GET
def petition_list(request):
    form = ListFilterForm(request.GET or None, user=request.user, ip_address=client_ip(request))
    qs = list_queryset(request.user)
    counted = visible_to(request.user)  # the same rows, without the page's joins and annotations
    search = None
    if form.is_bound:
        form.is_valid()  # filter by what parsed; the invalid fields show their errors
        qs = form.filter(qs)
        counted = form.filter(counted, text=False)
        search = form.text_search
    page = LIST_ORDER.page(
        qs, after=request.GET.get("after"), before=request.GET.get("before"), size=PAGE_SIZE
    )
    # An exact COUNT over a province's millions is linear; past the cap a list says "10000+", which is all a
    # person paging through it needs (bench/results: 0.9 s at 1M uncapped). COUNT over a LIMIT subquery.
    total = list_count(counted, search)
    is_paged = bool(request.GET.get("after") or request.GET.get("before"))
    rows = _urgent_first(qs, page.rows) if not is_paged else page.rows
    mark_visible_repeats(rows, request.user)
    context = {
        "rows": rows,
        "form": form,
        "page": page,
        "total": min(total, LIST_COUNT_CAP),
        "total_capped": total > LIST_COUNT_CAP,
        "next_query": page_query(request.GET, after=page.next_cursor) if page.next_cursor else "",
        "prev_query": page_query(request.GET, before=page.prev_cursor) if page.prev_cursor else "",
        "first_query": page_query(request.GET),
        "is_paged": is_paged,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "petitions/_table.html", context)
    return render(request, "petitions/list.html", context)


@login_required
@require_GET
def unit_search(request):
    """The list's unit filters, searched (``?q=``): JSON for `orgs.picker`'s search box, over the units the
    filters accept."""
    return picker.search_json(request, unit_queryset(bureau_prefix(request.user)))


def _urgent_first(qs, rows: list) -> list:
    """The first page with the open urgent matters of the same filter on top (each shown once): a leader's
    or handler's first look falls on a threat of self-harm or a gathering, however old the matter."""
    urgent = list(
        qs.filter(is_urgent=True, status__in=OPEN_STATUSES).order_by("-received_at", "-id")[:URGENT_PINNED]
    )
    pinned = {p.pk for p in urgent}
    return urgent + [p for p in rows if p.pk not in pinned]


# --- detail and attachments -------------------------------------------------------------------------------


@login_required
@require_GET
def petition_detail(request, pk: int):
    petition = get_visible_or_404(
        request.user,
        pk,
        Petition.objects.select_related(
            "category",
            "issue_region__parent__parent__parent__parent",
            "receiving_unit",
            "responsible_unit__parent",
            "subject_unit",
            "registered_by",
            "repeat_of",
        ),
    )
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if receipt and receipt.get("petition") == petition.pk:
        # The query code exists only as a hash in the database: this is the one time it can be shown.
        del request.session[RECEIPT_SESSION_KEY]
        code = sealing.unseal(receipt["query_code"])
        receipt = {"query_code": services.format_query_code(code)} if code else None
    else:
        receipt = None
    parties = list(petition.parties.select_related("petitioner").order_by("position", "id"))
    reveal = request.GET.get("identity") == "show" and masking.may_reveal(request.user, petition)
    if reveal and not reauth.recent(request):
        return reauth.ask(request)  # comes back here with ?identity=show
    show_identity = masking.unmasked(request.user, petition, detail=True, revealed=reveal)
    if show_identity and reveal:
        services.record_identity_disclosure(
            petition, request.user, via="workbench", ip_address=client_ip(request)
        )
    events = list(petition.events.select_related("actor", "actor_unit").order_by("at", "id"))
    for event in events:
        event.changes = visible_link_changes(event.changes, request.user)  # shown, never saved
    context = {
        "petition": petition,
        "parties": parties,
        "attachments": list(petition.attachments.select_related("uploaded_by")),
        "history": history.history_rows(events, history.names_for(events)),
        # Rated only once the reply is delivered: before that, no query.
        "ratings": (
            list(petition.ratings.select_related("unit", "recorded_by"))
            if petition.status in AFTER_DELIVERY
            else []
        ),
        "show_identity": show_identity,
        "may_reveal": not show_identity and masking.may_reveal(request.user, petition),
        "repeat_of": visible_repeat_of(petition, request.user),
        "review_bodies": review_bodies.bodies_of(petition),
        "receipt": receipt,
    }
    return render(request, "petitions/detail.html", context)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    petition = get_visible_or_404(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, petition=petition)
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在。") from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


# --- registration -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request, channel: str):
    require_registrar(request.user)
    if channel not in Channel.values:
        raise Http404("信访形式不存在。")
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(
        data,
        request.FILES if data is not None else None,
        channel=channel,
        user=request.user,
        # The session page's "登记来访" link names its session.
        initial={"reception_session": request.GET.get("session")} if request.GET.get("session") else None,
    )
    formset = party_formset(channel, data)
    warning = None
    if data is not None:
        form_ok, parties_ok = form.is_valid(), formset.is_valid()
        if form_ok and parties_ok:
            registration = form.to_registration(formset.to_parties())
            warning = terminated_warning(request, registration)
            registered = None
            try:
                registered = None if warning.ask else _register(request, form, registration, warning.decline)
            except ValidationError as exc:
                apply_service_errors(exc, form, formset)
            except TransitionRefused as exc:
                form.add_error(None, exc.reason)
            if registered is not None:
                request.session[RECEIPT_SESSION_KEY] = {
                    "petition": registered.petition.pk,
                    # Sessions are database rows: the code travels sealed to the one page that shows it.
                    "query_code": sealing.seal(registered.query_code),
                }
                return redirect("petitions:detail", pk=registered.petition.pk)
    repeat_pk = form["repeat_of"].value()
    repeat_of = (
        visible_to(request.user).filter(pk=repeat_pk).first() if inputs.is_ascii_int(str(repeat_pk)) else None
    )
    context = {
        "form": form,
        "formset": formset,
        "terminated": warning.matters if warning is not None and warning.ask else [],
        "channel": Channel(channel),
        "is_visit": channel == Channel.VISIT,
        "repeat_of": repeat_of,
        "had_files": bool(request.FILES),
    }
    return render(request, "petitions/register.html", context)


def _register(request, form: RegistrationForm, registration, decline=None) -> services.Registered:
    """Register once per form token (a double submit shows the first receipt); a visit registered at a leader's
    reception is linked to it in the same transaction, so a refused link leaves no petition behind. With
    ``decline`` (the registrar chose 按不再受理告知), the new petition is a repeat of that terminated matter and is
    declined with the notice of no re-acceptance in the same transaction."""
    if decline is not None:
        registration.repeat_of = decline
    token = form.cleaned_data.get("form_token") or ""
    session = form.cleaned_data.get("reception_session")
    with transaction.atomic():
        if services.is_valid_key(token):
            outcome = services.register_once(
                registration,
                request.user,
                scope=f"workbench:{request.user.pk}",
                key=token,
                ip_address=client_ip(request),
            )
            registered, replayed = outcome.registered, outcome.replayed
        else:
            registered = services.register(registration, request.user, ip_address=client_ip(request))
            replayed = False
        if session is not None and not replayed:
            try:
                reception.link_petition(
                    session,
                    registered.petition,
                    request.user,
                    appointment=form.cleaned_data.get("appointment"),
                    ip_address=client_ip(request),
                )
            except ValidationError as exc:
                key = (
                    "appointment" if "appointment" in getattr(exc, "error_dict", {}) else "reception_session"
                )
                raise ValidationError({key: exc.messages}) from None
        if decline is not None and not replayed:
            perform(
                registered.petition,
                "decline",
                request.user,
                reason=ClosedReason.MATTER_TERMINATED,
                text=f"同一事项已于原信访事项{decline.registration_number}三级终结，不再受理。",
                ip_address=client_ip(request),
            )
    return registered


def _party_query(params) -> tuple[str, str, str]:
    """The ID number, name and phone of the petitioner row being typed (fields carry a formset prefix)."""
    found = {"id_number": "", "name": "", "phone": ""}
    for key, value in params.items():
        field = key.rsplit("-", 1)[-1]
        if field in found and value.strip() and not found[field]:
            found[field] = value.strip()
    return found["id_number"], found["name"], found["phone"]


@login_required
@require_POST
def earlier_petitions(request):
    """htmx partial: this person's earlier petitions, so the registrar can link a repeat (重复信访).

    POST, not GET: ID numbers and phones must not end up in URLs, and so in access logs (process.md §11).
    """
    require_registrar(request.user)
    id_number, name, phone = _party_query(request.POST)
    people = Petitioner.objects.none()
    searched = False
    # Whole identifiers only: a partial ID number or a name alone would let staff browse petitioners.
    if id_number:
        try:
            people = Petitioner.objects.filter(
                id_number_digest=digest_id_number(validate_id_number(id_number))
            )
            searched = True
        except IdentityError:
            pass
    elif name and len(normalize_phone(phone)) >= 7:
        people = Petitioner.objects.filter(name=name, phone_digest=digest_phone(normalize_phone(phone)))
        searched = True
    ids = list(people.values_list("pk", flat=True)[:5]) if searched else []
    petitions = list(earlier_petitions_of(ids, request.user)[:LOOKUP_LIMIT]) if ids else []
    return render(
        request, "petitions/_earlier_petitions.html", {"petitions": petitions, "searched": searched}
    )
