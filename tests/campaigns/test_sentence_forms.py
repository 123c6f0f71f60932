"""The sentence's place word and percentages as the reports print them."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from xinfang.campaigns.figures import CampaignFigures, campaign_sentence, shown


def test_percentages_drop_trailing_zeros():
    assert [shown(Decimal(v)) for v in ("99.59", "83.20", "100.00", "0.00")] == ["99.59", "83.2", "100", "0"]


def test_a_city_campaign_says_our_city_and_names_only_the_units_it_has():
    campaign = SimpleNamespace(
        unit=SimpleNamespace(region=SimpleNamespace(name="平顶山市", level="city")),
        get_assigning_body_display=lambda: "省联席办",
    )
    f = CampaignFigures(
        cases=64, township_units=0, department_units=12, resolved=38, on_time=38, due=64, screened_out=0
    )
    assert (
        campaign_sentence(campaign, f)
        == "省联席办共交办我市64个案件，涉及12个市直单位，已化解38案，化解率59.38%"
    )


def test_campaign_rates_and_the_statistics_rates_round_by_one_rule():
    from xinfang.stats.rates import Rate

    f = CampaignFigures(
        cases=247, township_units=0, department_units=1, resolved=246, on_time=38, due=64, screened_out=0
    )
    assert f.resolution_rate == Rate(246, 247).percent == Decimal("99.60")  # seed 000 (written 99.59% there)
    assert f.on_time_rate == Rate(38, 64).percent == Decimal("59.38")  # seed 003's 59.375% (written 59.4%)
