"""The walk of issue 17 across three running instances: the province assigns a matter to the city, the city
assigns it on to the county (the city reviews the county's result, so its hand-down is an assignment), the
county signs for, accepts and replies; the city returns it for rework once, then confirms; the city's result
reaches the province, which confirms it; the county delivers, the petitioner rates at the county, and the
province sees it concluded with the county's dates.

``interrupt=True`` also stops the county mid-way (the city's urging and supplement wait for it and arrive
once it is back, none applied twice) and kills the city's worker and server with SIGKILL between the commit
of the return for rework and its delivery (delivered after they restart)."""

from __future__ import annotations

import datetime as dt
import signal
import time
from zoneinfo import ZoneInfo

# The walk runs outside Django (the demo script, the test process): the instances' own clocks are real time,
# so the day is the real day in Asia/Shanghai.
SHANGHAI = ZoneInfo("Asia/Shanghai")

CITY_UNIT, COUNTY_UNIT = "330100-XFJ", "330102-XFJ"


def _due(days: int = 30) -> str:
    return (_today() + dt.timedelta(days=days)).isoformat()


def _today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def walk(inst: dict, *, interrupt: bool = False, say=print) -> dict:
    province, city, county = inst["province"], inst["city"], inst["county"]
    staff = {name: f"{name}_staff" for name in inst}
    say("1. 省局登记并交办市局")
    ref = province.call("register", user=staff["province"])["ref"]
    province.call(
        "act", ref=ref, action="assign", user=staff["province"], to_unit=CITY_UNIT, report_due=_due(40)
    )
    city.wait(ref, lambda s: s["status"] == "assigned", what="the city to receive the assignment")
    say("2. 市局交办区局")
    city.call("act", ref=ref, action="assign", user=staff["city"], to_unit=COUNTY_UNIT, report_due=_due(30))
    county.wait(ref, lambda s: s["status"] == "assigned", what="the county to receive the assignment")
    say("3. 区局签收、受理")
    county.call("act", ref=ref, action="sign_for", user=staff["county"])
    county.call("act", ref=ref, action="accept", user=staff["county"])
    province.wait(ref, lambda s: s["status"] == "accepted", what="the acceptance to reach the province")
    if interrupt:
        say("   区局实例停机；市局催办、补充材料")
        county.kill("server", "worker")
        city.call("act", ref=ref, action="urge", user=staff["city"], text="请加快办理。")
        city.call(
            "act", ref=ref, action="add_supplement", user=staff["city"], text="信访人补充了收据复印件。"
        )
        time.sleep(2)  # the city's worker tries, fails and backs off meanwhile
        say("   区局实例恢复")
        county.start()
        county.wait_ready()
        county.wait(
            ref, lambda s: s["actions"].count("add_supplement") == 1, what="the supplement after restart"
        )
    say("4. 区局答复")
    county.call(
        "act", ref=ref, action="reply", user=staff["county"], opinion="support", text="经核查，予以支持。"
    )
    city.wait(ref, lambda s: s["status"] == "replied", what="the reply to reach the city")
    say("5. 市局退回重办")
    if interrupt:
        say("   市局发送进程和服务进程被 kill -9（退回已提交、尚未送出）")
        city.kill("worker", "server", sig=signal.SIGKILL)
    city.call(
        "act", ref=ref, action="return_for_rework", user=staff["city"], reason="补偿依据未核实，请重新办理。"
    )
    if interrupt:
        time.sleep(1)
        assert county.call("state", ref=ref)["status"] == "replied", "delivered without a worker?"
        say("   市局实例重启")
        city.start()
        city.wait_ready()
    county.wait(ref, lambda s: s["status"] == "accepted", what="the rework to reach the county")
    say("6. 区局重新答复；市局审核认定办结")
    county.call(
        "act", ref=ref, action="reply", user=staff["county"], opinion="explain", text="重新核查后解释说明。"
    )
    city.wait(ref, lambda s: s["actions"].count("reply") == 2, what="the second reply at the city")
    city.call("act", ref=ref, action="confirm_conclusion", user=staff["city"])
    province.wait(ref, lambda s: s["status"] == "replied", what="the city's result at the province")
    say("7. 省局审核认定办结")
    province.call("act", ref=ref, action="confirm_conclusion", user=staff["province"])
    county.wait(
        ref, lambda s: "confirm_conclusion" in s["actions"], what="the city's confirmation at the county"
    )
    say("8. 区局送达")
    today = _today().isoformat()
    county.call("act", ref=ref, action="deliver", user=staff["county"], method="in_person", received_on=today)
    say("9. 信访人在区局评价")
    county.wait(ref, lambda s: s["status"] == "concluded")
    county.call("act", ref=ref, action="rate", via="phone", target="unit", rating="satisfied")
    final = province.wait(
        ref, lambda s: s["status"] == "concluded" and s["ratings"], what="the rating upstairs"
    )
    city_state = city.wait(ref, lambda s: s["ratings"], what="the rating at the city")
    say(f"10. 省局看到已办结：{final['concluded_at']}")
    return {"ref": ref, "province": final, "city": city_state, "county": county.call("state", ref=ref)}
