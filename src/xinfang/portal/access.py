"""What a browser session has proved: petitions opened with their query code (or a verified account phone).

Kept in the server-side session, so the URL of a case page is worthless to anyone else. Each grant lapses
after ``config.ACCESS_SECONDS`` without use.
"""

from __future__ import annotations

from django.http import Http404

from xinfang import clock, sealing
from xinfang.petitions.models import Petition

from . import config, selectors

SESSION_KEY = "xf_portal"
APPOINTMENTS_KEY = "xf_portal_appointments"  # the appointments this session proved (``portal.appointments``)


def _state(request) -> dict:
    return request.session.get(SESSION_KEY) or {"grants": {}, "account": None}


def _save(request, state: dict) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def grant(request, petition: Petition, petitioner_id: int | None) -> None:
    state = _state(request)
    if not state["grants"]:
        # A new proof of identity: a fresh session key, so a key planted before cannot ride on it.
        request.session.cycle_key()
    state["grants"][str(petition.pk)] = {
        "until": clock.now().timestamp() + config.ACCESS_SECONDS,
        "petitioner": petitioner_id,
    }
    _save(request, state)


def petitioner_id(request, petition: Petition) -> int | None:
    entry = _state(request)["grants"].get(str(petition.pk)) or {}
    return entry.get("petitioner")


def granted_petition(request, pk: int) -> Petition:
    """The petition if this session may see it (and the grant is renewed); otherwise the same 404 as 'missing'."""
    state = _state(request)
    entry = state["grants"].get(str(pk))
    now = clock.now().timestamp()
    if entry is None or entry["until"] < now:
        entry = _grant_from_account(request, pk)
    if entry is None:
        if str(pk) in state["grants"]:
            del state["grants"][str(pk)]
            _save(request, state)
        raise Http404("未找到该信访事项。")
    petition = selectors.granted([pk]).first()
    if petition is None:
        raise Http404("未找到该信访事项。")
    entry["until"] = now + config.ACCESS_SECONDS
    state = _state(request)
    state["grants"][str(pk)] = entry
    _save(request, state)
    return petition


def _grant_from_account(request, pk: int) -> dict | None:
    """A signed-in account opens any petition on which its phone is a party's."""
    phone = account_phone(request)
    if phone is None:
        return None
    petition = selectors.petitions_of_phone(phone).filter(pk=pk).first()
    if petition is None:
        return None
    ids = selectors.petitioner_ids_for(petition, phone)
    return {"until": clock.now().timestamp() + config.ACCESS_SECONDS, "petitioner": ids[0] if ids else None}


def open_pks(request) -> list[int]:
    now = clock.now().timestamp()
    return [int(pk) for pk, entry in _state(request)["grants"].items() if entry["until"] >= now]


def sign_in_account(request, phone: str) -> None:
    state = _state(request)
    request.session.cycle_key()
    # Sessions are database rows: the phone rests there sealed, as the petitioner's row keeps it encrypted.
    state["account"] = {
        "phone": sealing.seal(phone),
        "until": clock.now().timestamp() + config.ACCESS_SECONDS,
    }
    _save(request, state)


def account_phone(request) -> str | None:
    state = _state(request)
    account = state.get("account")
    now = clock.now().timestamp()
    if not account or account["until"] < now:
        return None
    phone = sealing.unseal(account["phone"])
    if phone is None:  # sealed under another SECRET_KEY (or a session from before sealing): sign in again
        return None
    account["until"] = now + config.ACCESS_SECONDS
    _save(request, state)
    return phone


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
