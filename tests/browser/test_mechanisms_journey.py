"""Issue 15's journey, as people do it: a township joint meeting takes two hard petitions and a dispute,
decides lead and supporting units with deadlines and sends the dispute up to the county meeting, which settles
it; the minutes download as docx; a campaign is created from an imported list of 20 cases in two batches, 2
screened out with reasons, cases resolved over some weeks, and the campaign page ranks the units; an
assistance grant is approved and paid on a concluded case, which then ends 救助息访. No console errors."""

from __future__ import annotations

import datetime as dt
import json

import docx
import pypdf
import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.conftest import stop_clock
from tests.scenes import Scene
from xinfang import clock
from xinfang.assistance.models import Grant, GrantStatus
from xinfang.campaigns.models import Campaign, CampaignCase, Screening
from xinfang.disputes import services as disputes
from xinfang.meetings.models import AgendaItem, ItemStatus, JointMeeting
from xinfang.workflow.co_handling import co_handling_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    return errors


def switch_to(page, log_in, user) -> None:
    page.context.clear_cookies()
    log_in(user)


def item_card(page, position: int):
    return page.locator(".card", has=page.get_by_role("heading", name=f"第{position}项：", exact=False))


def township_and_county_meetings(page, log_in, org, people, one, two, dispute) -> None:
    stop_clock(when("2026-03-06 15:00"))
    switch_to(page, log_in, people.township_leader)
    page.goto("/meetings/new/")
    page.get_by_label("会议层级").select_option("township")
    page.get_by_label("会议类型").select_option("regular")
    page.get_by_label("召开日期").fill("2026-03-06")
    page.get_by_label("会议名称").fill("清波街道信访工作联席会议")
    page.get_by_label("参会单位和领导").fill("街道党工委书记、住建局、派出所")
    page.get_by_label("议题", exact=True).fill(
        f"{one.registration_number} 征收补偿长期未落实\n{two.registration_number} 小区物业维修资金\n"
        f"纠纷编号{dispute.pk} 旧改征迁补偿纠纷"
    )
    page.get_by_role("button", name="记录").click()
    expect(page.get_by_role("alert")).to_contain_text("会议已记录")
    meeting = JointMeeting.objects.get(level="township")

    for position, action, supporting, deadline in (
        (1, "联合核查补偿标准，限期答复", [org.housing], "2026-03-20"),
        (
            2,
            "街道牵头，住建局、湖滨街道配合启动维修资金使用程序",
            [org.housing, org.hubin_unit],
            "2026-03-27",
        ),
    ):
        card = item_card(page, position)
        card.get_by_label("牵头单位").select_option(str(org.qingbo_unit.pk))
        card.get_by_label("配合单位").select_option([str(u.pk) for u in supporting])
        card.get_by_label("议定事项").fill(action)
        card.get_by_label("办理时限").fill(deadline)
        card.get_by_role("button", name="记录议定事项").click()
        expect(page.get_by_role("alert")).to_contain_text("议定事项已记录")
        expect(item_card(page, position)).to_contain_text(f"议定：{action}")
    card = item_card(page, 3)
    card.get_by_label("提请", exact=True).select_option("county_meeting")
    card.get_by_label("本级无法解决的原因").fill("补偿标准涉及县级政策，街道无权调整")
    card.get_by_role("button", name="提请上级研究").click()
    expect(page.get_by_role("alert")).to_contain_text("已提请上级研究")
    expect(item_card(page, 3)).to_contain_text("已提请县联席会议")

    # The minutes, downloaded from the meeting page, hold the decisions and the escalation.
    with page.expect_download() as download:
        page.get_by_role("link", name="下载纪要（Word）").click()
    text = "\n".join(p.text for p in docx.Document(download.value.path()).paragraphs)
    assert "清波街道信访工作联席会议纪要" in text and "议定：联合核查补偿标准，限期答复" in text
    assert f"配合单位：{org.housing.name}、{org.hubin_unit.name}" in text and "提请县联席会议研究" in text
    with page.expect_download() as download:
        page.get_by_role("link", name="下载纪要（PDF）").click()
    pdf = "".join("".join(p.extract_text().split()) for p in pypdf.PdfReader(download.value.path()).pages)
    assert "清波街道信访工作联席会议纪要" in pdf and "补偿标准涉及县级政策" in pdf
    lead_one, lead_two = co_handling_of(one), co_handling_of(two)
    assert (lead_one.lead, lead_one.supporting) == (org.qingbo_unit, [org.housing])
    assert lead_two.lead == org.qingbo_unit and set(lead_two.supporting) == {org.housing, org.hubin_unit}

    # The county meeting takes the item up and settles it.
    escalated = meeting.items.get(position=3)
    stop_clock(when("2026-03-12 10:00"))
    switch_to(page, log_in, people.bureau_leader)
    page.goto("/meetings/new/")
    page.get_by_label("会议层级").select_option("county")
    page.get_by_label("会议类型").select_option("ad_hoc")
    page.get_by_label("召开日期").fill("2026-03-12")
    page.get_by_label("会议名称").fill("上城区信访工作联席会议")
    page.get_by_label("参会单位和领导").fill("分管副区长、住建局、清波街道")
    page.get_by_label("议题", exact=True).fill(f"议题编号{escalated.pk} 旧改征迁补偿纠纷（清波街道提请）")
    page.get_by_role("button", name="记录").click()
    expect(page.get_by_role("alert")).to_contain_text("会议已记录")
    item_card(page, 1).get_by_label("化解情况", exact=False).fill("明确补偿标准，三户签订补偿协议")
    item_card(page, 1).get_by_role("button", name="化解").click()
    expect(page.get_by_role("alert")).to_contain_text("议题已化解")
    taken = AgendaItem.objects.get(escalated_from=escalated)
    assert taken.status == ItemStatus.SETTLED and taken.dispute == dispute
    # Back on the township meeting, the item shows what the county meeting did.
    page.goto(f"/meetings/{meeting.pk}/")
    expect(item_card(page, 3)).to_contain_text("县联席会议办理情况：已化解，明确补偿标准，三户签订补偿协议")


CASE_UNITS = ["qingbo_unit"] * 4 + ["hubin_unit"] * 8 + ["housing"] * 8


def campaign_from_a_list(page, log_in, org, people, listed) -> Campaign:
    stop_clock(when("2026-03-16 09:00"))
    switch_to(page, log_in, people.bureau_handler)
    page.goto("/campaigns/new/")
    page.get_by_label("活动名称").fill("集中治理重复信访化解信访积案")
    page.get_by_label("交办机关").select_option("central")
    page.get_by_label("交办日期").fill("2026-03-16")
    page.get_by_label("完成期限").fill("2026-06-30")
    page.get_by_label("化解标准（每行一条）").fill("诉求合理的解决到位\n诉求无理的思想教育到位")
    page.get_by_role("button", name="创建").click()
    expect(page.get_by_role("alert")).to_contain_text("专项活动已创建")
    for name, due in (("第一批", "2026-04-30"), ("第二批", "2026-05-31")):
        page.get_by_label("批次", exact=True).fill(name)
        page.get_by_label("交办日期").fill("2026-03-16")
        page.get_by_label("化解期限").fill(due)
        page.get_by_role("button", name="添加").click()
        expect(page.get_by_role("alert")).to_contain_text("批次已添加")
    lines = "\n".join(
        json.dumps({"registration_number": p.registration_number, "batch": "第一批" if n < 10 else "第二批",
                    "responsible_unit": getattr(org, CASE_UNITS[n]).code}, ensure_ascii=False)
        for n, p in enumerate(listed)
    )  # fmt: skip
    page.get_by_label("或粘贴清单内容").fill(lines)
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert")).to_contain_text("导入20件")
    # The same list again is skipped, not duplicated.
    page.get_by_label("或粘贴清单内容").fill(lines)
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert")).to_contain_text("已导入过")
    campaign = Campaign.objects.get()
    assert campaign.cases.count() == 20
    return campaign


def row_of(page, petition):
    return page.locator("tbody tr", has_text=petition.registration_number)


def screen(page, petition, included: str, reason: str = "") -> None:
    row = row_of(page, petition)
    row.get_by_label("甄别结果").select_option(included)
    row.get_by_label("甄别理由").fill(reason)
    row.get_by_role("button", name="甄别").click()
    expect(page.get_by_role("alert")).to_contain_text("甄别结果已记录")


def resolve(page, petition, note: str) -> None:
    row = row_of(page, petition)
    for box in row.get_by_role("checkbox").all():
        box.check()
    row.get_by_label("化解情况").fill(note)
    row.get_by_role("button", name="报送化解").click()
    expect(page.get_by_role("alert")).to_contain_text("已报送化解")


def screen_resolve_and_rank(page, org, campaign, listed) -> None:
    page.goto(f"/campaigns/{campaign.pk}/")
    # One 湖滨 case and one 住建局 case are screened out with their reasons; an empty reason is refused.
    row = row_of(page, listed[4])
    row.get_by_label("甄别结果").select_option("out")
    row.get_by_role("button", name="甄别").click()
    expect(page.get_by_role("alert")).to_contain_text("须说明理由")
    screen(page, listed[4], "out", "已依法终结，不属于积案范围")
    screen(page, listed[12], "out", "重复交办，已并入第一批同一事项")
    resolved = listed[0:4] + listed[13:16] + listed[5:6]  # 清波 4 of 4, 住建局 3 of 7, 湖滨 1 of 7
    for petition in resolved:
        screen(page, petition, "in")
    for n, petition in enumerate(resolved):
        # Resolved over some weeks: the clock moves on, the form takes today's date.
        stop_clock(when("2026-03-23 09:00") + dt.timedelta(days=2 * n))
        page.goto(f"/campaigns/{campaign.pk}/")
        resolve(page, petition, f"第{n + 1}件：诉求已解决到位")
    assert CampaignCase.objects.filter(screening=Screening.OUT).exclude(screening_reason="").count() == 2
    assert CampaignCase.objects.filter(resolved_on__isnull=False).count() == 8

    page.goto(f"/campaigns/{campaign.pk}/")
    ranking = page.locator("table", has=page.get_by_role("columnheader", name="名次"))
    rows = ranking.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text(org.qingbo_unit.name)
    expect(rows.nth(0)).to_contain_text("100")
    expect(rows.nth(1)).to_contain_text(org.housing.name)
    expect(rows.nth(2)).to_contain_text(org.hubin_unit.name)
    expect(page.get_by_role("status")).to_contain_text("已化解8案")


def assistance_ends_the_matter(page, log_in, people, concluded) -> None:
    stop_clock(when("2026-04-13 09:00"))
    switch_to(page, log_in, people.township_handler)
    page.goto(f"/assistance/apply/?petition={concluded.registration_number}")
    page.get_by_label("资金渠道").select_option(index=1)
    page.get_by_label("救助金额（元）").fill("-100")
    page.get_by_label("申请人").fill("王某")
    page.get_by_label("救助事由").fill("因病致贫，生活困难")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("金额")
    assert not Grant.objects.exists()
    page.get_by_label("救助金额（元）").fill("8000")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("待审批")
    grant = Grant.objects.get()

    stop_clock(when("2026-04-14 09:00"))
    switch_to(page, log_in, people.township_leader)
    page.goto(f"/assistance/{grant.pk}/")
    page.get_by_label("审批依据").fill("《上城区信访救助办法》第五条")
    page.get_by_role("button", name="审批同意").click()
    expect(page.get_by_role("alert")).to_contain_text("已审批")

    stop_clock(when("2026-04-15 09:00"))
    switch_to(page, log_in, people.township_handler)
    page.goto(f"/assistance/{grant.pk}/")
    page.get_by_label("发放日期").fill("2026-04-15")
    page.get_by_label("发放凭证号").fill("PZ-2026-001")
    page.get_by_role("button", name="登记发放").click()
    expect(page.get_by_role("alert")).to_contain_text("已登记发放")
    page.get_by_label("是否救助息访").select_option("yes")
    page.get_by_role("button", name="记录").click()
    expect(page.get_by_role("alert")).to_contain_text("已记录")
    grant.refresh_from_db()
    concluded.refresh_from_db()
    assert grant.status == GrantStatus.PAID and grant.ended_petitioning is True
    assert concluded.settlement == "assistance"
    page.goto(f"/petitions/{concluded.pk}/")
    expect(page.locator("body")).to_contain_text("救助息访")


def test_meetings_campaign_and_assistance(page, live_server, log_in, shoot, org, people):
    errors = watch_console(page)
    scene = Scene(org, people, move=stop_clock)
    try:
        one, two = scene.transferred(), scene.transferred()
        stop_clock(when("2026-03-04 10:00"))
        dispute = disputes.record_dispute(
            people.township_handler, kind="requisition", region=org.qingbo, title="旧改征迁补偿纠纷",
            parties="三户居民与拆迁实施单位", matter="补偿标准", risk_level="high", found_via="visit",
            found_on=dt.date(2026, 3, 4), level="township",
        )  # fmt: skip
        listed = [f.register(people.registrar, summary=f"积案{n + 1}：反映问题长期未解决") for n in range(20)]
        township_and_county_meetings(page, log_in, org, people, one, two, dispute)
        shoot("county-meeting")
        campaign = campaign_from_a_list(page, log_in, org, people, listed)
        screen_resolve_and_rank(page, org, campaign, listed)
        shoot("campaign-ranking")
        concluded = scene.delivered("2026-04-07 09:30", reply="2026-04-09", received_on="2026-04-10")
        assistance_ends_the_matter(page, log_in, people, concluded)
        shoot("assistance")
    finally:
        clock.reset()
    assert errors == []
    assert page.failed_requests == []
