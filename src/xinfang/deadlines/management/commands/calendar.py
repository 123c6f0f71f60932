"""``xinfang calendar``: compute due dates and look after the working-day calendar.

    xinfang calendar due --from 2026-09-28 --days 5 --counting working     # prints 2026-10-10
    xinfang calendar due --from 2026-09-28 --policy handle
    xinfang calendar due --from - < queries.jsonl                           # one JSON answer per line
    xinfang calendar show --year 2027 [--all]
    xinfang calendar set-official --year 2027 [--unset] [--note TEXT]
    xinfang calendar import FILE [--mark-official]                          # CSV or JSON lines

Batch queries are JSON objects, one a line: ``{"from": "2026-09-28", "days": 5, "counting": "working"}``
(``counting`` defaults to calendar; ``policy`` may replace ``days``/``counting``, or be combined with ``days``
as an override; optional ``roll`` (bool) and ``excluded_days``). Each answer is one line
``{"due": "2026-10-10", "provisional": false}``, or ``{"error": "...", "line": N}`` for a line that cannot be
answered; blank lines are skipped. The exit status is 1 when any line failed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from xinfang.deadlines import services
from xinfang.deadlines.arithmetic import Counting, Due, due_date, due_date_excluding
from xinfang.deadlines.calendar import package_knows
from xinfang.deadlines.models import CalendarDay, CalendarYear

WEEKDAYS = "一二三四五六日"
TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "上班", "工作日", "workday"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "否", "放假", "休息", "holiday"}
CHUNK = 2000


def parse_date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"日期应为 YYYY-MM-DD 格式的字符串：{value!r}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"日期格式错误（应为 YYYY-MM-DD）：{value!r}") from None


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"无法识别是否工作日：{value!r}")


def parse_days(value: object, what: str = "天数") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise ValueError(f"{what}应为非负整数：{value!r}")
    if value < 0:
        raise ValueError(f"{what}不能为负数：{value}")
    return value


class Command(BaseCommand):
    help = "办理期限计算与工作日历维护（due / show / set-official / import）。"
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)

        due = sub.add_parser("due", help="计算期满日")
        due.add_argument(
            "--from", dest="start", required=True, help="起算日（当日不计入），或 - 从标准输入批量读取"
        )
        due.add_argument("--days", type=int, help="期限天数")
        due.add_argument(
            "--counting", choices=[c.value for c in Counting], help="自然日 calendar 或工作日 working"
        )
        due.add_argument("--policy", help="按环节的时限规则计算，例如 handle")
        due.add_argument("--no-roll", action="store_true", help="自然日期满日遇节假日不顺延")
        due.add_argument("--excluded-days", type=int, default=0, help="不计入期限的天数（如听证）")

        show = sub.add_parser("show", help="列出某年的节假日与调休，以及是否为暂定")
        show.add_argument("--year", type=int, required=True)
        show.add_argument("--all", action="store_true", help="同时列出普通周末")

        official = sub.add_parser("set-official", help="确认某年的日历为官方安排")
        official.add_argument("--year", type=int, required=True)
        official.add_argument("--unset", action="store_true", help="撤销确认，恢复为暂定")
        official.add_argument("--note", default="", help="依据，例如通知文号")

        imp = sub.add_parser("import", help="导入官方节假日安排（CSV 或 JSON 行：date,is_workday,name）")
        imp.add_argument("file", help="文件路径，或 - 表示标准输入")
        imp.add_argument("--mark-official", action="store_true", help="导入后将文件涉及的年份确认为正式")

    def handle(self, *args, **options) -> None:
        self.stdin = options.get("stdin") or sys.stdin
        action = options["action"]
        if action == "due":
            self.handle_due(options)
        elif action == "show":
            self.handle_show(options["year"], options["all"])
        elif action == "set-official":
            self.handle_set_official(options["year"], not options["unset"], options["note"])
        elif action == "import":
            self.handle_import(options["file"], options["mark_official"])

    # --- due ------------------------------------------------------------------------------------------

    def handle_due(self, options: dict) -> None:
        rules = services.get_rules()
        if options["start"] == "-":
            self.handle_due_batch(rules)
            return
        query = {
            "from": options["start"],
            "days": options["days"],
            "counting": options["counting"],
            "policy": options["policy"],
            "roll": False if options["no_roll"] else None,
            "excluded_days": options["excluded_days"],
        }
        try:
            result = answer({key: value for key, value in query.items() if value is not None}, rules)
        except (ValueError, TypeError, LookupError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.due.isoformat())
        if result.provisional:
            self.stderr.write("注意：计算涉及尚未确认官方安排的年份，结果为暂定。")

    def handle_due_batch(self, rules: services.Rules) -> None:
        failures = 0
        out: list[str] = []
        for number, line in enumerate(self.stdin, start=1):
            if not line.strip():
                continue
            try:
                query = json.loads(line)
                if not isinstance(query, dict):
                    raise ValueError("每行应为一个 JSON 对象")
                reply: dict[str, object] = answer(query, rules).as_json()
            except (ValueError, TypeError, LookupError) as error:
                failures += 1
                reply = {"error": str(error), "line": number}
            out.append(json.dumps(reply, ensure_ascii=False))
            if len(out) >= CHUNK:
                self.stdout.write("\n".join(out))
                out.clear()
        if out:
            self.stdout.write("\n".join(out))
        if failures:
            raise CommandError(f"{failures} 行无法计算", returncode=1)

    # --- show / set-official / import -----------------------------------------------------------------

    def handle_show(self, year: int, include_weekends: bool) -> None:
        calendar = services.get_calendar()
        if package_knows(year):
            status = "正式（chinese_calendar 官方数据）"
        elif year in calendar.official_years:
            status = "正式（管理员已确认）"
        else:
            status = "暂定（尚无官方安排：仅按周末及元旦、劳动节5月1-2日、国庆节10月1-3日推定）"
        self.stdout.write(f"{year} 年工作日历：{status}")
        day = dt.date(year, 1, 1)
        special = {row[0] for row in calendar.special_days(year)}
        while day.year == year:
            workday = calendar.is_workday(day)
            if day in special or (include_weekends and not workday):
                kind = "上班" if workday else "放假"
                source = {"override": "管理员调整", "package": "官方数据", "rule": "推定"}[
                    calendar.source(day)
                ]
                name = calendar.name(day)
                self.stdout.write(
                    f"{day.isoformat()} 星期{WEEKDAYS[day.weekday()]} {kind} {name or '-'} （{source}）"
                )
            day += dt.timedelta(days=1)

    def handle_set_official(self, year: int, official: bool, note: str) -> None:
        defaults: dict[str, object] = {"is_official": official}
        if note:
            defaults["note"] = note
        CalendarYear.objects.update_or_create(year=year, defaults=defaults)
        self.stdout.write(f"{year} 年工作日历已设为{'正式' if official else '暂定'}。")

    def handle_import(self, file: str, mark_official: bool) -> None:
        text = self.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
        rows, errors = parse_schedule(text)
        if errors:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(f"文件有 {len(errors)} 处错误，未导入任何数据")
        with transaction.atomic():
            created = updated = 0
            for day, workday, name, note in rows:
                _, was_created = CalendarDay.objects.update_or_create(
                    date=day, defaults={"is_workday": workday, "name": name, "note": note}
                )
                created += was_created
                updated += not was_created
            years = sorted({row[0].year for row in rows})
            if mark_official:
                for year in years:
                    CalendarYear.objects.update_or_create(year=year, defaults={"is_official": True})
        self.stdout.write(
            f"已导入 {len(rows)} 天（新增 {created}，更新 {updated}），涉及年份：{years or '无'}。"
        )
        if mark_official and years:
            self.stdout.write(f"已确认为正式：{', '.join(map(str, years))}。")


def answer(query: dict, rules: services.Rules) -> Due:
    """One due-date query, as given on the command line or as a JSON line."""
    unknown = set(query) - {"from", "days", "counting", "policy", "roll", "excluded_days"}
    if unknown:
        raise ValueError(f"未知字段：{', '.join(sorted(unknown))}")
    if "from" not in query:
        raise ValueError("缺少起算日 from")
    start = parse_date(query["from"])
    excluded = parse_days(query.get("excluded_days", 0), "不计入天数")
    days = query.get("days")
    if days is not None:
        days = parse_days(days)
    policy = query.get("policy")
    if policy is not None:
        if "counting" in query or "roll" in query:
            raise ValueError("指定 policy 时不能同时指定 counting 或 roll")
        return services.compute_due(str(policy), start, days, excluded_days=excluded, rules=rules)
    if days is None:
        raise ValueError("缺少天数 days（或环节 policy）")
    counting = query.get("counting") or Counting.CALENDAR
    if counting not in (Counting.CALENDAR, Counting.WORKING):
        raise ValueError(f"counting 应为 calendar 或 working：{counting!r}")
    roll = query.get("roll", True)
    if not isinstance(roll, bool):
        raise ValueError(f"roll 应为 true 或 false：{roll!r}")
    if excluded:
        return due_date_excluding(start, days, counting, rules.calendar, excluded, roll)
    return due_date(start, days, counting, rules.calendar, roll)


def parse_schedule(text: str) -> tuple[list[tuple[dt.date, bool, str, str]], list[str]]:
    """Rows of an official schedule, from CSV (``date,is_workday,name[,note]``, optional header) or JSON lines
    (``{"date": ..., "is_workday": ..., "name": ..., "note": ...}``). Returns (rows, error messages)."""
    rows: list[tuple[dt.date, bool, str, str]] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, record in _records(text, errors):
        try:
            day = parse_date(record.get("date"))
            workday = parse_bool(record.get("is_workday"))
            name = str(record.get("name") or "").strip()[:50]
            note = str(record.get("note") or "").strip()
        except ValueError as error:
            errors.append(f"第 {number} 行：{error}")
            continue
        if day in seen:
            errors.append(f"第 {number} 行：日期 {day} 与第 {seen[day]} 行重复")
            continue
        seen[day] = number
        rows.append((day, workday, name, note))
    return rows, errors


def _records(text: str, errors: list[str]) -> Iterator[tuple[int, dict]]:
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.startswith("{"):
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                errors.append(f"第 {number} 行：JSON 格式错误（{error.msg}）")
                continue
            if not isinstance(record, dict):
                errors.append(f"第 {number} 行：应为 JSON 对象")
                continue
            yield number, record
        return
    yield from _csv_records(io.StringIO(text))


def _csv_records(stream: Iterable[str]) -> Iterator[tuple[int, dict]]:
    fields = ["date", "is_workday", "name", "note"]
    for number, cells in enumerate(csv.reader(stream), start=1):
        if not cells or not any(cell.strip() for cell in cells):
            continue
        if number == 1 and cells[0].strip().lower() in {"date", "日期"}:
            continue  # header
        yield number, dict(zip(fields, (cell.strip() for cell in cells), strict=False))
