"""Extension points of the workflow service, so other apps plug in without the workflow importing them.

* ``after_transition``: callbacks ``fn(performed: Performed)`` run **after the transaction commits**
  (notifications: SMS, e-mail, in-app). A rolled-back transition calls nobody.
* ``notice_issuers``: callbacks ``fn(petition, notice_kind, event, actor)`` run **inside** the transaction
  when a transition produces a notice (the documents app records and renders it). When none is registered,
  ``xinfang.documents.services.issue_for_transition`` is called if that module and function exist.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction


@dataclass(frozen=True)
class Performed:
    """What ``perform`` did: handed to the after-commit callbacks."""

    petition: Any
    event: Any
    action: str
    actor: Any
    from_status: str
    to_status: str
    notice: str = ""
    data: dict = field(default_factory=dict)


after_transition: list[Callable[[Performed], None]] = []
notice_issuers: list[Callable[..., Any]] = []


def register_after_transition(callback: Callable[[Performed], None]) -> Callable[[Performed], None]:
    if callback not in after_transition:
        after_transition.append(callback)
    return callback


def register_notice_issuer(callback: Callable[..., Any]) -> Callable[..., Any]:
    if callback not in notice_issuers:
        notice_issuers.append(callback)
    return callback


def _documents_issuer() -> Callable[..., Any] | None:
    try:
        if importlib.util.find_spec("xinfang.documents.services") is None:
            return None
    except ModuleNotFoundError:
        return None
    module = importlib.import_module("xinfang.documents.services")
    return getattr(module, "issue_for_transition", None)


def issue_notice(petition, notice_kind: str, event, actor) -> None:
    issuers = list(notice_issuers)
    if not issuers:
        fallback = _documents_issuer()
        issuers = [fallback] if fallback else []
    for issuer in issuers:
        issuer(petition, notice_kind, event, actor)


def schedule_after_commit(performed: Performed) -> None:
    def run() -> None:
        for callback in list(after_transition):
            callback(performed)

    transaction.on_commit(run)
