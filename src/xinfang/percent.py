"""The one rule for writing a rate as a percentage (docs/statistics.md, "Rates"): two decimals, rounded half
up as bureaus round by hand (246/247 = 99.60%), printed without trailing zeros (83.2%, 100%). The statistics'
rates, the campaigns' rates and their sentences all go through here, so a rate reads the same everywhere."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.01")


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage; None when nothing was counted (no rate, not 0%)."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(PLACES, rounding=ROUND_HALF_UP)


def shown(value: Decimal) -> str:
    """A percentage as the reports print it, without the sign: no trailing zeros (83.2, 100)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
