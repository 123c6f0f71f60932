"""xinfang demo_logins: the demo accounts, their roles, units and the demo password, as a table."""

from django.core.management.base import BaseCommand

from xinfang.demo.accounts import login_rows, render_table


class Command(BaseCommand):
    help = "列出演示账号（用户名、角色、单位、密码）。"

    def handle(self, *args, **options):
        rows = login_rows()
        if not rows:
            self.stdout.write("尚未创建演示账号，请先运行 xinfang demo。")
            return
        self.stdout.write(render_table(["用户名", "姓名", "角色", "单位", "密码"], rows))
