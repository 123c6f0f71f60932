"""One API registration end to end, in process: CPU, wall time and queries per request, and where they go.

    .venv/bin/python -m bench.profile_intake --size 30000 --db postgres [--requests 50] [--profile]

Uses the database an earlier `python -m bench.run --size N --db ...` built (it is not rebuilt). Each request
goes through the whole stack the way gunicorn serves it (middleware, token authentication, the API view,
`petitions.services.register`, the response serializer), with Django's test client and a real commit per
request. Queries are attributed to the innermost frame of xinfang code that issued them; `--profile` adds a
cProfile of all requests (cumulative time, the top functions).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = str(REPO / "src")


def where(stack, src: str = SRC) -> str:
    """The innermost frame in xinfang (or DRF's authentication), as `module:function`."""
    for frame in reversed(stack):
        name = frame.filename
        if name.startswith(src) and "/bench/" not in name:
            module = os.path.relpath(name, src).removesuffix(".py").replace("/", ".")
            return f"{module}:{frame.name}"
        if "rest_framework/authentication" in name:
            return f"rest_framework.authentication:{frame.name}"
        if "django/contrib/sessions" in name:
            return f"django.contrib.sessions:{frame.name}"
    return "other"


# The phases of one API registration, timed by wrapping these callables (module, attribute path) with a CPU
# clock; a name the source tree does not have is skipped (the tree changes: a before/after needs both).
PHASES = {
    "DRF authentication (token)": ("rest_framework.request", "Request._authenticate"),
    "create view": ("xinfang.api.views", "PetitionViewSet.create"),
    "  serializer validation (is_valid)": ("xinfang.api.serializers", "PetitionCreateSerializer.is_valid"),
    "  petitions.services.register": ("xinfang.petitions.services", "register"),
    "    search document text (jieba + unit names)": ("xinfang.search.index", "document_text"),
    "      jieba segmentation": ("xinfang.search.index", "index_words"),
    "    workflow.intake_deadlines.on_registered (deadlines)": (
        "xinfang.workflow.intake_deadlines",
        "on_registered",
    ),
    "    audit.record": ("xinfang.audit.services", "record"),
    "  re-read for the response (before)": ("xinfang.api.views", "get_visible_or_404"),
    "  the registered petition for the response (after)": (
        "xinfang.api.views",
        "PetitionViewSet._just_registered",
    ),
    "  response serializer": ("xinfang.api.serializers", "RegisteredSerializer.to_representation"),
    "response rendering (JSON)": ("rest_framework.renderers", "JSONRenderer.render"),
    "database commit": ("django.db.backends.base.base", "BaseDatabaseWrapper.commit"),
}


def time_phases() -> dict[str, list[float]]:
    """Wrap the PHASES callables; returns label -> CPU seconds of each outermost call."""
    import functools
    import importlib

    spent: dict[str, list[float]] = {}
    for label, (module_name, path) in PHASES.items():
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        if owner is None or not hasattr(owner, name):
            continue
        original = getattr(owner, name)
        depth = [0]
        spent[label] = []

        def wrapped(*a, _original=original, _label=label, _depth=depth, **kw):
            _depth[0] += 1
            started = time.process_time()
            try:
                return _original(*a, **kw)
            finally:
                _depth[0] -= 1
                if _depth[0] == 0:
                    spent[_label].append(time.process_time() - started)

        setattr(owner, name, functools.wraps(original)(wrapped))
    return spent


def worker_figures(n: int) -> None:
    """What the requests left to the worker (search documents, text signatures), run here in process: half
    one petition a task (a worker keeping up with single registrations), half in one task."""
    try:
        from xinfang.petitions import deferral
        from xinfang.petitions.models import DeferredWork
    except ImportError:
        print("\n## worker: nothing deferred in this tree")
        return
    waiting = DeferredWork.objects.count()
    if not waiting:
        print("\n## worker: nothing waiting (huey immediate?)")
        return
    single = min(waiting // 2, 100)
    c0 = time.process_time()
    for _ in range(single):
        deferral.run(1)
    one = (time.process_time() - c0) / max(single, 1)
    c0, w0, done = time.process_time(), time.perf_counter(), 0
    while step := deferral.run():  # the rest (an import's ledger too) in tasks of deferral.CHUNK
        done += step
    batch, wall = (time.process_time() - c0) / max(done, 1), time.perf_counter() - w0
    print(
        f"\n## worker CPU per petition (search document + text signature + bands): {one * 1000:.1f} ms one a task "
        f"({single} tasks); {batch * 1000:.1f} ms in tasks of {deferral.CHUNK} ({done} petitions, "
        f"{done / wall if wall else 0:,.0f} petitions/s wall)"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=30000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the measured requests")
    parser.add_argument("--phases", action="store_true", help="CPU time of each phase (PHASES)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sql", action="store_true", help="print the SQL of the last request")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="then the worker's part (petitions.deferral): CPU per petition one at a time and in one batch",
    )
    parser.add_argument("--src", default=SRC, help="the source tree to import xinfang from (default: src/)")
    args = parser.parse_args(argv)

    from .run import configure

    configure(args.db, args.size, reuse=True)
    os.environ.setdefault("XF_LOG_LEVEL", "WARNING")
    sys.path.insert(0, args.src)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xinfang.api import tokens
    from xinfang.demo.data import county as county_data
    from xinfang.orgs.models import User

    from .measure import registration_body

    user = User.objects.get(username=county_data.REGISTRAR)
    _, key = tokens.issue(user, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT="application/json")
    stamp = int(time.time()) % 100_000

    def post(i: int):
        body = json.dumps(registration_body(i, stamp), ensure_ascii=False)
        response = client.post("/api/v1/petitions/", body, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")
        return response

    for i in range(args.warmup):
        post(10**6 + i)
    phases = time_phases() if args.phases else {}

    by_place: Counter[str] = Counter()
    ms_by_place: defaultdict[str, float] = defaultdict(float)
    stacks: list[str] = []

    def wrapper(execute, sql, params, many, context):
        place = where(traceback.extract_stack()[:-1], args.src)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            by_place[place] += 1
            ms_by_place[place] += (time.perf_counter() - started) * 1000
            stacks.append(f"{place}  {sql[:160]}")

    cpu, wall, queries = [], [], []
    # CPU time, not wall: where the wall time goes is the queries table (waiting for the database).
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    for i in range(args.requests):
        stacks.clear()
        # The attribution walks the stack on every query: not while timing, where it would be counted.
        timing = profiler or phases
        attribute = connection.execute_wrapper(wrapper) if not timing else contextlib.nullcontext()
        with CaptureQueriesContext(connection) as captured, attribute:
            c0, w0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            post(i)
            if profiler:
                profiler.disable()
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        queries.append(len(captured.captured_queries))

    n = args.requests
    print(
        f"# {n} API registrations in process ({args.db}, xinfang_bench_{args.size}), load {os.getloadavg()}"
    )
    print(
        f"CPU per request: median {statistics.median(cpu) * 1000:.1f} ms, mean {statistics.mean(cpu) * 1000:.1f} ms"
    )
    print(
        f"wall per request: median {statistics.median(wall) * 1000:.1f} ms, mean {statistics.mean(wall) * 1000:.1f} ms"
    )
    print(f"queries per request: {Counter(queries).most_common()}")
    if by_place:
        print("\n## queries per request by place (count, DB ms incl. driver)")
        for place, count in by_place.most_common():
            print(f"{count / n:6.1f}  {ms_by_place[place] / n:6.2f} ms  {place}")
    if phases:
        print(
            "\n## CPU per request in the phases of a registration (ms, mean; a phase includes those below it)"
        )
        for label, values in phases.items():
            print(f"{sum(values) / n * 1000:7.2f}  {label}  ({len(values) / n:.0f}× per request)")
    if args.worker:
        worker_figures(n)
    if args.sql:
        print("\n## the last request's queries")
        print("\n".join(stacks))
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print("\n## cProfile (cumulative, all measured requests)")
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
