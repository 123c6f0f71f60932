"""`xinfang audit verify | export | check-archive | purge`: the audit trail as evidence (docs/security.md
"安全审计")."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang import clock
from xinfang.audit import purge, verification


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期应写作 YYYY-MM-DD：{value!r}") from None


def _start_of(day: dt.date) -> dt.datetime:
    # Days are Asia/Shanghai days, as everywhere in xinfang.
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.SHANGHAI)


class Command(BaseCommand):
    help = (
        "操作留痕：校验哈希链（verify）、导出归档（export）、校验归档文件（check-archive）、"
        "清理超过保存期限且已归档的记录（purge）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        sub.add_parser("verify", help="校验整条留痕哈希链，指出第一条被改动、删除或插入的记录")
        export = sub.add_parser("export", help="导出留痕记录及其哈希（JSON Lines），供异地归档")
        export.add_argument("--since", help="自该日（含，YYYY-MM-DD）起记录的留痕")
        export.add_argument("--until", help="至该日（含，YYYY-MM-DD）止记录的留痕")
        export.add_argument("--output", "-o", default="-", help="输出文件，- 为标准输出")
        check = sub.add_parser("check-archive", help="不连数据库，校验导出的归档文件；多个文件按先后检查衔接")
        check.add_argument("files", nargs="+", help="归档文件，按导出先后排列")
        clean = sub.add_parser(
            "purge", help="删除某日之前、超过保存期限且已归档的留痕记录（以表的所有者身份）"
        )
        clean.add_argument("--before", required=True, help="删除该日（YYYY-MM-DD）之前记录的留痕")
        clean.add_argument(
            "--archive",
            nargs="+",
            default=[],
            help="覆盖要删除记录的归档文件（audit export 所出），按先后排列",
        )

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "verify":
            self._verify()
        elif action == "export":
            self._export(options["since"], options["until"], options["output"])
        elif action == "purge":
            self._purge(options["before"], options["archive"])
        else:
            self._check(options["files"])

    def _purge(self, before: str, archives: list[str]) -> None:
        try:
            done = purge.purge(_start_of(_day(before)), [Path(name) for name in archives])
        except purge.PurgeRefused as refused:
            raise CommandError(f"未清理：{refused}", returncode=1) from None
        self.stdout.write(
            f"已删除 {done.count} 条留痕记录；留痕链自第 {done.first_seq} 号开始（前一条哈希 {done.anchor_hash}），"
            "清理本身已记入留痕。"
        )

    def _verify(self) -> None:
        result = verification.verify()
        if not result.ok:
            raise CommandError(f"留痕链校验失败：{result.problem.message}", returncode=1)
        self.stdout.write(
            f"留痕链完整：共 {result.checked} 条，末条第 {result.last_seq} 号，哈希 {result.last_hash}。"
        )

    def _export(self, since: str | None, until: str | None, output: str) -> None:
        start = _start_of(_day(since)) if since else None
        end = _start_of(_day(until) + dt.timedelta(days=1)) if until else None
        if start and end and start >= end:
            raise CommandError("--since 不能晚于 --until。")
        if output == "-":
            count, first, last = verification.export(sys.stdout, since=start, until=end)
        else:
            with Path(output).open("w", encoding="utf-8") as out:
                count, first, last = verification.export(out, since=start, until=end)
        where = "标准输出" if output == "-" else output
        span = f"第 {first}–{last} 号" if count else "无记录"
        self.stderr.write(f"已导出 {count} 条留痕记录（{span}）到 {where}。")

    def _check(self, files: list[str]) -> None:
        after = None
        for name in files:
            try:
                with Path(name).open(encoding="utf-8") as stream:
                    result = verification.check_archive(
                        stream, name, after=after, key=settings.XF_AUDIT_KEY.encode()
                    )
            except OSError as error:
                raise CommandError(f"无法读取 {name}：{error.strerror}", returncode=1) from None
            except verification.ArchiveError as error:
                raise CommandError(str(error), returncode=1) from None
            if not result.ok:
                raise CommandError(f"{name} 校验失败：{result.problem.message}", returncode=1)
            self.stdout.write(
                f"{name}：{result.checked} 条，完整，末条第 {result.last_seq} 号，哈希 {result.last_hash}。"
            )
            if result.checked:
                after = result.last_hash
