"""xinfang assess --region CODE --month YYYY-MM [--scheme ID]"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.models import Region
from xinfang.stats import assessment
from xinfang.stats.models import AssessmentScheme


class Command(BaseCommand):
    help = "计算一个区划某月的信访工作考评得分、排名和连续靠前/末位标注。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="考评范围的区划代码")
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--scheme", type=int, help="考评方案编号（默认：该区划当月适用的方案）")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"行政区划“{options['region']}”不存在。")
        try:
            month = dt.date.fromisoformat(f"{options['month']}-01")
        except ValueError:
            raise CommandError("月份格式应为 YYYY-MM。") from None
        if options["scheme"]:
            scheme = AssessmentScheme.objects.filter(pk=options["scheme"]).first()
        else:
            scheme = assessment.active_scheme(region, month)
        if scheme is None:
            raise CommandError("没有适用的考评方案。")
        run = assessment.assess(scheme, region, month)
        for score in run.scores.select_related("unit").order_by("group", "rank", "unit__code"):
            flags = ("（连续靠前）" if score.top_streak else "") + (
                "（连续末位）" if score.bottom_streak else ""
            )
            self.stdout.write(f"{score.group}\t{score.rank}\t{score.unit.name}\t{score.total}{flags}")
