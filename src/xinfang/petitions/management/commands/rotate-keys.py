"""xinfang rotate-keys: every encrypted identifier re-encrypted under the newest key of XF_FIELD_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.petitions.rekey import BATCH, rotate_keys


class Command(BaseCommand):
    help = (
        "用最新的字段加密密钥（XF_FIELD_KEYS 的第一个）重新加密所有身份证号、电话和住址，并重算查询摘要；"
        "分批提交，完成后记一条审计事件。完成后即可从 XF_FIELD_KEYS 中删除旧密钥。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help=f"每个事务处理的行数（默认 {BATCH}）")

    def handle(self, *args, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch 必须是正整数。")
        done = rotate_keys(batch=batch)
        for label, rows in done.rows.items():
            self.stdout.write(f"{label}：{rows} 行")
        self.stdout.write(f"共 {done.total} 行，{done.batches} 批，已使用最新密钥重新加密。")
