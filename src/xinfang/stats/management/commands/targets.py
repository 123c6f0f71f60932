"""xinfang targets --example {wulv,siwu,wufangcun} --region CODE --year YYYY"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.models import Region
from xinfang.stats import target_services
from xinfang.stats.models import Target


class Command(BaseCommand):
    help = "按示例设置年度目标或创建指标：wulv（信访“五率”五项下限目标）、siwu（四无乡镇）、wufangcun（无访村）。"

    def add_arguments(self, parser):
        parser.add_argument("--example", required=True, choices=target_services.EXAMPLES, help="示例名称")
        parser.add_argument("--region", required=True, help="行政区划代码")
        parser.add_argument("--year", required=True, type=int, help="年度")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"行政区划“{options['region']}”不存在。")
        try:
            made = target_services.create_example(None, options["example"], region, options["year"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        for item in made:
            if isinstance(item, Target):
                self.stdout.write(f"{region.name} {item.year}年 {item.figure} ≥{item.value}")
            else:
                self.stdout.write(f"{region.name} {item.year}年 {item.name}")
