"""Any saved or deleted rule gets a new rules version and, after commit, tells ``hooks.on_rules_changed``.

Fixtures (``loaddata``, ``raw=True``) refresh the cache but notify nobody.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import services
from .models import CalendarDay, CalendarYear, ColourPolicy, DeadlinePolicy


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="deadlines.calendar_day_changed")
def calendar_day_changed(sender, instance: CalendarDay, using: str, raw: bool = False, **kwargs) -> None:
    # The old date matters too when an admin moves an override to another day.
    dates = {instance.date, getattr(instance, "_loaded_date", None) or instance.date}
    services.rules_changed(dates=dates, notify=not raw, using=using)


@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="deadlines.calendar_year_changed")
def calendar_year_changed(sender, instance: CalendarYear, using: str, raw: bool = False, **kwargs) -> None:
    years = {instance.year, getattr(instance, "_loaded_year", None) or instance.year}
    services.rules_changed(years=years, notify=not raw, using=using)


@receiver([post_save, post_delete], sender=DeadlinePolicy, dispatch_uid="deadlines.policy_changed")
def policy_changed(sender, instance: DeadlinePolicy, using: str, raw: bool = False, **kwargs) -> None:
    codes = {instance.code, getattr(instance, "_loaded_code", None) or instance.code}
    services.rules_changed(stage_codes=codes, notify=not raw, using=using)


@receiver([post_save, post_delete], sender=ColourPolicy, dispatch_uid="deadlines.colours_changed")
def colours_changed(sender, instance: ColourPolicy, using: str, raw: bool = False, **kwargs) -> None:
    # Colours are computed when shown, so nothing needs recomputing: only the cache is refreshed.
    services.rules_changed(notify=False, using=using)
