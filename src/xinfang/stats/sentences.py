"""The work-report paragraphs (process.md §9) in the sentence forms of the bureau reports in the seeds, e.g.

    全县共登记群众到京省市信访511批548人次，其中网信电访435批次，京省市走访66批103人（含京访11批15人、
    省访30批49人、市访25批39人）
    全县责任单位及时受理率为98.93%（共受理280案，及时受理277案），按期答复率为99.35%（共307案，按期答复305案），
    信访部门参评率82.32%，满意率78.28%，责任部门参评率81.54%，满意率77.44%

Every number comes from a `Figures`; nothing here queries the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xinfang.orgs.models import Level
from xinfang.percent import shown

from .periods import Period, comparison
from .rates import Rate
from .referred import LEVELS, Progress, Referred
from .report import Figures, change_percent
from .volumes import Count2

SKIP_LEVEL_NAMES = {Level.NATIONAL: "京访", Level.PROVINCE: "省访", Level.CITY: "市访"}


def percent_text(value: Decimal | None) -> str:
    """98.93%, 83.2%, 100%: two decimals at most, no trailing zeros, as the reports write them."""
    if value is None:
        return "—"
    return f"{shown(value)}%"


def whole_of(figures: Figures) -> str:
    """全县 / 全区 / 全市 for a jurisdiction, the unit's name for a unit."""
    scope = figures.scope
    if scope.unit is not None:
        return scope.unit.name
    return whole_of_region(scope.region)


def whole_of_region(region) -> str:
    name = region.name
    if region.level in (Level.TOWNSHIP, Level.VILLAGE):
        return name
    return "全" + (name[-1] if name[-1] in "县区市旗省" else "县")


def _bp(count: Count2, person_word: str = "人次") -> str:
    return f"{count.batches}批{count.persons}{person_word}"


def skip_level_volume(figures: Figures) -> str:
    v = figures.volume
    visits = Count2()
    for count in v.skip_level_visits.values():
        visits.add(count.batches, count.persons)
    parts = "、".join(f"{SKIP_LEVEL_NAMES[level]}{_bp(c, '人')}" for level, c in v.skip_level_visits.items())
    online_letter_phone = v.skip_level_online_letter_phone.batches
    return (
        f"{whole_of(figures)}共登记群众到京省市信访{_bp(v.skip_level)}，其中网信电访{online_letter_phone}批次，"
        f"京省市走访{_bp(visits, '人')}（含{parts}）"
    )


def local_reception(figures: Figures) -> str:
    """县群众来访接待中心共接待来访群众2004批3995人，其中交办366批951人，现场协调处理1638批3044人"""
    v = figures.volume
    scope = figures.scope
    if scope.unit is not None:
        centre = scope.unit.name
    else:
        name = scope.region.name
        centre = (name[-1] if name[-1] in "县区市旗" else name) + "群众来访接待中心"
    return (
        f"{centre}共接待来访群众{_bp(v.by_visit_level['local'], '人')}，其中交办{_bp(v.local_handed, '人')}，"
        f"现场协调处理{_bp(v.local_on_spot, '人')}"
    )


def total_volume(figures: Figures, year_before: Figures | None = None) -> str:
    v = figures.volume
    text = f"{whole_of(figures)}共登记信访{_bp(v.total)}"
    visits = v.by_channel.get("visit", Count2())
    others = Count2(v.total.batches - visits.batches, v.total.persons - visits.persons)
    text += f"，其中来访{_bp(visits)}，网信电访{others.batches}批次"
    collective = v.by_collective["collective"]
    if collective.batches:
        text += f"；集体访{_bp(collective)}"
    if year_before is not None:
        b = change_percent(v.total.batches, year_before.volume.total.batches)
        p = change_percent(v.total.persons, year_before.volume.total.persons)
        if b is not None and p is not None:
            text += f"，{_year_on_year(figures)}批次、人次分别{_up_down(b)}、{_up_down(p)}"
    return text


def _year_on_year(figures: Figures) -> str:
    """ "同比", or for a period in progress what it is compared with: the same days of a year earlier."""
    note = comparison(figures.ctx.period, figures.ctx.today).note
    return f"同比（{note}，与上年同期相同天数相比）" if note else "同比"


def _up_down(change: float) -> str:
    if change == 0:
        return "持平"
    word = "上升" if change > 0 else "下降"
    return f"{word}{percent_text(Decimal(str(abs(change))))}"


def months_label(period: Period) -> str:
    """ "2021年1月至2022年6月" for whole months (one month: "2021年1月"), else the period's own label."""
    s, e = period.start, period.end
    if s.day != 1 or (e + dt.timedelta(days=1)).day != 1:
        return period.label
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.year}年{s.month}月"
    return f"{s.year}年{s.month}月至{e.year}年{e.month}月"


def base_comparison(figures: Figures, base: Figures) -> str:
    """与2021年1月至2022年6月比较，批次下降10.1%: the batches against a chosen base period, as the seeds write it."""
    label = months_label(base.ctx.period)
    change = change_percent(figures.volume.total.batches, base.volume.total.batches)
    if change is None:
        return f"与{label}比较：基期未登记信访事项，无从比较"
    return f"与{label}比较，批次{_up_down(change)}"


def three_rates(figures: Figures) -> str:
    r = figures.rates
    who = f"{whole_of(figures)}责任单位" if figures.scope.unit is None else whole_of(figures)
    clauses = []
    acc = r["timely_acceptance"]
    if acc.denominator:
        clauses.append(
            f"及时受理率为{percent_text(acc.percent)}（共受理{acc.denominator}案，及时受理{acc.numerator}案）"
        )
    con = r["on_time_conclusion"]
    if con.denominator:
        clauses.append(
            f"按期答复率为{percent_text(con.percent)}（共{con.denominator}案，按期答复{con.numerator}案）"
        )
    for target, name in (("bureau", "信访部门"), ("unit", "责任部门")):
        part, sat = r[f"participation.{target}"], r[f"satisfaction.{target}"]
        if part.denominator or sat.denominator:
            clauses.append(f"{name}参评率{percent_text(part.percent)}，满意率{percent_text(sat.percent)}")
    if not clauses:
        return f"{who}本期无到期应受理、应办结的信访事项"
    return who + "，".join(clauses)


def repeat_and_online(figures: Figures) -> str:
    r = figures.rates
    repeat, online = r["repeat"], r["online_share"]
    if not repeat.denominator:
        return f"{whole_of(figures)}本期未登记信访事项"
    return (
        f"重复信访{repeat.numerator}批，重访比例占{percent_text(repeat.percent)}；"
        f"网上信访{online.numerator}批，网上信访占比{percent_text(online.percent)}"
    )


def backlog(figures: Figures) -> str:
    b: Rate = figures.rates["backlog_resolution"]
    text = f"信访积案{b.denominator}案，已化解{b.numerator}案"
    if b.denominator:
        text += f"，化解率{percent_text(b.percent)}"
    first = figures.rates["first_petition_on_time"]
    if first.denominator:
        text += f"；初信初访按期办结率{percent_text(first.percent)}"
    return text + f"；信访老户{figures.long_term_petitioners}人"


# How the matters of a level still open stand (seed 001: "剩余21件均已受理并在办理期限内").
REMAINING_PHRASES = {
    "in_time": "已受理并在办理期限内",
    "overdue": "已超过办理期限",
    "awaiting_acceptance": "尚未受理",
    "closed": "已告知终止",
}


def _our(figures: Figures) -> str:
    """我县 / 我区 / 我市 as seed 003 writes "我市共受理…", the unit's name for a unit."""
    whole = whole_of(figures)
    return "我" + whole[1:] if whole.startswith("全") else whole


def _visit_rating(r: dict[str, Rate]) -> str:
    """；纳入满意度评价来访事项中，信访部门、责任单位参评率均为100%；信访部门满意率为100%，责任单位满意率100% (seed 003)."""
    bureau, unit = r["participation.bureau"], r["participation.unit"]
    if not (bureau.denominator or unit.denominator):
        return ""
    if bureau.percent == unit.percent:
        taking = f"信访部门、责任单位参评率均为{percent_text(bureau.percent)}"
    else:
        taking = (
            f"信访部门参评率为{percent_text(bureau.percent)}，责任单位参评率为{percent_text(unit.percent)}"
        )
    satisfied = (
        f"信访部门满意率为{percent_text(r['satisfaction.bureau'].percent)}，"
        f"责任单位满意率{percent_text(r['satisfaction.unit'].percent)}"
    )
    return f"；纳入满意度评价来访事项中，{taking}；{satisfied}"


def case_handling(figures: Figures) -> str | None:
    """Seed 003's paragraph on visits and on letters, calls and online matters, each from its channels alone:
    现场协调群众来访案件共710起，立案交办144件，已办结114件，正在办理30件，来访事项及时受理率100%，按期办结率100%。
    我市共受理群众来信来电短信及网上信访611件，到期应结439件，按期办结率100%"""
    ch = figures.case_handling
    if ch is None:
        return None
    v = figures.volume
    sentences = []
    on_spot, handed = v.local_on_spot.batches, v.local_handed.batches
    if on_spot or handed:
        text = (
            f"现场协调群众来访案件共{on_spot}起，立案交办{handed}件，已办结{ch.handed_concluded}件，"
            f"正在办理{handed - ch.handed_concluded}件"
        )
        if ch.visit_acceptance.denominator:
            text += f"，来访事项及时受理率{percent_text(ch.visit_acceptance.percent)}"
        if ch.visit_on_time.denominator:
            text += f"，按期办结率{percent_text(ch.visit_on_time.percent)}"
        sentences.append(text + _visit_rating(ch.visit_rating))
    letters = v.total.batches - v.by_channel.get("visit", Count2()).batches
    if letters:
        text = f"{_our(figures)}共受理群众来信来电短信及网上信访{letters}件"
        if ch.letters_on_time.denominator:
            due = ch.letters_on_time
            text += f"，到期应结{due.denominator}件，按期办结率{percent_text(due.percent)}"
        sentences.append(text)
    return "。".join(sentences) or None


def referred_on_time(r: Referred) -> str:
    """上三级交办信访事项143件，到期应办结127件，按期办结127件，按期办结率100% (seed 003)."""
    total = r.total
    text = f"上三级{total.action_word}信访事项{total.received}件"
    if not total.due:
        return text + "，尚无到期应办结的事项"
    rate = total.on_time_rate
    return (
        text
        + f"，到期应办结{rate.denominator}件，按期办结{rate.numerator}件，按期办结率{percent_text(rate.percent)}"
    )


def _remaining(p: Progress) -> str:
    parts = [(getattr(p, key), phrase) for key, phrase in REMAINING_PHRASES.items() if getattr(p, key)]
    if len(parts) == 1:
        return f"剩余{p.remaining}件均{parts[0][1]}"
    return f"剩余{p.remaining}件，其中" + "、".join(f"{n}件{phrase}" for n, phrase in parts)


def referred_level(name: str, p: Progress) -> str:
    """国家局转送107件，办结86件，剩余21件均已受理并在办理期限内; 咸阳市局转送5件已办结 (seed 001)."""
    text = f"{name}{p.action_word}{p.received}件"
    if not p.remaining:
        return text + "已办结"
    return text + f"，办结{p.concluded}件，" + _remaining(p)


def referred_by_level(r: Referred) -> str:
    """The levels that sent anything, in the order national, province, city, joined as seed 001 joins them."""
    levels = [
        referred_level(r.names[level], r.by_level[level]) for level in LEVELS if r.by_level[level].received
    ]
    return "其中" + "；".join(levels)


def referred_paragraph(r: Referred | None) -> str | None:
    """The on-time sentence, then what became of each level's matters; None when nothing was sent down."""
    if r is None or not r.total.received:
        return None
    return f"{referred_on_time(r)}。{referred_by_level(r)}"


def work_report(figures: Figures, year_before: Figures | None = None) -> list[str]:
    """The statistical paragraphs of a work report, each ending with "。"; after the three rates, seed 003's
    by channel and the matters sent down from above, when there are any."""
    paragraphs = [
        skip_level_volume(figures),
        local_reception(figures),
        total_volume(figures, year_before),
        three_rates(figures),
        case_handling(figures),
        referred_paragraph(figures.referred),
        repeat_and_online(figures),
        backlog(figures),
    ]
    return [p + "。" for p in paragraphs if p is not None]


# The words a creation sentence counts by, and the word its standard's name ends with ("“四无”乡镇").
INDICATOR_NOUNS = {
    "township": ("乡镇街道", "乡镇"),
    "village": ("村（社区）", "村"),
    "unit": ("单位", "单位"),
}


def indicator_sentence(region, name: str, level: str, total: int, met: int) -> str:
    """全县14个乡镇街道中，有13个达到“四无”乡镇标准 (seed 003's count, the standard quoted as bureaus do)."""
    noun, word = INDICATOR_NOUNS[level]
    quoted = f"“{name[: -len(word)]}”{word}" if name.endswith(word) and len(name) > len(word) else f"“{name}”"
    return f"{whole_of_region(region)}{total}个{noun}中，有{met}个达到{quoted}标准"
