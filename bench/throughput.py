"""Throughput of the site under gunicorn against the static-file ceiling, side by side.

Boots production settings (DEBUG off, PostgreSQL `ht_bench_tp`, Redis db 14, collectstatic,
gunicorn with 2 sync workers) on loopback, then drives each page type with wrk for a
bounded time and prints requests/s, p50 and p99 latency, and each page's throughput as a
share of a static file of similar size served by the same stack (whitenoise): the
practical ceiling of one Python process answering HTTP. Page and static file alternate in
short rounds, so both see the same machine; the server CPU per request is measured too
(from /proc), a figure that other load on the machine hardly moves.

    .venv/bin/python bench/throughput.py                  # about 6 minutes
    .venv/bin/python bench/throughput.py --rounds 1       # quicker, noisier
    .venv/bin/python bench/throughput.py --sustained 60   # the 60 s mixed load run, 5xx count
    .venv/bin/python bench/throughput.py --groups 10000   # with generate_groups 10000

Needs `wrk` (Debian: apt-get install wrk), PostgreSQL on 127.0.0.1:5432 (user postgres,
trust auth) and Redis on 127.0.0.1:6379. The exit status is 1 when the search page is
below 50% of the ceiling or when the sustained run saw a 5xx response.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import Stack, log

TARGET_SEARCH_SHARE = 0.50
# A cookie that is no session: the page cache lets it through, the site treats the
# visitor as anonymous. It measures the real rendering cost of a page.
BYPASS_COOKIE = {"Cookie": "sessionid=bench-no-cache"}
# Like a browser: pages and static files alike travel gzip-compressed.
ACCEPT = {"Accept-Encoding": "gzip"}


@dataclass
class Result:
    label: str
    path: str
    size: int
    cache: str
    rps: float  # median over the rounds
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    static_rps: float = 0.0  # the static file's req/s, median of the rounds beside this row
    ratio: float = 0.0  # median over the rounds of (this row's req/s / the static file's)
    cpu_ms: float = 0.0  # server CPU (workers, Redis, PostgreSQL) per request
    static_cpu_ms: float = 0.0
    static_p50_ms: float = 0.0
    static_p99_ms: float = 0.0


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        return float("nan")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict:
    def grab(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output)
        return match.group(1) if match else default

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(grab(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": to_ms(grab(r"\n\s+50%\s+(\S+)", "nan")),
        "p99_ms": to_ms(grab(r"\n\s+99%\s+(\S+)", "nan")),
        "requests": int(grab(r"(\d+) requests in")),
        "non_2xx": int(grab(r"Non-2xx or 3xx responses: (\d+)")),
        # A read error is the server closing a kept-alive socket (gunicorn sync workers
        # close after each response): not a failure, so only connect/timeout count.
        "errors": sum(int(errors.group(i)) for i in (1, 4)) if errors else 0,
    }


def run_wrk(url: str, *, duration: int, connections: int, threads: int, headers=None, script=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    command.append(url)
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_pids(stack: Stack) -> list[int]:
    """Every process that serves a request: gunicorn workers, Redis, PostgreSQL."""
    pids = stack.worker_pids()
    for command in (["pgrep", "-x", "redis-server"], ["pgrep", "-u", "postgres"]):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        pids += [int(pid) for pid in result.stdout.split()]
    return pids


def cpu_times(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def wrk_round(stack: Stack, path: str, args, headers: dict) -> dict:
    """One wrk run on `path`, with the server CPU it cost."""
    stack.drain()  # nothing left queued by the previous run
    before = cpu_times(server_pids(stack))
    output = run_wrk(
        stack.base_url + path,
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
        headers=headers,
    )
    figures = parse_wrk(output)
    stack.drain()  # what the run queued is part of its cost
    after = cpu_times(server_pids(stack))
    used = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    figures["cpu_ms"] = 1000 * used / max(figures["requests"], 1)
    return figures


def measure(stack: Stack, label: str, path: str, static_path: str, args, headers=None) -> Result:
    """`path` and the static file in alternating rounds: both see the same machine."""
    headers = {**ACCEPT, **(headers or {})}
    stack.drain()
    stack.get(path, headers=headers, timeout=120)  # fills the page cache
    status, response_headers, body = stack.get(path, headers=headers, timeout=120)
    if status != 200:
        raise RuntimeError(f"{path} answers {status}")
    pages, statics = [], []
    for _ in range(args.rounds):
        statics.append(wrk_round(stack, static_path, args, ACCEPT))
        pages.append(wrk_round(stack, path, args, headers))
    ratios = [p["rps"] / s["rps"] for p, s in zip(pages, statics, strict=True) if s["rps"]]
    result = Result(
        label=label,
        path=path,
        size=len(body),
        cache=response_headers.get("x-cache", "-"),
        rps=median(p["rps"] for p in pages),
        p50_ms=median(p["p50_ms"] for p in pages),
        p99_ms=median(p["p99_ms"] for p in pages),
        non_2xx=sum(p["non_2xx"] for p in pages),
        errors=sum(p["errors"] for p in pages),
        static_rps=median(s["rps"] for s in statics),
        ratio=median(ratios) if ratios else 0.0,
        cpu_ms=median(p["cpu_ms"] for p in pages),
        static_cpu_ms=median(s["cpu_ms"] for s in statics),
        static_p50_ms=median(s["p50_ms"] for s in statics),
        static_p99_ms=median(s["p99_ms"] for s in statics),
    )
    log(
        f"{label:<28} {result.rps:6.0f} req/s ({result.ratio:4.0%} of static "
        f"{result.static_rps:.0f}), {result.cpu_ms:.2f} CPU ms/request ({result.cache})"
    )
    return result


def print_table(results: list[Result], static_path: str, static_size: int, args) -> None:
    print()
    print(
        f"Throughput: gunicorn {args.workers} sync workers, DEBUG off, PostgreSQL + Redis; "
        f"wrk {args.threads} thread(s), {args.connections} connections; Accept-Encoding: gzip"
    )
    print(
        f"Each row: {args.rounds} rounds of {args.duration} s on the page, each right after "
        f"{args.duration} s on the static file {static_path} ({static_size} bytes as sent, "
        f"whitenoise): the ceiling. Medians over the rounds."
    )
    header = (
        f"{'page':<28} {'bytes':>6} {'cache':>6} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'static':>7} {'ratio':>6} {'CPU ms':>7} {'CPU ratio':>9} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        cpu_ratio = r.static_cpu_ms / r.cpu_ms if r.cpu_ms else 0.0
        print(
            f"{r.label:<28} {r.size:>6} {r.cache:>6} {r.rps:>6.0f} {r.p50_ms:>7.1f} "
            f"{r.p99_ms:>7.1f} {r.static_rps:>7.0f} {r.ratio:>6.0%} {r.cpu_ms:>7.2f} "
            f"{cpu_ratio:>9.0%} {r.non_2xx + r.errors:>6}"
        )
    print(
        "ratio = req/s over the static file's req/s in the rounds beside it. CPU ms = server CPU "
        "(gunicorn workers, Redis, PostgreSQL) per request; CPU ratio = the static file's CPU "
        "per request over the page's, the ratio a machine with nothing else running would show."
    )
    print(
        f"The static file itself: {min(r.static_rps for r in results):.0f} to "
        f"{max(r.static_rps for r in results):.0f} req/s, p50 "
        f"{median(r.static_p50_ms for r in results):.1f} ms, p99 "
        f"{median(r.static_p99_ms for r in results):.1f} ms, "
        f"{median(r.static_cpu_ms for r in results):.2f} CPU ms/request (medians over the rows)"
    )
    print("Paths:")
    for r in results:
        print(f"  {r.label:<28} {r.path}")
    print()


MIXED_LUA = """
local paths = {%(paths)s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counter = 0; statuses = {} end
function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  -- every other request is a real render (no page cache): the database works too
  if counter %% 2 == 0 then
    return wrk.format("GET", path, {["Cookie"] = "sessionid=bench-no-cache",
                                    ["Accept-Encoding"] = "gzip"})
  end
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("STATUS %%d %%d\\n", status, count))
  end
end
"""


def sustained(stack: Stack, paths: list[str], args) -> int:
    """A mixed load for `args.sustained` seconds; returns the number of 5xx responses."""
    lua = MIXED_LUA % {"paths": ", ".join(f'"{p}"' for p in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    pids_before = stack.worker_pids()
    output = run_wrk(
        stack.base_url + "/",
        duration=args.sustained,
        connections=args.connections,
        threads=args.threads,
        script=handle.name,
    )
    Path(handle.name).unlink()
    figures = parse_wrk(output)
    statuses = {int(s): int(c) for s, c in re.findall(r"STATUS (\d+) (\d+)", output)}
    server_errors = sum(c for s, c in statuses.items() if s >= 500)
    pids_after = stack.worker_pids()
    print(
        f"\nSustained mixed load: {args.sustained} s over {len(paths)} pages "
        f"(half of the requests bypass the page cache), {args.connections} connections"
    )
    print(f"  requests          {figures['requests']}  ({figures['rps']:.0f} req/s)")
    print(f"  latency p50/p99   {figures['p50_ms']:.1f} / {figures['p99_ms']:.1f} ms")
    print(f"  status codes      {dict(sorted(statuses.items()))}")
    print(f"  5xx responses     {server_errors}")
    print(f"  socket errors     {figures['errors']} (connect + timeout)")
    print(
        f"  workers           {len(pids_before)} before, {len(pids_after)} after, "
        f"{'same processes' if pids_before == pids_after else 'restarted: ' + str(pids_after)}"
    )
    return server_errors + figures["errors"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run (3)")
    parser.add_argument("--rounds", type=int, default=3, help="static/page pairs per row (3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--database", default="ht_bench_tp")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--groups", type=int, default=0, help="run generate_groups with N")
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the database")
    parser.add_argument("--no-uncached", action="store_true", help="skip the uncached rows")
    parser.add_argument(
        "--sustained", type=int, default=0, metavar="SECONDS", help="only the mixed load run"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    stack = Stack(
        database=args.database, redis_db=args.redis_db, port=args.port, workers=args.workers
    )
    if not args.skip_prepare:
        stack.prepare(groups=args.groups)
    else:
        stack.analyze()
        stack.flush_redis()
    with stack:
        stack.start()
        pages = stack.pages()
        log(f"pages: {', '.join(pages)}")
        if args.sustained:
            return 1 if sustained(stack, list(pages.values()), args) else 0

        search_path = pages.get("search: all", pages["home"])
        search_size = len(stack.get(search_path, headers=ACCEPT)[2])
        static_path, static_size = stack.static_file_near(search_size, compressed=True)

        rows = list(pages.items())
        if not args.no_uncached:
            for label in ("home", "search: all", "search: q=parents", "group detail"):
                if label in pages:
                    rows.append((f"{label} (uncached)", pages[label]))
        results = []
        for label, path in rows:
            headers = BYPASS_COOKIE if label.endswith("(uncached)") else None
            results.append(measure(stack, label, path, static_path, args, headers))

    print_table(results, static_path, static_size, args)
    searches = [r for r in results if r.label.startswith("search:") and "uncached" not in r.label]
    if not searches:
        print("\nno search page yet: the 50% target could not be checked")
        return 0
    worst = min(searches, key=lambda r: r.ratio)
    share = worst.ratio
    verdict = "PASS" if share >= TARGET_SEARCH_SHARE else "FAIL"
    print(
        f"{verdict}: slowest search row ({worst.label}) at {share:.0%} of the static ceiling "
        f"(target {TARGET_SEARCH_SHARE:.0%})"
    )
    worst_cpu = min(searches, key=lambda r: r.static_cpu_ms / r.cpu_ms if r.cpu_ms else 0)
    print(
        f"By server CPU per request: slowest search row ({worst_cpu.label}) at "
        f"{worst_cpu.static_cpu_ms / worst_cpu.cpu_ms:.0%} of the static file"
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
