"""xinfang bulletin (daily|weekly|monthly|reception|campaign) --unit CODE [--from DATE --to DATE] [--out DIR] [--send]"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.models import OrgUnit
from xinfang.stats import bulletins, delivery
from xinfang.stats.models import BulletinKind
from xinfang.stats.periods import Period


class Command(BaseCommand):
    help = "编发信访情况日通报、信访要情（周）、月度通报、领导接访周通报或专项活动化解进度周通报（Word 和 PDF）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=BulletinKind.values)
        parser.add_argument("--unit", help="编发的信访部门代码；不填则为所有定时编发的信访部门")
        parser.add_argument("--from", dest="start", help="统计起始日 YYYY-MM-DD（默认：昨天、上周或上月）")
        parser.add_argument("--to", dest="end", help="统计截止日 YYYY-MM-DD")
        parser.add_argument("--out", help="另将文件复制到该目录")
        parser.add_argument(
            "--send", action="store_true", help="同时呈送接收领导（站内消息和电子邮件；已呈送的不再重复）"
        )

    def handle(self, *args, **options):
        period = None
        if options["start"] or options["end"]:
            if not (options["start"] and options["end"]):
                raise CommandError("--from 和 --to 须同时填写。")
            try:
                period = Period.between(
                    dt.date.fromisoformat(options["start"]), dt.date.fromisoformat(options["end"])
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        if options["unit"]:
            unit = OrgUnit.objects.filter(code=options["unit"]).select_related("region").first()
            if unit is None:
                raise CommandError(f"单位“{options['unit']}”不存在。")
            units = [unit]
        else:
            units = list(bulletins.scheduled_units())
        for unit in units:
            try:
                bulletin = bulletins.issue(options["kind"], unit, period)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(
                f"{unit.name} {bulletin.title} 第{bulletin.serial}期：{bulletin.docx.name} {bulletin.pdf.name}"
            )
            if options["send"]:
                self.stdout.write(f"呈送领导{len(delivery.deliver(bulletin))}人。")
            if options["out"]:
                out = Path(options["out"])
                out.mkdir(parents=True, exist_ok=True)
                for field in (bulletin.docx, bulletin.pdf):
                    with field.open("rb") as source:
                        (out / Path(field.name).name).write_bytes(source.read())
