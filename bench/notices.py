"""How long `perform` takes (and so holds the petition's row lock, or SQLite's write lock) for an action that
issues a notice, on a fresh SQLite site in a temporary folder:

    .venv/bin/python -m bench.notices [--actions 30] [--out bench/results/<file>.md]

Each petition is registered, then transferred to the township (转送: a 转送告知书 is issued). The figure is the
wall time of the `perform` call; huey is NOT immediate here, so a task a transition queues waits for the
worker, as in production, and its time is measured apart (the queued render tasks run afterwards, one by
one, as the worker would run them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _setup(data_dir: Path) -> None:
    for key in [key for key in os.environ if key.startswith("XF_")]:
        del os.environ[key]
    os.environ.update(
        {
            "XF_DATA_DIR": str(data_dir),
            "XF_LOG_LEVEL": "WARNING",
            "XF_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "DJANGO_SETTINGS_MODULE": "xinfang.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)


def _org():
    from tests import factories as f

    from xinfang.orgs.models import Level, Role, UnitKind

    national = f.region("100000", "全国", Level.NATIONAL)
    province = f.region("330000", "浙江省", Level.PROVINCE, national)
    city = f.region("330100", "杭州市", Level.CITY, province)
    county = f.region("330102", "上城区", Level.COUNTY, city)
    township = f.region("330102001", "清波街道", Level.TOWNSHIP, county)
    city_bureau = f.unit("330100-XFJ", "杭州市信访局", UnitKind.BUREAU, city)
    bureau = f.unit("330102-XFJ", "上城区信访局", UnitKind.BUREAU, county, city_bureau)
    qingbo = f.unit("330102001", "清波街道办事处", UnitKind.TOWNSHIP, township, bureau)
    registrar = f.UserFactory(
        username="registrar", unit=bureau, roles=[Role.REGISTRAR, Role.HANDLER], full_name="王登记"
    )
    return registrar, qingbo


def measure(actions: int) -> dict:
    from huey.contrib.djhuey import HUEY
    from tests import factories as f

    from xinfang.documents.models import Document
    from xinfang.workflow.services import perform

    registrar, qingbo = _org()
    petitions = [f.register(registrar) for _ in range(actions + 1)]
    perform(petitions.pop(), "transfer", registrar, to_unit=qingbo)  # warm-up: fonts, templates
    while HUEY.pending_count():
        HUEY.execute(HUEY.dequeue())
    times = []
    for petition in petitions:
        started = time.perf_counter()
        perform(petition, "transfer", registrar, to_unit=qingbo)
        times.append(time.perf_counter() - started)
    queued = HUEY.pending_count()
    render_times = []
    while HUEY.pending_count():
        task = HUEY.dequeue()
        started = time.perf_counter()
        HUEY.execute(task)
        render_times.append(time.perf_counter() - started)
    pending = Document.objects.exclude(pdf="").count()
    return {
        "actions": actions,
        "perform_ms": sorted(1000 * t for t in times),
        "render_ms": sorted(1000 * t for t in render_times),
        "queued": queued,
        "rendered": pending,
        "documents": Document.objects.count(),
    }


def _p(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def table(result: dict) -> str:
    perform_ms, render_ms = result["perform_ms"], result["render_ms"]
    lines = [
        "| figure | p50 ms | p95 ms | mean ms |",
        "|---|---:|---:|---:|",
        f"| `perform(transfer)` with its notice | {_p(perform_ms, 0.5):.1f} | {_p(perform_ms, 0.95):.1f} "
        f"| {statistics.mean(perform_ms):.1f} |",
    ]
    if render_ms:
        lines.append(
            f"| render task in the worker (after commit) | {_p(render_ms, 0.5):.1f} | {_p(render_ms, 0.95):.1f} "
            f"| {statistics.mean(render_ms):.1f} |"
        )
    lines.append("")
    lines.append(
        f"{result['actions']} actions; {result['queued']} render tasks queued; "
        f"{result['rendered']} of {result['documents']} documents have their files at the end."
    )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sys.path[:0] = [str(REPO / "src"), str(REPO)]
    with tempfile.TemporaryDirectory(prefix="xf-notices-") as folder:
        _setup(Path(folder))
        text = table(measure(args.actions))
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
