"""The public's reception pages: the coming reception days (提前公示接访时间) and appointments (约访).

A request is made by someone who proves a phone: with an SMS code for a new matter, or with the query code
of a matter already registered. Requests made count against limits as filings do (``filing_limits``), and
a refused request keeps everything typed. The petitioner follows the answer with the appointment's own
code and phone; no page shows anyone else's appointment, nor how many there are.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from xinfang import clock, sealing
from xinfang.http import client_ip
from xinfang.leaders.models import Appointment
from xinfang.leaders.services import appointments as service
from xinfang.orgs.models import User
from xinfang.petitions.identity import mask_phone
from xinfang.petitions.numbers import format_query_code

from . import access, config, filing_limits, otp, selectors, throttle
from .appointment_forms import EXISTING, NEW, AppointmentCheckForm, AppointmentForm
from .views import LOCKED, TOO_MANY, WRONG_CODE, public, refuse

SESSION_KEY = access.APPOINTMENTS_KEY
RECEIPT_KEY = "xf_portal_appointment_receipt"
BUTTON = "提交约访"
CODE_SENT = "验证码已发送到您填写的手机号码，10分钟内有效。"
FIELDS = {"leader": "leader", "date": "date", "phone": "phone", "matter": "matter", "session": "date"}


def _bureau():
    unit = config.receiving_unit()
    if unit is None:
        raise Http404("门户未设置受理单位。")
    return unit


@public
@require_GET
def reception(request):
    sessions = list(service.published_sessions(_bureau(), today=clock.today()))
    return render(request, "portal/reception.html", {"sessions": sessions})


def _leaders(sessions) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for session in sessions:
        seen.setdefault(session.leader_id, f"{session.leader}（{session.leader_post}）")
    return list(seen.items())


def _grant(request, appointment: Appointment) -> None:
    grants = request.session.get(SESSION_KEY) or {}
    if not grants:
        request.session.cycle_key()
    grants[str(appointment.pk)] = clock.now().timestamp() + config.ACCESS_SECONDS
    request.session[SESSION_KEY] = grants


def _granted(request, pk: int) -> Appointment:
    grants = request.session.get(SESSION_KEY) or {}
    until = grants.get(str(pk))
    if until is None or until < clock.now().timestamp():
        raise Http404("未找到该约访。")
    appointment = Appointment.objects.select_related("session__leader", "petition").filter(pk=pk).first()
    if appointment is None:
        raise Http404("未找到该约访。")
    grants[str(pk)] = clock.now().timestamp() + config.ACCESS_SECONDS
    request.session[SESSION_KEY] = grants
    return appointment


def _initial(request, sessions) -> dict:
    chosen = request.GET.get("session", "")
    for session in sessions:
        if str(session.pk) == chosen:
            return {"leader": session.leader_id, "date": session.date.isoformat()}
    return {}


def _send_code(request, form_data, context):
    """The SMS code for a new matter; the form comes back as typed, unvalidated (works without JavaScript)."""
    ip = client_ip(request)
    phone_form = AppointmentForm(form_data, leaders=context["leaders"])
    phone_form.is_valid()
    context["form"] = AppointmentForm(
        initial={k: v for k, v in form_data.items() if k in AppointmentForm.base_fields and k != "code"},
        leaders=context["leaders"],
    )
    if "phone" in phone_form.errors:
        context["form"].errors["phone"] = phone_form.errors["phone"]
        return render(request, "portal/appointment_new.html", context, status=400)
    phone = phone_form.cleaned_data["phone"]
    if not throttle.hit("otp_ip", ip) or not throttle.hit("otp_phone", phone):
        return refuse(request, TOO_MANY)
    otp.send(phone, otp.APPOINTMENT)
    context["code_sent"] = CODE_SENT
    return render(request, "portal/appointment_new.html", context)


def _petition(request, form):
    """The registered matter the query code and phone prove, with the lockout the follow page uses; a
    response when refused."""
    ip = client_ip(request)
    code, phone = form.cleaned_data["query_code"], form.cleaned_data["phone"]
    if refusal := throttle.address_refusal(ip):
        return None, refuse(request, refusal)
    proof = throttle.prove(ip, code, phone, selectors.petition_for)
    if proof.refusal:
        return None, refuse(request, proof.refusal)
    if proof.found is None:
        form.add_error("query_code", WRONG_CODE)
    return proof.found, None


def _put(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            form.add_error(FIELDS.get(key), messages)
    else:
        form.add_error(None, error.messages)


@public
@require_http_methods(["GET", "POST"])
def appointment_new(request):
    bureau = _bureau()
    sessions = list(service.published_sessions(bureau, today=clock.today()))
    leaders = _leaders(sessions)
    context = {"sessions": sessions, "leaders": leaders}
    if request.method != "POST":
        context["form"] = AppointmentForm(initial=_initial(request, sessions), leaders=leaders)
        return render(request, "portal/appointment_new.html", context)
    if "send_code" in request.POST:
        return _send_code(request, request.POST, context)
    form = context["form"] = AppointmentForm(request.POST, leaders=leaders)
    if not form.is_valid():
        return render(request, "portal/appointment_new.html", context, status=400)
    data, ip = form.cleaned_data, client_ip(request)
    context["limit_message"] = filing_limits.refusal(
        ip, data["phone"], filing_limits.APPOINTMENT_LIMITS, BUTTON
    )
    if context["limit_message"]:
        return render(request, "portal/appointment_new.html", context, status=429)
    petition = None
    if data["matter_kind"] == EXISTING:
        petition, refused = _petition(request, form)
        if refused is not None:
            return refused
        if petition is None:
            return render(request, "portal/appointment_new.html", context, status=400)
    leader = User.objects.filter(pk=data["leader"]).select_related("unit__region").first()
    fields = {"leader": leader, "date": data["date"], "phone": data["phone"], "matter": data["matter"]}
    try:
        service.check_request(bureau, petition=petition, today=clock.today(), **fields)
        if data["matter_kind"] == NEW:
            if throttle.is_locked("fail_phone", data["phone"]):
                return refuse(request, LOCKED)
            if not otp.verify(data["phone"], data["code"], otp.APPOINTMENT):
                if throttle.fail("fail_phone", data["phone"]):
                    return refuse(request, LOCKED)
                form.add_error("code", "验证码不正确或已过期，请重新获取。")
                return render(request, "portal/appointment_new.html", context, status=400)
        appointment, code = service.request_appointment(bureau, petition=petition, ip_address=ip, **fields)
    except ValidationError as exc:
        _put(form, exc)
        return render(request, "portal/appointment_new.html", context, status=400)
    filing_limits.count(ip, data["phone"], filing_limits.APPOINTMENT_LIMITS)
    _grant(request, appointment)
    request.session[RECEIPT_KEY] = {"pk": appointment.pk, "code": sealing.seal(format_query_code(code))}
    return redirect("portal:appointment_done")


@public
@require_GET
def appointment_done(request):
    receipt = request.session.get(RECEIPT_KEY)
    if not receipt:
        return redirect("portal:reception")
    appointment = _granted(request, receipt["pk"])
    context = {"appointment": appointment, "code": sealing.unseal(receipt["code"]) or ""}
    return render(request, "portal/appointment_done.html", context)


@public
@require_http_methods(["GET", "POST"])
def appointment_check(request):
    form = AppointmentCheckForm(request.POST or None)
    if request.method != "POST":
        return render(request, "portal/appointment_check.html", {"form": form})
    ip = client_ip(request)
    if refusal := throttle.address_refusal(ip):
        return refuse(request, refusal)
    if not form.is_valid():
        return render(request, "portal/appointment_check.html", {"form": form}, status=400)
    code, phone = form.cleaned_data["query_code"], form.cleaned_data["phone"]
    proof = throttle.prove(ip, code, phone, service.appointment_for)
    if proof.refusal:
        return refuse(request, proof.refusal)
    appointment = proof.found
    if appointment is None:
        form.add_error(None, WRONG_CODE)
        return render(request, "portal/appointment_check.html", {"form": form}, status=400)
    _grant(request, appointment)
    return redirect("portal:appointment", pk=appointment.pk)


@public
@require_GET
def appointment(request, pk: int):
    appointment = _granted(request, pk)
    context = {"appointment": appointment, "masked_phone": mask_phone(appointment.phone)}
    return render(request, "portal/appointment.html", context)
