"""xinfang stats (--unit CODE | --region CODE) --from DATE --to DATE [--json] [--full] [--as-of DATE]"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from xinfang import clock
from xinfang.leaders import figures as leaders_figures
from xinfang.leaders import sentences as leaders_sentences
from xinfang.stats import mechanisms, report, target_panels
from xinfang.stats.metrics import Ctx
from xinfang.stats.periods import Period
from xinfang.stats.scope import Scope
from xinfang.stats.sentences import work_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


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

    def handle(self, *args, **options):
        try:
            scope = (
                Scope.for_unit(options["unit"]) if options["unit"] else Scope.for_region(options["region"])
            )
            period = Period.between(_date(options["start"]), _date(options["end"]))
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        ctx = Ctx.of(period, _date(options["as_of"]) if options["as_of"] else clock.today())
        if options["json"]:
            if options["full"]:
                current, year_before, previous = report.figures_with_comparison(scope, ctx)
                data = current.as_full_json(year_before, previous)
            else:
                data = report.figures(scope, ctx).as_json()
            data.update(mechanisms.as_json(scope, ctx))
            data |= leaders_figures.all_figures(
                period.start, period.end, ctx.today, prefix=scope.prefix, unit=scope.unit
            )
            data |= target_panels.as_json(scope, target_panels.evaluation_day(period.end, ctx.today))
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        figures = report.figures(scope, ctx)
        self.stdout.write(f"{scope.name} {period.label}")
        for paragraph in [*work_report(figures), *mechanisms.sentences(scope, ctx)]:
            self.stdout.write(paragraph)
        leaders = leaders_figures.all_figures(
            period.start, period.end, ctx.today, prefix=scope.prefix, unit=scope.unit
        )
        for sentence in leaders_sentences.reception_sentences(leaders["reception"]):
            self.stdout.write(sentence)
