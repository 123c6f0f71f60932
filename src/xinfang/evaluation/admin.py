"""Read-only admin pages: ratings and reviews are written only by the workflow service."""

from __future__ import annotations

from django.contrib import admin

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from .models import Rating, Review


@admin.register(Rating)
class RatingAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["petition", "target", "unit", "rating", "via", "rated_at"]
    list_filter = ["target", "rating", "via"]
    search_fields = ["petition__registration_number"]
    list_select_related = ["petition", "unit"]


@admin.register(Review)
class ReviewAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    list_display = ["petition", "level", "unit", "requested_at", "decision", "decided_at", "hearing_days"]
    list_filter = ["level", "decision"]
    search_fields = ["petition__registration_number"]
    list_select_related = ["petition", "unit"]
