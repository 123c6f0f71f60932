"""The petitions every slice test counts (tests/stats/test_slices.py, test_slice_views.py,
tests/api/test_stats.py).

March 2026 in 上城区, judged on 2026-06-15 (the period runs to that day, so the handling periods fall in it):

| | channel | source | class | category | issue | collective | repeat | acceptance | reply | rating (unit) |
|---|---|---|---|---|---|---|---|---|---|---|
| a | letter | direct | claim | 征收拆迁 | 清波 | no | first | on time | on time | satisfied |
| b | visit (county) | direct | claim | 征收拆迁 | 清波 | yes (6) | first | late | overdue | |
| c | online | from above (national, assign) | claim | 住房 | 湖滨 | no | first | on time | on time | window expired |
| d | phone | direct | claim | 征收拆迁 | 清波 | no | of a | on time | overdue | |
| e | letter | direct | accusation (of the bureau) | 纪检监察 | 清波 | no | first | on time (纪委) | overdue | |
| f | visit (county) | direct | claim | 征收拆迁 | 清波 | no | of e | — | — | |

e accuses the county bureau: the bureau's reader never counts it, and f is no repeat for that reader.
"""

from __future__ import annotations

from tests import factories as f
from tests.scenes import when
from xinfang.petitions.models import Channel, PetitionClass, Source, SourceAction


def build(scene, org, people) -> dict:
    p = {}
    p["a"] = scene.delivered("2026-03-02 09:00", "2026-03-20", "2026-03-25")
    scene.rate(p["a"], "unit", "satisfied", "2026-03-28")
    p["b"] = scene.accepted(
        "2026-03-02 10:00", "2026-03-03", "2026-03-25",
        channel=Channel.VISIT, person_count=6, parties=[f.representative(), f.representative()],
    )  # fmt: skip
    p["c"] = scene.delivered(
        "2026-03-04 09:00", "2026-04-01", "2026-04-03", unit=org.hubin_unit,
        channel=Channel.ONLINE, source=Source.REFERRED_FROM_ABOVE, source_level="national",
        source_action=SourceAction.ASSIGN, category=f.category("城乡建设/住房"), issue_region=org.hubin,
    )  # fmt: skip
    p["d"] = scene.accepted(
        "2026-03-10 09:00", "2026-03-11", "2026-03-12", channel=Channel.PHONE, repeat_of=p["a"]
    )
    p["e"] = f.register(
        people.city_registrar,
        received_at=when("2026-03-06 09:00"),
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.bureau,
        category=f.category("纪检监察"),
    )
    scene.do(p["e"], "transfer", people.city_registrar, "2026-03-07", to_unit=org.discipline)
    scene.accept(p["e"], "2026-03-09", unit=org.discipline)
    # Only a reader who sees e can link a repeat to it: the city bureau, which sends f to 清波 (never accepted).
    p["f"] = f.register(
        people.city_registrar, received_at=when("2026-03-12 09:00"), channel=Channel.VISIT, person_count=1,
        repeat_of=p["e"],
    )  # fmt: skip
    scene.do(p["f"], "transfer", people.city_registrar, "2026-03-13", to_unit=org.qingbo_unit)
    return p
