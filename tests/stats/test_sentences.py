"""The work-report sentences in the seeds' forms, on hand-built petitions."""

from __future__ import annotations

from decimal import Decimal

from xinfang.petitions.models import Channel, Source, SourceAction
from xinfang.stats import report, volumes
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import percent_text, work_report

from .conftest import ctx


def test_percent_text_writes_as_the_reports_do():
    assert percent_text(Decimal("98.93")) == "98.93%"
    assert percent_text(Decimal("83.20")) == "83.2%"
    assert percent_text(Decimal("100.00")) == "100%"
    assert percent_text(Decimal("0.00")) == "0%"
    assert percent_text(None) == "—"


def test_volume_sentences(scene, org, people):
    def skip_level(day, channel, level, persons=1):
        extra = {"visit_level": level} if channel == Channel.VISIT else {}
        return scene.petition(
            f"2026-03-{day} 09:00",
            channel=channel,
            person_count=persons,
            source=Source.REFERRED_FROM_ABOVE,
            source_level=level,
            source_action=SourceAction.TRANSFER,
            **extra,
        )

    skip_level("02", Channel.VISIT, "national", 2)
    skip_level("03", Channel.VISIT, "province", 3)
    skip_level("04", Channel.VISIT, "city", 1)
    skip_level("05", Channel.ONLINE, "national")
    skip_level("06", Channel.LETTER, "province")
    on_spot = scene.petition("2026-03-10 09:00", channel=Channel.VISIT, visit_level="county", person_count=4)
    scene.do(on_spot, "conclude_on_spot", people.registrar, "2026-03-10 11:00", text="当场解释政策")
    handed = scene.petition("2026-03-11 09:00", channel=Channel.VISIT, visit_level="county", person_count=2)
    scene.transfer(handed, "2026-03-11 15:00")
    scene.petition("2026-03-12 09:00", channel=Channel.VISIT, visit_level="county")

    march = ctx("2026-03-01", "2026-03-31")
    figures = report.figures(Scope(region=org.county), march)
    paragraphs = work_report(figures)
    assert paragraphs[0] == (
        "全区共登记群众到京省市信访5批8人次，其中网信电访2批次，"
        "京省市走访3批6人（含京访1批2人、省访1批3人、市访1批1人）。"
    )
    assert paragraphs[1] == "区群众来访接待中心共接待来访群众3批7人，其中交办1批2人，现场协调处理1批4人。"
    assert paragraphs[2].startswith("全区共登记信访8批15人次，其中来访6批13人次，网信电访2批次")
    assert (
        paragraphs[3] == "全区责任单位及时受理率为0%（共受理1案，及时受理0案）。"
    )  # the handed one, overdue
    assert paragraphs[4] == (
        "现场协调群众来访案件共1起，立案交办1件，已办结0件，正在办理1件，来访事项及时受理率0%。"
        "我区共受理群众来信来电短信及网上信访2件。"
    )
    assert paragraphs[5] == (
        "上三级转送信访事项5件，尚无到期应办结的事项。其中国家局转送2件，办结0件，剩余2件均尚未受理；"
        "省局转送2件，办结0件，剩余2件均尚未受理；杭州市局转送1件，办结0件，剩余1件均尚未受理。"
    )
    assert paragraphs[6] == "重复信访0批，重访比例占0%；网上信访1批，网上信访占比12.5%。"
    assert paragraphs[7] == "信访积案0案，已化解0案；信访老户0人。"
    # Each count drills down to its petitions.
    scope = Scope(region=org.county)
    assert volumes.volume_petitions(scope, march, "local_visit", "on_spot").get() == on_spot
    assert volumes.volume_petitions(scope, march, "local_visit", "handed").get() == handed
    assert volumes.volume_petitions(scope, march, "skip_level_online_letter_phone").count() == 2
    assert volumes.volume_petitions(scope, march, "skip_level_visit", "province").count() == 1


def test_year_on_year_change_in_the_total(scene, org):
    for day in ("2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05"):
        scene.petition(f"{day} 09:00")
    for day in ("2026-03-02", "2026-03-03", "2026-03-04"):
        scene.petition(f"{day} 09:00", person_count=2)
    march = ctx("2026-03-01", "2026-03-31")
    current, year_before, previous = report.figures_with_comparison(Scope(region=org.county), march)
    assert year_before.ctx.period.label == "2025年3月" and previous.ctx.period.label == "2026年2月"
    text = work_report(current, year_before)[2]
    assert text.endswith("同比批次、人次分别下降25%、上升50%。")
    full = current.as_full_json(year_before, previous)
    assert full["year_on_year"]["volume"]["batches"] == {"before": 4, "change_percent": -25.0}
    assert full["period_on_period"]["volume"]["batches"] == {"before": 0, "change_percent": None}


def test_unit_scope_names_the_unit(scene, org):
    scene.accepted("2026-03-02 09:30", "2026-03-03", "2026-03-05")
    figures = report.figures(Scope(unit=org.qingbo_unit), ctx("2026-03-01", "2026-03-31"))
    assert work_report(figures)[3] == "清波街道办事处及时受理率为100%（共受理1案，及时受理1案）。"
