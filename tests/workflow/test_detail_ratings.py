"""The petition page shows what the petitioner rated: each target, value, channel, time and reason."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.scenes import when
from xinfang.workflow.services import perform


def ratings_table(client, user, petition) -> str:
    client.force_login(user)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    section = page[page.index('id="ratings"') :]
    return section[: section.index("</section>")]


def rows(table: str) -> list[list[str]]:
    found = []
    for row in re.findall(r"<tr data-rating[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found.append([" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells])
    return found


def test_both_ratings_show_target_unit_value_channel_local_time_and_reason(client, scene, people):
    petition = scene.drive("concluded")  # delivered 2026-04-03
    scene.do(
        petition, "rate", people.registrar, "2026-04-05 15:20", target="unit", rating="satisfied", via="phone"
    )
    scene.move(when("2026-04-06 08:05"))  # through the portal: no staff member records it
    perform(petition, "rate", None, target="bureau", rating="dissatisfied", reason="答复未解决实际问题")
    table = ratings_table(client, people.township_handler, petition)
    assert "满意度评价（2）" in table
    assert rows(table) == [
        ["责任单位", "清波街道办事处", "满意", "电话回访 记录人：王登记", "2026-04-05 15:20", "—"],
        ["信访部门", "上城区信访局", "不满意", "网上（查询码）", "2026-04-06 08:05", "答复未解决实际问题"],
    ]


def test_a_petition_not_yet_rated_says_so(client, scene, people):
    petition = scene.drive("concluded")
    table = ratings_table(client, people.registrar, petition)
    assert "信访人尚未评价。" in table and not rows(table)
