"""xinfang setup-bureau --region CODE: a real county's petition bureau from the shipped divisions."""

import os

from django.core.management.base import BaseCommand, CommandError

from xinfang.orgs.setup import SetupError, load_template, setup_bureau


class Command(BaseCommand):
    help = "初始化本县：按内置行政区划数据和机构模板建立区划、信访局、上级信访局、县直单位和首个管理员（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="县级区划代码（6位），如 410481")
        parser.add_argument("--template", help="机构模板（JSON）路径；缺省用内置模板")
        parser.add_argument("--admin-username", help="首个系统管理员的用户名（已存在则不修改）")
        parser.add_argument(
            "--admin-password", help="首个系统管理员的密码；也可用环境变量 XF_ADMIN_PASSWORD（更安全）"
        )

    def handle(self, *args, region, template=None, admin_username=None, admin_password=None, **options):
        try:
            report = setup_bureau(
                region,
                template=load_template(template) if template else None,
                admin_username=admin_username,
                admin_password=admin_password or os.environ.get("XF_ADMIN_PASSWORD"),
            )
        except SetupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{report.region.full_name}（{report.region.code}）：{report.bureau.name}")
        for line in report.lines():
            self.stdout.write(line)
