"""Server time of the group search at 1k, 10k and 100k groups, on SQLite and PostgreSQL.

For each database it builds a dedicated database (SQLite file `ht_bench.sqlite3` in the temp
directory, PostgreSQL database `ht_bench`), migrates it, loads the reference data, then grows
it with `generate_groups` to each size and times 20 representative searches (no filter, each
filter, combinations, words, postcode + radius) and the group page through Django's test
client: the whole server side (middleware, queries, templates), without network or browser.
It prints the p50/p95 over all searches and the SQL queries per request.

    .venv/bin/python bench/directory_search.py                        # both databases, 1k/10k/100k
    .venv/bin/python bench/directory_search.py --sizes 1000,10000     # quicker
    .venv/bin/python bench/directory_search.py --backends sqlite --runs 5 --per-search

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) for the PostgreSQL rows; the
database `ht_bench` is dropped and recreated. Settings: production settings with DEBUG off,
page cache off, local-memory cache, no map tiles. Targets (issue 4): p50 < 30 ms at 10k
groups, and 100k no slower than 1.5x the 10k figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "ht_bench"
SQLITE_PATH = Path(tempfile.gettempdir()) / "ht_bench.sqlite3"

SEARCHES = [
    ("no filter", ""),
    ("q one word", "q=autisme"),
    ("q two words", "q=parents+deuil"),
    ("theme", "theme=adhd"),
    ("theme OR theme", "theme=anxiety&theme=depression"),
    ("kind", "kind=therapy"),
    ("audience", "audience=siblings"),
    ("child age", "child_age=12-17"),
    ("format online", "format=online"),
    ("region", "region=LIE"),
    ("language", "language=nl"),
    ("free", "free=on"),
    ("weekday", "day=2"),
    ("postcode 25 km", "postcode=5000&radius=25"),
    ("postcode 10 km nearest", "postcode=1000&radius=10&sort=nearest"),
    ("region+language+format", "region=BRU&language=fr&format=in_person"),
    ("theme+audience+age", "theme=adhd&audience=parents&child_age=4-11"),
    ("q + region", "q=deuil&region=NAM"),
    ("newest, page 3", "sort=newest&page=3"),
    ("postcode 50 km + theme + free", "postcode=9000&radius=50&theme=autism&free=on"),
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- child process: one database ---------------------------------------------------------------
def child(backend: str, sizes: list[int], runs: int) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "healing_together.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "PAGE_CACHE_SECONDS": "0",
        "MAP_TILES_URL": "",
        "REDIS_URL": "",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    if backend == "sqlite":
        SQLITE_PATH.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        recreate_pg_database()
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from directory.models import Group

    quiet = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_reference", stdout=quiet)
    call_command("load_directory_demo", themes_only=True, stdout=quiet)

    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    current = 0
    for seed, size in enumerate(sizes, start=1):
        started = time.monotonic()
        call_command("generate_groups", size - current, seed=seed, stdout=quiet)
        generated = time.monotonic() - started
        current = size
        with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum would
            cursor.execute("ANALYZE" if backend == "sqlite" else "VACUUM ANALYZE")
        public = Group.objects.published().count()
        slugs = list(
            Group.objects.published()
            .order_by("pk")
            .values_list("slug", flat=True)[:: max(1, public // 20)][:20]
        )
        with override_settings(STORAGES=plain_static):
            search = measure(client, [f"/fr/groups/?{query}" for _, query in SEARCHES], runs)
            detail = measure(client, [f"/fr/groups/{slug}/" for slug in slugs], runs)
            with CaptureQueriesContext(connection) as context:
                counts = []
                for _, query in SEARCHES:
                    start = len(context.captured_queries)
                    client.get(f"/fr/groups/?{query}")
                    counts.append(len(context.captured_queries) - start)
                detail_counts = []
                for slug in slugs[:5]:
                    start = len(context.captured_queries)
                    client.get(f"/fr/groups/{slug}/")
                    detail_counts.append(len(context.captured_queries) - start)
        print(
            json.dumps(
                {
                    "backend": backend,
                    "groups": size,
                    "public": public,
                    "generated_s": round(generated, 1),
                    "search": search,
                    "search_queries": counts,
                    "detail": detail,
                    "detail_queries": detail_counts,
                }
            ),
            flush=True,
        )


def measure(client, urls: list[str], runs: int) -> dict:
    """Time each URL `runs` times, round-robin, so a burst of load elsewhere on the machine
    slows every URL a little rather than a few URLs a lot."""
    for url in urls:
        for _ in range(2):  # warm caches (template loader, query plans, cached cards)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    per_url: dict[str, list[float]] = {url: [] for url in urls}
    cpu_times: list[float] = []
    for _ in range(runs):
        for url in urls:
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            per_url[url].append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - started_cpu) * 1000)
    every = [t for times in per_url.values() for t in times]
    return {
        "p50": round(percentile(every, 50), 1),
        "p95": round(percentile(every, 95), 1),
        # CPU time of this (Django) process: steadier than wall time on a busy machine, but
        # it leaves out PostgreSQL's own work, which runs in the server's processes.
        "cpu_p50": round(percentile(cpu_times, 50), 1),
        "per_url_p50": {url: round(statistics.median(times), 1) for url, times in per_url.items()},
    }


def span(counts: list[int]) -> str:
    """ "7" when every request ran 7 queries, "6-8" otherwise."""
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


def recreate_pg_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")


# --- parent: run each database in its own process, print the table --------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each URL")
    parser.add_argument("--per-search", action="store_true", help="also print each search's p50")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.child:
        child(args.child, sizes, args.runs)
        return 0

    rows = []
    for backend in args.backends.split(","):
        print(
            f"[{time.strftime('%H:%M:%S')}] {backend}: building and measuring...", file=sys.stderr
        )
        process = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                backend,
                "--sizes",
                args.sizes,
                "--runs",
                str(args.runs),
            ],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if process.returncode != 0:
            print(process.stderr, file=sys.stderr)
            return process.returncode
        rows += [json.loads(line) for line in process.stdout.splitlines() if line.startswith("{")]

    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    header = (
        f"{'database':<11}{'groups':>8}{'public':>8}{'build s':>9}"
        f"{'search p50':>12}{'p95':>8}{'cpu p50':>9}{'queries':>9}"
        f"{'group p50':>11}{'p95':>8}{'queries':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        queries = span(row["search_queries"])
        detail_queries = span(row["detail_queries"])
        print(
            f"{row['backend']:<11}{row['groups']:>8,}{row['public']:>8,}{row['generated_s']:>9.1f}"
            f"{row['search']['p50']:>10.1f}ms{row['search']['p95']:>6.1f}ms"
            f"{row['search']['cpu_p50']:>7.1f}ms{queries:>9}"
            f"{row['detail']['p50']:>9.1f}ms{row['detail']['p95']:>6.1f}ms"
            f"{detail_queries:>9}"
        )
    for backend in {row["backend"] for row in rows}:
        by_size = {row["groups"]: row for row in rows if row["backend"] == backend}
        if 10_000 in by_size and 100_000 in by_size:
            ratio = by_size[100_000]["search"]["p50"] / by_size[10_000]["search"]["p50"]
            print(f"{backend}: search p50 at 100k / 10k = {ratio:.2f}x (target <= 1.5x)")
    if args.per_search:
        print()
        labels = dict(
            zip([f"/fr/groups/?{q}" for _, q in SEARCHES], [n for n, _ in SEARCHES], strict=True)
        )
        columns = [(row["backend"], row["groups"]) for row in rows]
        print(f"{'search':<32}" + "".join(f"{b[:2]} {g // 1000}k".rjust(10) for b, g in columns))
        for url, label in labels.items():
            cells = "".join(f"{row['search']['per_url_p50'][url]:>8.1f}ms" for row in rows)
            print(f"{label:<32}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
