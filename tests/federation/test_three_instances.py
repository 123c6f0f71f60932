"""The real thing: province, city and county as separate processes on 127.0.0.1 (ports 8710-8712), each with
its own SQLite database and units, peers registered both ways; the issue's walk, then the same with the
county stopped mid-way and the city's sender killed (-9) between commit and delivery; a forged request to
a running instance is refused. Each instance's figures agree at the end: its own, and those the instance
above ranks it with from its reports; a visit to the city is counted at the county."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request

import pytest

from tests.federation import instances
from tests.federation.walk import _today, walk
from xinfang import clock
from xinfang.federation import signing

pytestmark = pytest.mark.slow
PORTS = {"province": 8710, "city": 8711, "county": 8712}
REGIONS = {"province": "330000", "city": "330100", "county": "330102"}
FIGURES = ("volume", "timely_acceptance", "on_time_conclusion", "participation", "satisfaction")


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    running = instances.start_all(tmp_path_factory.mktemp("federation"), PORTS)
    yield running
    instances.stop_all(running)


def _same_dates(result: dict) -> None:
    province, city, county = result["province"], result["city"], result["county"]
    for key in ("accepted_at", "concluded_at", "reply_received_on"):
        assert province[key] == city[key] == county[key], key
    assert province["ratings"] == city["ratings"] == county["ratings"] == [["unit", "satisfied"]]
    # The numbers: the province's own, kept at the lower levels as the external id.
    assert county["external_id"] == city["external_id"] == result["ref"]


def _figures(three: dict) -> list[dict]:
    day = clock.local_date(clock.now()).isoformat()
    return [{key: one.stats(REGIONS[name], day)[key] for key in FIGURES} for name, one in three.items()]


def test_the_walk_across_three_instances(three):
    result = walk(three, say=lambda text: None)
    _same_dates(result)
    assert result["province"]["actions"].count("reply") == 1  # the city's reviewed result, once
    assert result["county"]["actions"].count("reply") == 2
    assert result["city"]["actions"].count("return_for_rework") == 1
    figures = _figures(three)
    assert figures[0] == figures[1] == figures[2]
    assert figures[0]["satisfaction"]["unit"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    # Reporting up: each instance ranks the jurisdiction below with that instance's own figures over the
    # matters sent down (there, 上级转送交办).
    start, end = (_today() - dt.timedelta(days=1)).isoformat(), (_today() + dt.timedelta(days=90)).isoformat()
    for upper, lower in (("province", "city"), ("city", "county")):
        row = three[upper].call("ranking", region=REGIONS[upper], start=start, end=end)[REGIONS[lower]]
        own = three[lower].call(
            "figures", region=REGIONS[lower], start=start, end=end, source="referred_from_above"
        )
        assert row == own, (upper, lower)
        assert own["total"] == [1, 1] and own["satisfaction.unit"]["numerator"] == 1
    # A visit to the city (到市访) by a petitioner of the county: the city handles it; the county counts it.
    three["city"].call("register", user="city_staff", channel="visit", visit_level="city")
    deadline = time.monotonic() + 30
    while three["county"].call("figures", region="330102", start=start, end=end)["skip_level.city"] != [1, 1]:
        assert time.monotonic() < deadline, "the visit to the city never reached the county"
        time.sleep(0.3)
    row = three["city"].call("ranking", region="330100", start=start, end=end)["330102"]
    assert row["skip_level.city"] == [1, 1]


def test_the_walk_with_the_county_down_and_the_city_killed(three):
    before = three["county"].call("boxes")["inbox_keys"]
    result = walk(three, interrupt=True, say=lambda text: None)
    _same_dates(result)
    county = result["county"]["actions"]
    # Sent while the county was down, delivered after it came back, applied once each.
    assert county.count("urge") == 1 and county.count("add_supplement") == 1
    assert county.count("return_for_rework") == 1  # committed before the kill -9, delivered after restart
    boxes = three["county"].call("boxes")
    assert all(status == "applied" for _, status in boxes["inbox"]), boxes["inbox"]
    assert boxes["inbox_keys"] - before == 5  # assign, urge, supplement, return for rework, confirmation
    for one in three.values():
        # The walk ends when the petitioner's rating is seen; the province's last confirmation to the city may
        # still be on its way (the worker delivers every second): each outbox drains within the deadline.
        deadline = time.monotonic() + 30
        outbox = one.call("boxes")["outbox"]
        while not all(status == "acked" for _, status in outbox):
            assert time.monotonic() < deadline, (one.name, outbox)
            time.sleep(0.3)
            outbox = one.call("boxes")["outbox"]


def test_a_forged_request_to_a_running_instance_is_refused(three):
    body = json.dumps({"events": []}).encode()
    path = "/federation/v1/events/"
    headers = signing.headers("city>county", "forged-secret-" + "x" * 30, "POST", path, body)
    request = urllib.request.Request(three["county"].url.rstrip("/") + path, data=body, method="POST")
    for name, value in headers.items():
        request.add_header(name, value)
    request.add_header("Content-Type", "application/json")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert "签名无效" in json.loads(refused.value.read().decode())["detail"]
    log = (three["county"].dir / "server.log").read_text(errors="replace")
    assert "federation request refused" in log
