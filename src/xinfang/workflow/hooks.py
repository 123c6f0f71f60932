"""Extension points of the workflow service, so other apps plug in without the workflow importing them.

* ``after_transition``: callbacks ``fn(performed: Performed)`` run **after the transaction commits**
  (notifications: SMS, e-mail, in-app). A rolled-back transition calls nobody.
* ``in_transaction``: callbacks ``fn(performed: Performed)`` run **inside** the transaction, after the audit
  event is written, so what they write commits or rolls back with the change itself (the federation's outbox:
  an event a peer must know is never lost between commit and delivery). They must stay cheap when there is
  nothing to do: ``perform`` calls them on every transition.
* ``notice_issuers``: callbacks ``fn(petition, notice_kind, event, actor)`` run **inside** the transaction
  when a transition produces a notice. The documents app registers the one that records it (number and text,
  in the transaction; the worker renders its files after commit) in ``DocumentsConfig.ready()``; with none
  registered a notice is recorded in the event's data only.
* ``delivery_recorders``: callbacks ``fn(petition, notice_kind, event, actor)`` run **inside** the transaction
  when a transition records a notice's delivery (``deliver``: the handling opinion; the review opinions with
  their received date), so the document shows it was delivered; the documents app registers its own.
* ``document_listers``: callbacks ``fn(petition, event=None)`` returning the documents issued on a petition
  (or by one event), for the workflow's pages to show; the documents app registers its own.

The documents and notifications apps sit above the workflow: they fill these lists, the workflow never
imports them.
"""

from __future__ import annotations

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
in_transaction: list[Callable[[Performed], None]] = []
notice_issuers: list[Callable[..., Any]] = []
document_listers: list[Callable[..., Any]] = []
delivery_recorders: list[Callable[..., Any]] = []


def register_after_transition(callback: Callable[[Performed], None]) -> Callable[[Performed], None]:
    if callback not in after_transition:
        after_transition.append(callback)
    return callback


def register_in_transaction(callback: Callable[[Performed], None]) -> Callable[[Performed], None]:
    if callback not in in_transaction:
        in_transaction.append(callback)
    return callback


def run_in_transaction(performed: Performed) -> None:
    for callback in list(in_transaction):
        callback(performed)


def register_notice_issuer(callback: Callable[..., Any]) -> Callable[..., Any]:
    if callback not in notice_issuers:
        notice_issuers.append(callback)
    return callback


def register_document_lister(callback: Callable[..., Any]) -> Callable[..., Any]:
    if callback not in document_listers:
        document_listers.append(callback)
    return callback


def register_delivery_recorder(callback: Callable[..., Any]) -> Callable[..., Any]:
    if callback not in delivery_recorders:
        delivery_recorders.append(callback)
    return callback


def record_notice_delivery(petition, notice_kind: str, event, actor) -> None:
    for recorder in list(delivery_recorders):
        recorder(petition, notice_kind, event, actor)


def issue_notice(petition, notice_kind: str, event, actor) -> None:
    for issuer in list(notice_issuers):
        issuer(petition, notice_kind, event, actor)


def documents_of(petition, event=None) -> list:
    """The documents issued on ``petition`` (only those of ``event`` when given), oldest first."""
    return [document for lister in list(document_listers) for document in lister(petition, event)]


def schedule_after_commit(performed: Performed) -> None:
    def run() -> None:
        for callback in list(after_transition):
            callback(performed)

    transaction.on_commit(run)
