"""python -m bench.search_limits --size N --db sqlite|postgres [--repeat 7]: how many ids a search page asks for.

A search page first asks the index for up to ``limit + 1`` matching ids: with all of them in hand it sorts
those by date; past the limit it walks the date index and checks each petition it passes (search.query).
This times one page of 26 (no count, as the API) for the texts the bench measures three ways: 2,000 ids (the
API until December 2026), 10,000 (the workbench's) and staged (the API now: 2,000, then 10,000 unless the first
ids say the word is dense; `search.query.search_petitions`), on the database an earlier
`python -m bench.run --size N --db …` built. It prints how many petitions each text matches (up to 20,001) and
the median of `--repeat` after one warm-up. The petitioner's name is the most common one in the data (as
bench.measure picks it); it is printed as its length only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.run import REPO, configure

MODES = (("2,000 ids", 2_000, False), ("10,000 ids", 10_000, False), ("staged (the API)", 10_000, True))
WORDS = ("工资", "县住建局", "征收 补偿", "拆")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    configure(args.db, args.size, reuse=True)
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.db.models import Count

    from xinfang.petitions.models import Petition, Petitioner
    from xinfang.search.query import TextSearch, first_hits, text_match

    name = (
        Petitioner.objects.values("name")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("name", flat=True)
    ).first() or "张"
    cases = [(f"name, {len(name[:k])} character(s)", name[:k]) for k in (1, 2, len(name))]
    cases += [(f"word “{w}”", w) for w in WORDS]
    listing = Petition.objects.order_by("-received_at", "-id")
    print(f"| text | matches (to 20,001) | {' | '.join(label for label, _, _ in MODES)} |")
    print("|---|---|" + "---|" * len(MODES))
    for label, text in cases:
        matches = len(first_hits(text_match(text), 20_001))
        cells = []
        for _, limit, staged in MODES:
            times = []
            for i in range(args.repeat + 1):
                start = time.perf_counter()
                search = TextSearch(text, limit, staged=staged)
                list(search.filter(listing).values_list("pk", flat=True)[:26])
                if i:  # the first one warms the caches
                    times.append(time.perf_counter() - start)
            cells.append(f"{statistics.median(times) * 1000:.0f} ms")
        print(f"| {label} | {matches:,} | {' | '.join(cells)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
