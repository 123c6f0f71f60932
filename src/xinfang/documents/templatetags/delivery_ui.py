"""The documents table's delivery cell: the form for staff of the issuing unit, nothing for anyone else."""

from __future__ import annotations

from django import template

from ..delivery import may_record_delivery
from ..forms import DeliveryForm

register = template.Library()


@register.inclusion_tag("documents/_delivery_form.html")
def delivery_form(document, user):
    return {"form": DeliveryForm(document=document), "document": document}


@register.filter
def may_deliver(document, user) -> bool:
    return may_record_delivery(document, user)
