"""xinfang rebuild_signatures [--missing]: (re)write every petition's text signature (after upgrading to the
intake assistance, or after changing how texts are normalised)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from xinfang.assist.signatures import rebuild


class Command(BaseCommand):
    help = "重建信访事项的文本相似签名（MinHash/LSH）。"

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="只补写缺少签名的事项")

    def handle(self, *args, **options):
        total = rebuild(only_missing=options["missing"])
        self.stdout.write(f"已写入{total}件信访事项的文本签名。")
