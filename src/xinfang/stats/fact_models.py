"""Monthly facts of the deadline and rating rows (issue 19 item 2): what the region-wide rates read instead of
every deadline with its petition. Kept by database triggers (`fact_sql`), so every path that writes a deadline
or a rating (`perform`, registration, the daily window expiry, a due-date recomputation, raw SQL) keeps them
current in its own transaction; `xinfang rebuild_facts` recomputes them from scratch (after a bulk load with
triggers off, e.g. the bench's SQL copy). docs/statistics.md "Per-day facts".

The rows are deltas: a trigger appends +1 for a row's new key and -1 for its old one, never updates a row in
place (no lock shared between concurrent transactions); `facts.compact` folds them into one row per key.
"""

from __future__ import annotations

from django.db import models


class DeadlineFact(models.Model):
    """How many deadline rows have this key. The fields carry the names of `workflow.Deadline`'s, so the rates'
    own filters (`rates.RateDef`) apply to them unchanged: ``is_repeat`` is the petition's, ``unit_kind`` the
    unit's, ``region_code`` the first six digits (the county) of the unit's region code. Dates are per month:
    ``due_on`` is the first day of the due month (the due day itself while the deadline is open, which the
    rates compare with the as-of day), ``done_at`` the local midnight starting the month a rating window was
    rated in (NULL for every other stage: no rate reads it). So the facts answer periods of whole months
    (month, quarter, year), the ones long enough to need them; a shorter or ragged period reads live.

    Keyed by county and month, not by unit and day: a unit has a row on few days, so facts per unit and day
    were as many as the deadlines themselves (972,814 for 1,112,075 on the province bench), and per county
    and day still 877,490. A scope below a county (a township, a unit) reads live."""

    region_code = models.CharField(max_length=6)
    unit_kind = models.CharField(max_length=20)
    stage = models.CharField(max_length=32)
    status = models.CharField(max_length=10)
    rating_target = models.CharField(max_length=10, blank=True)
    counts = models.BooleanField()
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True)
    is_repeat = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["due_on", "region_code"], name="deadline_fact_due")]

    def __str__(self) -> str:
        return f"{self.due_on} {self.stage} {self.status} {self.n:+d}"


class RatingFact(models.Model):
    """How many ratings have this key; ``rated_at`` is the local midnight starting the rating's month,
    ``region_code`` and ``unit_kind`` as on `DeadlineFact`."""

    region_code = models.CharField(max_length=6)
    unit_kind = models.CharField(max_length=20)
    target = models.CharField(max_length=10)
    rating = models.CharField(max_length=24)
    rated_at = models.DateTimeField()
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["rated_at", "region_code"], name="rating_fact_rated")]

    def __str__(self) -> str:
        return f"{self.rated_at:%Y-%m-%d} {self.target} {self.rating} {self.n:+d}"


class FactOverlap(models.Model):
    """A petition with two or more deadline rows of one family (acceptance, handling, a rating window of one
    target), between the first and the last of their due dates. Facts count rows and rates count distinct
    petitions; only such a petition can make the two differ, so the rates read these petitions' rows live
    (`facts`). Never removed: a petition listed once too often is only read live once too often."""

    petition_id = models.BigIntegerField()
    family = models.CharField(max_length=8)
    first_on = models.DateField()
    last_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition_id", "family"], name="fact_overlap_once"),
        ]
        indexes = [models.Index(fields=["family", "last_on", "first_on"], name="fact_overlap_range")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.family}"
