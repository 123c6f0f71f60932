"""A deadline's "暂定" (provisional: the year's holidays not yet published) matters only while it runs: a
concluded period keeps its date and loses the mark."""

from __future__ import annotations

import re

from django.urls import reverse

from xinfang.workflow.models import Deadline, DeadlineStatus


def deadline_rows(client, user, petition) -> dict[str, str]:
    client.force_login(user)
    page = client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()
    table = page[page.index('id="petition-deadlines"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return {" ".join(re.sub(r"<[^>]+>", " ", row).split()).split(" ")[0]: row for row in rows}


def test_provisional_shows_on_a_running_deadline_only(client, scene, people):
    petition = scene.drive("accepted")  # accept: met; handle: open
    Deadline.objects.filter(petition=petition).update(provisional=True)
    stages = dict(Deadline.objects.filter(petition=petition).values_list("stage", "status"))
    assert stages["accept"] == DeadlineStatus.MET and stages["handle"] == DeadlineStatus.OPEN
    rows = deadline_rows(client, people.township_handler, petition)
    accept = next(row for label, row in rows.items() if label.startswith("受理"))
    handle = next(row for label, row in rows.items() if label.startswith("办理"))
    assert "按期完成" in accept and "暂定" not in accept
    assert "暂定" in handle
