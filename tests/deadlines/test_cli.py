"""``xinfang calendar``."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time

import pytest
from django.core.management import CommandError, call_command

from xinfang.deadlines.arithmetic import due_date
from xinfang.deadlines.calendar import ChinaCalendar
from xinfang.deadlines.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
D = dt.date


def run(*args, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    kwargs = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("calendar", *args, **kwargs)
    return out.getvalue(), err.getvalue()


def run_failing(*args, stdin: str | None = None) -> tuple[str, str, CommandError]:
    out, err = io.StringIO(), io.StringIO()
    kwargs = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    with pytest.raises(CommandError) as info:
        call_command("calendar", *args, **kwargs)
    return out.getvalue(), err.getvalue(), info.value


# --- due --------------------------------------------------------------------------------------------------


def test_single_query_over_national_day():
    out, err = run("due", "--from", "2026-09-28", "--days", "5", "--counting", "working")
    assert out == "2026-10-10\n"
    assert err == ""


def test_single_query_defaults_to_calendar_days():
    assert run("due", "--from", "2026-03-07", "--days", "15")[0] == "2026-03-23\n"
    assert run("due", "--from", "2026-03-07", "--days", "15", "--no-roll")[0] == "2026-03-22\n"


def test_single_query_by_policy():
    assert run("due", "--from", "2026-08-03", "--policy", "handle")[0] == "2026-10-08\n"
    assert (
        run("due", "--from", "2026-03-02", "--policy", "re_review", "--excluded-days", "10")[0]
        == "2026-04-13\n"
    )
    assert run("due", "--from", "2026-03-02", "--policy", "report", "--days", "20")[0] == "2026-03-23\n"


def test_single_query_provisional_is_said_on_stderr():
    out, err = run("due", "--from", "2026-12-20", "--days", "15")
    assert out == "2027-01-04\n"
    assert "暂定" in err


def test_single_query_errors():
    run_failing("due", "--from", "2026-13-01", "--days", "5")
    run_failing("due", "--from", "2026-03-02")  # neither days nor policy
    run_failing("due", "--from", "2026-03-02", "--policy", "nonsense")
    run_failing("due", "--from", "2026-03-02", "--policy", "report")  # report needs days


def test_batch_answers_each_line_and_reports_errors():
    lines = [
        json.dumps({"from": "2026-09-28", "days": 5, "counting": "working"}),
        "not json",
        json.dumps({"from": "2026-12-20", "days": 15}),
        "",
        json.dumps({"from": "2026-08-03", "policy": "handle"}),
        json.dumps({"from": "2026-02-30", "days": 5}),
        json.dumps([1, 2]),
        json.dumps({"from": "2026-03-02", "days": -1}),
        json.dumps({"from": "2026-03-02", "days": 5, "counting": "weekly"}),
        json.dumps({"from": "2026-03-02", "days": 5, "colour": "red"}),
        json.dumps({"from": "2026-03-07", "days": 15, "roll": False}),
    ]
    out, _, error = run_failing("due", "--from", "-", stdin="\n".join(lines) + "\n")
    replies = [json.loads(line) for line in out.splitlines()]
    assert len(replies) == 10  # the blank line is skipped
    assert replies[0] == {"due": "2026-10-10", "provisional": False}
    assert set(replies[1]) == {"error", "line"} and replies[1]["line"] == 2
    assert replies[2] == {"due": "2027-01-04", "provisional": True}
    assert replies[3] == {"due": "2026-10-08", "provisional": False}
    assert all("error" in reply for reply in replies[4:9])
    assert replies[9] == {"due": "2026-03-22", "provisional": False}
    assert error.returncode == 1
    assert out.splitlines()[0] == '{"due": "2026-10-10", "provisional": false}'


def test_batch_of_ten_thousand_queries():
    rng = random.Random(20260928)
    queries = []
    for _ in range(10_000):
        start = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(3 * 366))
        queries.append(
            {
                "from": start.isoformat(),
                "days": rng.randrange(1, 61),
                "counting": rng.choice(["calendar", "working"]),
            }
        )
    queries[1234] = {"from": "2026-09-28", "days": 5, "counting": "working"}
    stdin = "\n".join(json.dumps(q) for q in queries) + "\n"

    began = time.perf_counter()
    out, _ = run("due", "--from", "-", stdin=stdin)
    elapsed = time.perf_counter() - began

    lines = out.splitlines()
    assert len(lines) == 10_000
    assert json.loads(lines[1234]) == {"due": "2026-10-10", "provisional": False}
    calendar = ChinaCalendar()
    for index in rng.sample(range(10_000), 200):
        q = queries[index]
        expected = due_date(D.fromisoformat(q["from"]), q["days"], q["counting"], calendar)
        assert json.loads(lines[index]) == expected.as_json()
    assert elapsed < 10, f"10,000 queries took {elapsed:.2f}s"


def test_batch_uses_overrides_and_a_handful_of_queries(django_assert_max_num_queries):
    CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=False, name="春节")
    stdin = "\n".join(json.dumps({"from": "2027-01-11", "days": 30}) for _ in range(500))
    with django_assert_max_num_queries(5):
        out, _ = run("due", "--from", "-", stdin=stdin)
    assert set(out.splitlines()) == {'{"due": "2027-02-11", "provisional": true}'}


# --- show / set-official / import ------------------------------------------------------------------------


def test_show_a_provisional_year_then_set_it_official():
    out, _ = run("show", "--year", "2027")
    assert "暂定" in out.splitlines()[0]
    assert "2027-01-01 星期五 放假 元旦" in out
    assert "2027-10-01" in out

    out, _ = run("set-official", "--year", "2027", "--note", "国办发明电〔2026〕X号")
    assert CalendarYear.objects.get(year=2027).is_official
    assert "正式" in run("show", "--year", "2027")[0].splitlines()[0]
    assert run("due", "--from", "2026-12-20", "--days", "15")[1] == ""

    run("set-official", "--year", "2027", "--unset")
    assert not CalendarYear.objects.get(year=2027).is_official


def test_show_a_package_year():
    out, _ = run("show", "--year", "2026")
    assert "正式" in out.splitlines()[0]
    assert "2026-10-10 星期六 上班 国庆节调休上班" in out
    assert "2026-03-07" not in out  # a plain weekend
    assert "2026-03-07" in run("show", "--year", "2026", "--all")[0]


def test_import_csv(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,is_workday,name\n2027-02-06,0,春节\n2027-02-10,否,春节\n2027-02-20,1,春节调休上班\n",
        encoding="utf-8",
    )
    out, _ = run("import", str(path), "--mark-official")
    assert "3" in out
    assert dict(CalendarDay.objects.values_list("date", "is_workday")) == {
        D(2027, 2, 6): False,
        D(2027, 2, 10): False,
        D(2027, 2, 20): True,
    }
    assert CalendarYear.objects.get(year=2027).is_official
    assert run("due", "--from", "2027-01-11", "--days", "30") == ("2027-02-11\n", "")


def test_import_json_lines_from_stdin_updates_existing_rows():
    CalendarDay.objects.create(date=D(2027, 2, 10), is_workday=True)
    stdin = '{"date": "2027-02-10", "is_workday": false, "name": "春节"}\n{"date": "2027-10-04", "is_workday": false}\n'
    run("import", "-", stdin=stdin)
    assert CalendarDay.objects.get(date=D(2027, 2, 10)).name == "春节"
    assert CalendarDay.objects.count() == 2
    assert not CalendarYear.objects.exists()


def test_import_with_errors_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "2027-02-10,0,春节\n2027-02-31,0,春节\n2027-02-12,maybe\n2027-02-10,1\n", encoding="utf-8"
    )
    _, err, _ = run_failing("import", str(path))
    assert "第 2 行" in err and "第 3 行" in err and "第 4 行" in err
    assert not CalendarDay.objects.exists()
