"""The public pages: file a petition, follow it by query code, rate, request review and re-review, and an
optional account that lists one's petitions after an SMS code.

Views stay thin: filing goes through ``petitions.services.register`` (receiving unit: the portal's bureau,
no staff actor), everything the petitioner does afterwards through ``workflow.services.perform`` with a
``PetitionerActor``. Reads go through ``portal.selectors`` after the session has proved the query code.
"""

from __future__ import annotations

import functools
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock, inputs, sealing
from xinfang.deadlines import services as deadline_rules
from xinfang.deadlines.models import Stage
from xinfang.documents.files import file_response
from xinfang.documents.models import Document
from xinfang.http import client_ip
from xinfang.notifications.services import text_petitioner
from xinfang.notifications.sms import Sms
from xinfang.petitions import services as intake
from xinfang.petitions.identity import mask_phone
from xinfang.petitions.models import Channel, Petition
from xinfang.workflow.actors import PetitionerActor
from xinfang.workflow.services import perform

from . import access, config, filing_limits, otp, selectors, throttle
from .decisions import decisions
from .forms import (
    AccountCodeForm,
    AccountPhoneForm,
    AppealForm,
    CoPetitionerFormSet,
    FilingForm,
    FollowForm,
    RatingForm,
)
from .models import PortalSettings
from .progress import progress
from .timeline import PUBLIC_DOCUMENT_KINDS, public_documents, status_text, steps

logger = logging.getLogger(__name__)

WRONG_CODE = "查询码或手机号码不正确，请核对后重试。"
LOCKED, TOO_MANY = throttle.LOCKED, throttle.TOO_MANY
RECEIPT_KEY = "xf_portal_receipt"


def public(view):
    """Headers for every public page: no caching of personal data, no framing, same-origin referrers."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            # The portal's own page, the same for "missing" and "not yours"; never the staff site's.
            response = render(request, "portal/not_found.html", status=404)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return wrapped


def refuse(request, message: str, status: int = 429):
    return render(request, "portal/refused.html", {"message": message}, status=status)


# --- home ---------------------------------------------------------------------------------------------------


@public
@require_GET
def home(request):
    context = {
        "settings": PortalSettings.load(),
        "filing_open": config.filing_open(),
        "unit": config.receiving_unit(),
        "days": policy_days(),
    }
    return render(request, "portal/home.html", context)


def policy_days() -> dict[str, int]:
    """The periods the public is told about, as the administrator has set them (process.md §5)."""
    stages = {
        "route": Stage.ROUTE,
        "accept": Stage.ACCEPT,
        "handle": Stage.HANDLE,
        "request_review": Stage.REQUEST_REVIEW,
        "request_re_review": Stage.REQUEST_RE_REVIEW,
    }
    days = {name: deadline_rules.policy_for(stage).days for name, stage in stages.items()}
    days["extension"] = deadline_rules.policy_for(Stage.HANDLE).max_extension_days
    return days


# --- filing -------------------------------------------------------------------------------------------------

SERVICE_FIELDS = {
    "summary": "request_text",
    "content": "facts",
    "category": "category",
    "issue_region": "township",
    "attachments": "attachments",
    "petition_class": "petition_class",
    "addressed_leader": "mailbox",
    "addressed_leader_post": "mailbox",
}
PARTY_FIELDS = {"name", "id_number", "phone", "address"}


def _apply_service_errors(error: ValidationError, form: FilingForm, co_forms: list) -> None:
    """Put each message of ``register``'s ValidationError next to the field it names (party 0 is the filer)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, errors in error.error_dict.items():
        messages = [m for e in errors for m in e.messages]
        target, name = form, SERVICE_FIELDS.get(key)
        if key.startswith("parties."):
            _, index, *rest = key.split(".")
            field = rest[0] if rest and rest[0] in PARTY_FIELDS else None
            position = int(index) if inputs.is_ascii_int(index) else -1
            if position == 0:
                name = field
            elif 0 < position <= len(co_forms):
                target, name = co_forms[position - 1], field
        for message in messages:
            target.add_error(name, message)


def _filing_forms(request, unit):
    if request.method != "POST":
        return FilingForm(unit=unit), CoPetitionerFormSet(prefix="co")
    if "add_co_petitioner" in request.POST:
        # Re-show what was typed, unvalidated, with one more signer row (works without JavaScript).
        rows = []
        for index in range(min(_int(request.POST.get("co-TOTAL_FORMS")), config.MAX_CO_PETITIONERS)):
            rows.append({k: request.POST.get(f"co-{index}-{k}", "") for k in ("name", "id_number", "phone")})
        if len(rows) < config.MAX_CO_PETITIONERS:
            rows.append({})
        initial = {
            k: v for k, v in request.POST.items() if k in FilingForm.base_fields and k != "attachments"
        }
        return FilingForm(unit=unit, initial=initial), CoPetitionerFormSet(prefix="co", initial=rows)
    return (
        FilingForm(request.POST, request.FILES, unit=unit),
        CoPetitionerFormSet(request.POST, prefix="co"),
    )


def _int(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


@public
@require_http_methods(["GET", "POST"])
def file_petition(request):
    unit = config.receiving_unit()
    if unit is None or not PortalSettings.load().is_open:
        return render(request, "portal/closed.html", status=503)
    ip = client_ip(request)
    form, co_formset = _filing_forms(request, unit)
    # A browser cannot be handed chosen files back: whenever the form comes back, it names those to re-attach.
    dropped = [upload.name for upload in request.FILES.getlist("attachments")]
    context = {"form": form, "co_formset": co_formset, "unit": unit, "dropped_files": dropped}
    if request.method != "POST" or "add_co_petitioner" in request.POST:
        return render(request, "portal/file.html", context)
    if not (form.is_valid() & co_formset.is_valid()):
        return render(request, "portal/file.html", context)
    phone, token = form.cleaned_data["phone"], form.cleaned_data.get("form_token") or ""
    # A retry of a filing already made shows its receipt: it is not another filing, so no limit applies.
    if not (intake.is_valid_key(token) and intake.is_used("portal", token)):
        context["limit_message"] = filing_limits.refusal(ip, phone)
        if context["limit_message"]:
            # Refused before anything is written, with everything typed still in the form.
            return render(request, "portal/file.html", context, status=429)
    outcome = _register(request, form, co_formset, unit, ip)
    if outcome is None:
        return render(request, "portal/file.html", context)
    if not outcome.replayed:
        filing_limits.count(ip, phone)
    return redirect("portal:filed")


def _register(request, form: FilingForm, co_formset, unit, ip) -> intake.Outcome | None:
    data = form.cleaned_data
    co_petitioners = co_formset.co_petitioners()
    mailbox = form.mailbox_leader
    registration = intake.Registration(
        channel=Channel.LEADER_MAILBOX if mailbox is not None else Channel.ONLINE,
        addressed_leader=mailbox.leader if mailbox is not None else None,
        addressed_leader_post=mailbox.post if mailbox is not None else "",
        received_at=clock.now(),
        petition_class=data["petition_class"],
        category=data["category"],
        issue_region=form.issue_region,
        summary=data["request_text"],
        content=form.content(),
        parties=[form.principal(), *co_petitioners],
        subject_person=data["subject"],
        identity_confidential=data["identity_confidential"],
        attachments=data["attachments"],
        receiving_unit=unit,
    )
    token = data.get("form_token") or ""
    try:
        if intake.is_valid_key(token):
            # The token is random and known only to the browser that got the form: one scope for the public.
            outcome = intake.register_once(registration, None, scope="portal", key=token, ip_address=ip)
        else:
            outcome = intake.Outcome(intake.register(registration, None, ip_address=ip), replayed=False)
    except ValidationError as exc:
        filled = [f for f in co_formset.forms if f.has_changed()]
        _apply_service_errors(exc, form, filled)
        return None
    registered = outcome.registered
    petition = registered.petition
    principal_id = petition.parties.order_by("position", "id").values_list("petitioner_id", flat=True).first()
    access.grant(request, petition, principal_id)
    request.session[RECEIPT_KEY] = {
        "pk": petition.pk,
        # Sessions are database rows: the code shown once on the next page travels sealed.
        "code": sealing.seal(intake.format_query_code(registered.query_code)),
    }
    if not outcome.replayed:
        _tell_petitioner(petition, registered.query_code)
    return outcome


def _tell_petitioner(petition: Petition, query_code: str) -> None:
    """The query code by SMS too (Art. 21: the petitioner can follow the matter); never fails the filing."""
    try:
        text_petitioner(
            petition,
            Sms(
                "portal_filed",
                {"query_code": intake.format_query_code(query_code), "number": petition.registration_number},
            ),
        )
    except Exception:
        logger.exception("could not text the query code of %s", petition.registration_number)


def next_steps(petition: Petition) -> dict:
    """What happens next and by when, in the policy's own numbers (an administrator may change them)."""
    route = deadline_rules.compute_due(Stage.ROUTE, clock.local_date(petition.received_at))
    return {"route_due": route.due, "route_provisional": route.provisional, "days": policy_days()}


@public
@require_GET
def filed(request):
    receipt = request.session.get(RECEIPT_KEY)
    if not receipt:
        return redirect("portal:home")
    petition = access.granted_petition(request, receipt["pk"])
    return render(
        request,
        "portal/filed.html",
        {"petition": petition, "query_code": sealing.unseal(receipt["code"]) or "", **next_steps(petition)},
    )


# --- following ----------------------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def follow(request):
    form = FollowForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/follow.html", {"form": form})
    ip = client_ip(request)
    if refusal := throttle.address_refusal(ip):
        return refuse(request, refusal)
    if not form.is_valid():
        return render(request, "portal/follow.html", {"form": form}, status=400)
    code, phone = form.cleaned_data["query_code"], form.cleaned_data["phone"]
    proof = throttle.prove(ip, code, phone, selectors.petition_for)
    if proof.refusal:
        return refuse(request, proof.refusal)
    petition = proof.found
    if petition is None:
        form.add_error(None, WRONG_CODE)
        return render(request, "portal/follow.html", {"form": form}, status=400)
    ids = selectors.petitioner_ids_for(petition, phone)
    access.grant(request, petition, ids[0] if ids else None)
    return redirect("portal:case", pk=petition.pk)


def _case_context(request, petition: Petition, **forms) -> dict:
    info = progress(petition)
    open_targets = [(r.target, r.label) for r in info.open_ratings]
    return {
        "petition": petition,
        "progress": info,
        "steps": steps(petition),
        "decisions": decisions(petition),
        "rating_form": forms.get("rating_form")
        or (RatingForm(targets=open_targets) if open_targets else None),
        "review_form": forms.get("review_form") or AppealForm(prefix="review"),
        "re_review_form": forms.get("re_review_form") or AppealForm(prefix="re_review"),
        "flash": request.session.pop("xf_portal_flash", ""),
    }


@public
@require_GET
def case(request, pk: int):
    petition = access.granted_petition(request, pk)
    return render(request, "portal/case.html", _case_context(request, petition))


def _actor(request, petition: Petition) -> PetitionerActor:
    return PetitionerActor(via="portal", petitioner_id=access.petitioner_id(request, petition))


def _refused(form, exc: ValidationError, fields: dict[str, str]) -> None:
    field = getattr(exc, "field", None)
    for message in exc.messages:
        form.add_error(fields.get(field) if field else None, message)


@public
@require_POST
def rate(request, pk: int):
    petition = access.granted_petition(request, pk)
    info = progress(petition)
    targets = [(r.target, r.label) for r in info.open_ratings]
    if not targets:
        request.session["xf_portal_flash"] = "评价期已结束或已评价。"
        return redirect("portal:case", pk=pk)
    form = RatingForm(request.POST, targets=targets)
    if form.is_valid():
        try:
            # Both ratings or neither: a refusal of the second must not leave the first behind.
            with transaction.atomic():
                for target, _label in targets:
                    perform(
                        petition,
                        "rate",
                        _actor(request, petition),
                        ip_address=client_ip(request),
                        target=target,
                        rating=form.cleaned_data[f"{target}_rating"],
                        reason=form.cleaned_data[f"{target}_reason"].strip(),
                    )
        except ValidationError as exc:
            _refused(form, exc, {})
        else:
            request.session["xf_portal_flash"] = "感谢您的评价，已记录。"
            return redirect(reverse("portal:case", kwargs={"pk": pk}) + "#progress")
    return render(request, "portal/case.html", _case_context(request, petition, rating_form=form), status=400)


def _appeal(request, pk: int, action: str, prefix: str, done: str):
    petition = access.granted_petition(request, pk)
    form = AppealForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            perform(
                petition,
                action,
                _actor(request, petition),
                ip_address=client_ip(request),
                text=form.cleaned_data["text"].strip(),
            )
        except ValidationError as exc:
            _refused(form, exc, {"text": "text"})
        else:
            request.session["xf_portal_flash"] = done
            return redirect(reverse("portal:case", kwargs={"pk": pk}) + "#progress")
    forms = {f"{prefix}_form": form}
    return render(request, "portal/case.html", _case_context(request, petition, **forms), status=400)


@public
@require_POST
def request_review(request, pk: int):
    return _appeal(request, pk, "request_review", "review", "您的复查请求已提交。")


@public
@require_POST
def request_re_review(request, pk: int):
    return _appeal(request, pk, "request_re_review", "re_review", "您的复核请求已提交。")


@public
@require_GET
def download(request, pk: int, document_pk: int, fmt: str):
    petition = access.granted_petition(request, pk)
    document = Document.objects.filter(
        pk=document_pk, petition=petition, kind__in=PUBLIC_DOCUMENT_KINDS
    ).first()
    if document is None or document not in public_documents(petition):
        raise Http404("文书不存在。")
    return file_response(document, fmt)


@public
@require_POST
def leave(request):
    access.forget(request)
    request.session.pop(RECEIPT_KEY, None)
    request.session.pop(access.APPOINTMENTS_KEY, None)
    return redirect("portal:home")


# --- petitioner account (phone + SMS code) ------------------------------------------------------------------

OTP_SENT = "如果该号码登记过信访事项，您将在几分钟内收到6位验证码，10分钟内有效。"


@public
@require_http_methods(["GET", "POST"])
def account(request):
    phone = access.account_phone(request)
    if phone is not None:
        petitions = list(selectors.petitions_of_phone(phone)[:200])
        for petition in petitions:
            petition.status_text = status_text(petition)
        return render(
            request, "portal/account.html", {"petitions": petitions, "masked_phone": mask_phone(phone)}
        )
    form = AccountPhoneForm(request.POST or None)
    if request.method == "POST":
        ip = client_ip(request)
        if not throttle.hit("otp_ip", ip):
            return refuse(request, TOO_MANY)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            if throttle.is_locked("fail_phone", phone):
                return refuse(request, LOCKED)
            if not throttle.hit("otp_phone", phone):
                return refuse(request, TOO_MANY)
            otp.send(phone)
            request.session[otp.SESSION_KEY] = sealing.seal(phone)  # sessions are rows: never a clear phone
            return redirect("portal:account_verify")
    return render(request, "portal/account_phone.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def account_verify(request):
    phone = sealing.unseal(request.session.get(otp.SESSION_KEY) or "")
    if not phone:
        return redirect("portal:account")
    form = AccountCodeForm(request.POST or None)
    context = {"form": form, "masked_phone": mask_phone(phone), "sent": OTP_SENT}
    if request.method == "POST" and form.is_valid():
        if throttle.is_locked("fail_phone", phone):
            return refuse(request, LOCKED)
        if otp.verify(phone, form.cleaned_data["code"]):
            throttle.clear_failures("fail_phone", phone)
            request.session.pop(otp.SESSION_KEY, None)
            access.sign_in_account(request, phone)
            return redirect("portal:account")
        if throttle.fail("fail_phone", phone):
            return refuse(request, LOCKED)
        form.add_error("code", "验证码不正确或已过期。")
        return render(request, "portal/account_verify.html", context, status=400)
    return render(request, "portal/account_verify.html", context)
