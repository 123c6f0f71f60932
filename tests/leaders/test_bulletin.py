"""The daily bulletin names each owned case's leader and time limit (seed 003), next to the case in the
lists and in its own section; an accusation's content stays out."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.leaders.services import ownership as service
from xinfang.leaders.services.ownership import Step
from xinfang.petitions.models import PetitionClass
from xinfang.stats import bulletins
from xinfang.stats.models import BulletinKind, BulletinTemplate
from xinfang.stats.periods import Period

from .. import factories as f
from ..conftest import stop_clock
from ..stats.test_bulletins import text_of
from .conftest import at
from .test_ownership import own, standards  # noqa: F401 - the resolution standard

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_daily_bulletin_names_owner_and_deadline(people, leaders, org, standards):  # noqa: F811
    stop_clock(at(D(2025, 9, 1)))
    backlog = f.register(people.registrar, summary="反映房屋征收补偿过低")
    secret = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        summary="举报某科长收受红包",
    )
    stop_clock(at(D(2025, 10, 9)))
    own(people, leaders, [backlog], resolution_due=D(2025, 12, 31))
    resolved = own(
        people,
        leaders,
        [secret],
        problem="举报某科长收受红包问题",
        resolution_due=D(2025, 10, 31),
        steps=[Step("核查", D(2025, 10, 20))],
    )
    stop_clock(at(D(2025, 10, 20)))
    service.resolve(resolved, leaders.county, standards=standards, note="已查处并反馈")
    stop_clock(at(D(2025, 10, 21), 16))
    bulletin = bulletins.issue(BulletinKind.DAILY, org.bureau, Period.day(D(2025, 10, 20)))
    text = text_of(bulletin.docx)
    assert "五、领导包案化解情况" in text
    assert "领导包案在办1件（其中超过化解时限0件），本期化解1件。" in text
    line = next(p for p in text.splitlines() if f"（{backlog.registration_number}），包案领导" in p)
    assert "包案领导：陈副书记（区委副书记，县(区)级）" in line and "化解时限：2025年12月31日" in line
    assert "责任人：赵承办" in line and "责任单位：清波街道办事处" in line and "距化解时限71天" in line
    done = next(p for p in text.splitlines() if f"（{secret.registration_number}），包案领导" in p)
    assert "检举控告类事项（内容保密）" in done and "收受红包" not in text
    assert "已于2025年10月20日化解（按期）" in done
    # The backlog case is overdue by its statutory deadline too: its red line names the owner as well.
    red = [p for p in text.splitlines() if p.startswith("红牌") and backlog.registration_number in p]
    assert red and "包案领导：陈副书记（区委副书记），化解时限：2025年12月31日" in red[0]


def test_stored_templates_get_the_section_once(db):
    template = BulletinTemplate.objects.get(kind=BulletinKind.DAILY)
    assert template.body.count("ownership_lines") == 1
