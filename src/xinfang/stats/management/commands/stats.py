"""xinfang stats (--unit CODE | --region CODE) --from DATE --to DATE [--json] [--full] [--as-of DATE]
[--base-from DATE --base-to DATE] [slice]

The slice flags (docs/statistics.md, "Slices") narrow every petition figure: --channel (repeatable or a comma
list; `wxd` is 网信电访, `online_channels` the online share's channels), --source, --source-level,
--source-action, --class, --category (a path such as 城乡建设/征收拆迁, or an id), --visit-level,
--collective/--individual, --first/--repeat and --issue-region CODE."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from xinfang import clock
from xinfang.leaders import figures as leaders_figures
from xinfang.leaders import sentences as leaders_sentences
from xinfang.replica import reads_from_replica
from xinfang.stats import mechanisms, report
from xinfang.stats.answer import stats_json
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import base_comparison, work_report
from xinfang.stats.slices import PARAM_NAMES, Slice


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def add_slice_arguments(parser) -> None:
    """One option per slice parameter (`slices.PARAM_NAMES`), each stored under the parameter's name."""
    many = {"action": "append", "default": None}
    parser.add_argument(
        "--channel",
        **many,
        help="信访形式，可重复或以逗号分隔；wxd 为网信电访，online_channels 为网上渠道（网上信访占比的口径）",
    )
    parser.add_argument("--source", **many, help="来源：direct、referred_from_above、inspection_handover")
    parser.add_argument(
        "--source-level", dest="source_level", **many, help="转交办层级：national、province、city"
    )
    parser.add_argument("--source-action", dest="source_action", **many, help="转交办方式：transfer、assign")
    parser.add_argument("--class", dest="class", **many, help="信访类别：suggestion、accusation、claim")
    parser.add_argument("--category", help="内容分类（含下级），路径如 城乡建设/征收拆迁，或编号")
    parser.add_argument(
        "--visit-level", dest="visit_level", **many, help="来访层级：national、province、city、local 等"
    )
    collective = parser.add_mutually_exclusive_group()
    collective.add_argument(
        "--collective", dest="collective", action="store_const", const="1", help="只统计集体访"
    )
    collective.add_argument(
        "--individual", dest="collective", action="store_const", const="0", help="只统计个体访"
    )
    repeat = parser.add_mutually_exclusive_group()
    repeat.add_argument("--first", dest="repeat", action="store_const", const="0", help="只统计初信初访")
    repeat.add_argument("--repeat", dest="repeat", action="store_const", const="1", help="只统计重复信访")
    parser.add_argument("--issue-region", dest="issue_region", help="问题属地的行政区划代码（含下级）")


class Command(BaseCommand):
    help = "统计一个单位或一个行政区划在一段时间内的信访数据（process.md §8 的口径）。"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--unit", help="单位代码")
        target.add_argument("--region", help="行政区划代码（辖区统计）")
        parser.add_argument("--from", dest="start", required=True, help="开始日期 YYYY-MM-DD（含）")
        parser.add_argument("--to", dest="end", required=True, help="结束日期 YYYY-MM-DD（含）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument(
            "--full", action="store_true", help="JSON 中另含范围、同比、环比、积案数和信访老户数"
        )
        parser.add_argument("--as-of", dest="as_of", help="按哪一天判断是否逾期（默认今天）")
        parser.add_argument(
            "--base-from", dest="base_from", help="比较基期开始日期 YYYY-MM-DD（与 --base-to 同用）"
        )
        parser.add_argument("--base-to", dest="base_to", help="比较基期结束日期 YYYY-MM-DD（含）")
        add_slice_arguments(parser)

    @reads_from_replica()  # XF_REPLICA_URL: the figures from the replica when it is usable
    def handle(self, *args, **options):
        try:
            scope = (
                Scope.for_unit(options["unit"]) if options["unit"] else Scope.for_region(options["region"])
            )
            period = Period.between(_date(options["start"]), _date(options["end"]))
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        try:
            chosen = Slice.from_params({name: options[name] for name in PARAM_NAMES})
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        ctx = Ctx.of(period, _date(options["as_of"]) if options["as_of"] else clock.today(), slice=chosen)
        base = self._base_period(options)
        if options["json"]:
            data = stats_json(scope, ctx, full=options["full"], base=base)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        figures = report.figures(scope, ctx)
        self.stdout.write(f"{scope.name} {period.label}")
        if not chosen.is_empty:
            self.stdout.write(
                f"筛选条件：{chosen.describe()}（领导接访、包案、阅批及各机制数字不按筛选条件统计）"
            )
        for paragraph in [*work_report(figures), *mechanisms.sentences(scope, ctx)]:
            self.stdout.write(paragraph)
        if base is not None:
            self.stdout.write(base_comparison(figures, report.figures_of_base(scope, ctx, base)) + "。")
        leaders = leaders_figures.all_figures(
            period.start, period.end, ctx.today, prefix=scope.prefix, unit=scope.unit
        )
        for sentence in leaders_sentences.reception_sentences(leaders["reception"]):
            self.stdout.write(sentence)

    @staticmethod
    def _base_period(options) -> Period | None:
        start, end = options["base_from"], options["base_to"]
        if not start and not end:
            return None
        if not (start and end):
            raise CommandError("比较基期须同时给出 --base-from 和 --base-to。")
        try:
            return Period.between(_date(start), _date(end))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
