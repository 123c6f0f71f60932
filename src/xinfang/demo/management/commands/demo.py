"""xinfang demo --cases N --seed S [--if-empty] [--histories N]: the demo county and generated petitions,
each driven through the course its age allows (demo.plans, shaped by demo.shape)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from xinfang.demo.county import load_demo_county
from xinfang.demo.generator import demo_query_code, generate
from xinfang.demo.plans import replay
from xinfang.exchange.importer import replaying_history
from xinfang.petitions.models import Petition
from xinfang.petitions.services import format_query_code
from xinfang.workflow.petition_deadlines import expire_windows

DEFAULT_CASES = 2400  # about 160 a month over fifteen months: a county bureau's volume


class Command(BaseCommand):
    help = "载入演示县（组织机构、分类默认责任单位、演示账号），并生成演示信访事项。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=DEFAULT_CASES, help=f"生成的信访事项件数（默认{DEFAULT_CASES}）"
        )
        parser.add_argument("--seed", type=int, default=20260301, help="随机种子：相同种子生成相同数据")
        parser.add_argument("--if-empty", action="store_true", help="已有信访事项时什么也不做")
        parser.add_argument(
            "--histories",
            type=int,
            default=None,
            help="其中约多少件按办理流程办理（转送、受理、答复、评价等；默认全部，0为都不办理）",
        )

    def handle(self, *args, cases, seed, if_empty, histories=None, **options):
        if if_empty and Petition.objects.exists():
            self.stdout.write("已有信访事项，跳过演示数据。")
            return
        loaded = load_demo_county()
        self.stdout.write(
            f"演示县组织机构：{loaded.orgs.summary} 新增分类默认责任单位{loaded.routes_created}条，"
            f"新增演示账号{loaded.users_created}个。"
        )
        for rejection in loaded.orgs.rejected:
            self.stderr.write(str(rejection))
        if cases <= 0:
            return
        generated = generate(cases, seed)
        self.stdout.write(generated.summary)
        if histories is None or histories > 0:
            started = time.monotonic()
            # History mode, as the importer replays: each action at its own time, no notices rendered
            # and nobody notified of steps months old.
            with replaying_history(), transaction.atomic():
                petitions, actions = replay(seed, limit=histories)
                expired = expire_windows()  # what the worker's nightly run would have closed by now
            self.stdout.write(
                f"按办理流程办理{petitions}件（{actions}个办理环节，评价期届满未评价{expired}个），"
                f"用时{time.monotonic() - started:.1f}秒。"
            )
        sample = generated.last_number
        self.stdout.write(f"示例：{sample} 的查询码为 {format_query_code(demo_query_code(seed, sample))}。")
        self.stdout.write("演示账号和密码：xinfang demo_logins")
