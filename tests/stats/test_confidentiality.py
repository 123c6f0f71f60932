"""Statistics are computed over what the reader may see: an accusation against the reader's unit changes no
count the accused unit reads (dashboard, per-unit table, drill-down, exports, bulletin) and no page of theirs
mentions that something is withheld. Readers it does not accuse still count it."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from xinfang.orgs.models import Role
from xinfang.petitions.models import PetitionClass
from xinfang.stats import bulletins
from xinfang.stats.models import BulletinKind
from xinfang.stats.periods import Period

MARCH = {"period": "month", "date": "2026-03-01"}
SECRET = "举报区信访局某科长收受红包"


def url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def book_values(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data), data_only=True)
    return [[cell for cell in row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def docx_text(field) -> str:
    with field.open("rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def numbers_in(html: str) -> str:
    """The page without markup or CSRF tokens: what a reader can read, to compare two renderings."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return html


def snapshot(client, bulletin_unit, serial_period) -> dict:
    pages = {
        "dashboard": client.get(url("stats:dashboard", region="330102", **MARCH)).content.decode(),
        "drill": client.get(
            url("stats:petitions", region="330102", volume="total", **MARCH)
        ).content.decode(),
        "drill_rate": client.get(
            url("stats:petitions", region="330102", metric="timely_acceptance", **MARCH)
        ).content.decode(),
        "bureau_drill": client.get(
            url("stats:petitions", unit="330102-JW", volume="total", **MARCH)
        ).content.decode(),
    }
    exports = {
        "dashboard_xlsx": book_values(
            client.get(url("stats:dashboard", region="330102", format="xlsx", **MARCH)).content
        ),
        "units_xlsx": book_values(client.get(url("stats:units", region="330102", **MARCH)).content),
        "drill_xlsx": book_values(
            client.get(
                url("stats:petitions", region="330102", volume="total", format="xlsx", **MARCH)
            ).content
        ),
    }
    bulletin = bulletins.issue(BulletinKind.MONTHLY, bulletin_unit, serial_period)
    return {"pages": pages, "exports": exports, "bulletin": docx_text(bulletin.docx)}


@pytest.fixture
def county_march(scene, org, people):
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    scene.accepted("2026-03-02 09:40", "2026-03-03", "2026-03-25", unit=org.hubin_unit)
    pending = scene.petition("2026-03-04 10:00")
    scene.transfer(pending, "2026-03-05")
    return scene


def accuse_the_bureau(scene, org, people):
    """An accusation against the county bureau, received by the city bureau and sent to the county's
    discipline organ: inside the county's jurisdiction, so the county's figures would count it."""
    petition = f.register(
        people.city_registrar,
        received_at=scene_time("2026-03-06 09:00"),
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.bureau,
        category=f.category("纪检监察"),
        summary=SECRET,
    )
    scene.do(petition, "transfer", people.city_registrar, "2026-03-07", to_unit=org.discipline)
    scene.accept(petition, "2026-03-09", unit=org.discipline)
    return petition


def scene_time(text: str):
    from tests.scenes import when

    return when(text)


def test_the_accused_bureau_reads_the_same_figures_as_without_the_accusation(
    county_march, org, people, client
):
    client.force_login(people.bureau_leader)
    month = Period.month(2026, 3)
    before = snapshot(client, org.bureau, month)
    petition = accuse_the_bureau(county_march, org, people)
    after = snapshot(client, org.bureau, month)

    for name in before["pages"]:
        assert numbers_in(after["pages"][name]) == numbers_in(before["pages"][name]), name
    assert after["exports"] == before["exports"]
    # A bulletin is numbered in series: the second issue differs only by its serial.
    assert after["bulletin"].replace("第2期", "第1期") == before["bulletin"]

    for html in after["pages"].values():
        assert SECRET not in html and petition.registration_number not in html
        # The filter bar offers every petition class as a choice, which tells nothing of what exists.
        text = re.sub(r"<option[^>]*>[^<]*</option>", "", html)
        assert "保密" not in text and "不向本单位显示" not in text and "检举控告类" not in text


def test_readers_it_does_not_accuse_count_it(county_march, org, people, client):
    client.force_login(people.discipline_handler)
    drill = url("stats:petitions", unit="330102-JW", volume="total", **MARCH)
    assert 'data-total="0"' in client.get(drill).content.decode()
    petition = accuse_the_bureau(county_march, org, people)
    html = client.get(drill).content.decode()
    assert 'data-total="1"' in html and petition.registration_number in html


def test_a_bureau_above_it_counts_it(county_march, org, people, client):
    accuse_the_bureau(county_march, org, people)
    city_leader = f.UserFactory(username="city_leader", unit=org.city_bureau, roles=[Role.BUREAU_LEADER])
    client.force_login(city_leader)
    drill = client.get(url("stats:petitions", region="330102", volume="total", **MARCH)).content.decode()
    assert 'data-total="4"' in drill and SECRET in drill
