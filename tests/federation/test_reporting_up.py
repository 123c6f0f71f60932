"""Reporting up between two real instances (a city and a county, each its own process and SQLite database;
no servers: the test carries each outbox to the other's inbox): the city's ranking shows the county with the
county's own figures over the matters the city sent down, an empty county with nothing, and a visit to the
city (到市访) counted at the county."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.federation import instances
from tests.federation.walk import _due, _today

PORTS = {"province": 8720, "city": 8721, "county": 8722}
TOWNSHIP_UNIT = "330102001-BSC"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    base = tmp_path_factory.mktemp("reporting")
    running = {name: instances.Instance(name, PORTS[name], base, PORTS) for name in ("city", "county")}
    try:
        for one in running.values():
            one.prepare()
        for one in running.values():
            one.set_up()
        # A second county the city serves through a peer that was never sent anything.
        running["city"].call(
            "add_peer",
            name="county2",
            base_url="http://127.0.0.1:9/",
            unit_codes=["330105-XFJ"],
            outbound_key_id="city>county2",
            outbound_secret=instances.secret("city", "county2"),
            inbound_key_id="county2>city",
            inbound_secret=instances.secret("county2", "city"),
        )
        yield running
    finally:
        instances.stop_all(running)


def pump(pair) -> None:
    """Carry every pending event both ways until both outboxes are empty."""
    for _ in range(20):
        moved = False
        for sender, receiver in (("city", "county"), ("county", "city")):
            envelopes = pair[sender].call("outbox", peer=receiver)
            if envelopes:
                moved = True
                answers = pair[receiver].call("receive", peer=sender, envelopes=envelopes)
                assert all(a["status"] == "applied" for a in answers), answers
                pair[sender].call("answered", peer=receiver, answers=answers)
        if not moved:
            return
    raise AssertionError("the outboxes never emptied")


def test_the_citys_ranking_shows_each_county_with_its_own_figures_for_the_matters_sent_down(pair):
    city, county = pair["city"], pair["county"]
    a = city.call("register", user="city_staff")["ref"]
    b = city.call("register", user="city_staff")["ref"]
    visit = city.call("register", user="city_staff", channel="visit", visit_level="city")["ref"]
    for ref in (a, b):
        city.call(
            "act", ref=ref, action="assign", user="city_staff", to_unit="330102-XFJ", report_due=_due(40)
        )
    pump(pair)
    # A: the county assigns it on to its township, which accepts and replies; the county reviews the
    # result, the city confirms it, the township delivers and the petitioner rates it.
    county.call(
        "act", ref=a, action="assign", user="county_staff", to_unit=TOWNSHIP_UNIT, report_due=_due(30)
    )
    for action, data in (
        ("sign_for", {}),
        ("accept", {}),
        ("reply", {"opinion": "support", "text": "予以支持。"}),
    ):
        county.call("act", ref=a, action=action, user="township_staff", **data)
    county.call("act", ref=a, action="confirm_conclusion", user="county_staff")
    pump(pair)
    city.call("act", ref=a, action="confirm_conclusion", user="city_staff")
    pump(pair)
    today = _today().isoformat()
    county.call("act", ref=a, action="deliver", user="township_staff", method="in_person", received_on=today)
    county.call("act", ref=a, action="rate", via="phone", target="unit", rating="satisfied")
    # B: the county bureau signs for it and accepts it itself; C: the county's own matter, never sent up.
    county.call("act", ref=b, action="sign_for", user="county_staff")
    county.call("act", ref=b, action="accept", user="county_staff")
    county.call("register", user="county_staff")
    pump(pair)

    start, end = (_today() - dt.timedelta(days=1)).isoformat(), (_today() + dt.timedelta(days=90)).isoformat()
    rows = city.call("ranking", region="330100", start=start, end=end)
    own = county.call("figures", region="330102", start=start, end=end, source="referred_from_above")
    assert rows["330102"] == own
    # Not vacuous: the township's acceptance, the on-time reply, the rating, the two matters and the visit.
    assert own["timely_acceptance"]["denominator"] == 1 and own["timely_acceptance"]["numerator"] == 1
    assert own["on_time_conclusion"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert own["satisfaction.unit"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert own["total"] == [2, 2]
    assert own["skip_level.city"] == [1, 1]  # the visit registered at the city, notified to the county
    assert own["skip_level"] == [3, 3]  # and the two matters the city sent down (上级交办)
    # The restriction matters: the county's whole figures also hold its own matter C.
    assert county.call("figures", region="330102", start=start, end=end)["total"] == [3, 3]
    # The county the city never sent anything: its row is its (empty) figures, no division by zero.
    empty = county.call("figures", region="330105", start=start, end=end)
    assert rows["330105"] == empty
    assert empty["timely_acceptance"]["percent"] is None and empty["total"] == [0, 0]
    # The visit is the city's matter: the county recorded it once, as a count, not as a petition to handle.
    assert not county.call("state", ref=visit)["exists"]
