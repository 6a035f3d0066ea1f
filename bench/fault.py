"""Fault test: PostgreSQL restarts while the site is under load.

Boots production settings under gunicorn (see bench/stack.py), sends a visitor's message
through the group contact form, puts the site under a mixed load with wrk (half of the
requests bypass the page cache, so the database works), stops PostgreSQL for a moment
and starts it again, then reports:

* how long /healthz and an uncached page took to answer 200 again after the database
  was back (target: 5 s or less);
* that no worker hung or died (same gunicorn worker processes, no WORKER TIMEOUT), and
  that every request after the recovery succeeds;
* that the message accepted before the fault is still in the database after it.

    .venv/bin/python bench/fault.py                 # sets the database up first
    .venv/bin/python bench/fault.py --skip-prepare  # reuse the benchmark database
    .venv/bin/python bench/fault.py --dry-run       # everything but the restart

It stops the PostgreSQL cluster that listens on 127.0.0.1:5432 (with pg_ctlcluster, as
root): every other client of that server loses its connections. Run it on a machine of
your own, not while someone's tests use the same server.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import Stack, log
from throughput import MIXED_LUA, parse_wrk

TARGET_RECOVERY_SECONDS = 5.0
BYPASS = {"Cookie": "sessionid=bench-no-cache"}


def cluster() -> tuple[str, str]:
    """(version, name) of the PostgreSQL cluster on port 5432."""
    output = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in output.stdout.splitlines():
        version, name, port, *_ = line.split()
        if port == "5432":
            return version, name
    raise RuntimeError("no PostgreSQL cluster on port 5432 (pg_lsclusters)")


def pg_ctl(action: str) -> None:
    version, name = cluster()
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
    if action in ("stop", "restart"):
        command += ["-m", "fast"]  # "smart" would wait for the site's persistent connections
    subprocess.run(command, check=True, capture_output=True)


def pg_ready() -> bool:
    result = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False, capture_output=True
    )
    return result.returncode == 0


def wait_for(predicate, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until predicate() is true, or None after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


def answers(stack: Stack, path: str, headers=None) -> bool:
    try:
        return stack.get(path, headers=headers, timeout=10)[0] == 200
    except OSError:
        return False


# --- the submission that must survive ----------------------------------------------------------
def submit_contact(stack: Stack, group_path: str, marker: str) -> str:
    """Send the group contact form as a visitor would; returns how it was stored."""
    contact = group_path.rstrip("/") + "/contact/"
    status, _headers, _body = stack.get(contact)
    if status != 200:
        raise RuntimeError(f"{contact} answers {status}")
    fields = {
        "name": "Fault Check",
        "email": "fault-check@example.org",
        "message": f"Message sent before the database restart ({marker}).",
        "consent": "on",
        "homepage": "",
    }
    status, _headers, body = stack.post(contact, fields, headers={"Accept-Language": "fr"})
    if status not in (301, 302, 303):
        excerpt = re.sub(r"\s+", " ", body.decode("utf-8", "replace"))[:300]
        raise RuntimeError(f"POST {contact} answered {status}: {excerpt}")
    return f"POST {contact} -> {status}"


def stored_messages(stack: Stack, marker: str) -> int:
    code = (
        "from directory.models import ContactMessage;"
        f"print(ContactMessage.objects.filter(message__contains={marker!r}).count())"
    )
    return int(stack.manage("shell", "-c", code).stdout.strip().splitlines()[-1])


# --- the run ---------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8792)
    parser.add_argument("--database", default="ht_bench_tp")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the database")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--fault-after", type=float, default=8.0, help="seconds of load first")
    parser.add_argument("--down-seconds", type=float, default=2.0, help="database stopped")
    parser.add_argument("--dry-run", action="store_true", help="do not touch PostgreSQL")
    args = parser.parse_args()

    stack = Stack(database=args.database, redis_db=args.redis_db, port=args.port, workers=2)
    if not args.skip_prepare:
        stack.prepare()
    else:
        stack.flush_redis()
    marker = f"fault-{uuid.uuid4().hex[:12]}"
    report: list[tuple[str, str]] = []
    failures: list[str] = []
    with stack:
        stack.start()
        pages = stack.pages()
        group_path = pages.get("group detail")
        if not group_path:
            raise RuntimeError("no group page found: the contact form is needed")
        report.append(("submission before the fault", submit_contact(stack, group_path, marker)))
        before = stored_messages(stack, marker)
        report.append(("stored before the fault", f"{before} message(s) with the marker"))
        if before != 1:
            failures.append("the message was not stored before the fault")

        # Background load: cached and uncached pages mixed.
        lua = MIXED_LUA % {"paths": ", ".join(f'"{p}"' for p in pages.values())}
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(lua)
        wrk = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{args.connections}",
                f"-d{args.load_seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                handle.name,
                stack.base_url + "/",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(args.fault_after)
        workers_before = stack.worker_pids()

        # The fault.
        outage: dict[str, dict[int, int]] = {}
        probes_down = {
            "/healthz": ("/healthz", None),
            "uncached home": (pages["home"], BYPASS),
            "cached home": (pages["home"], None),
        }
        if args.dry_run:
            log("dry run: PostgreSQL left alone")
            t_back = time.monotonic()
        else:
            log("stopping PostgreSQL")
            t_stop = time.monotonic()
            pg_ctl("stop")
            deadline = time.monotonic() + args.down_seconds
            while time.monotonic() < deadline:
                for name, (path, headers) in probes_down.items():
                    try:
                        status = stack.get(path, headers=headers, timeout=10)[0]
                    except OSError:
                        status = 0
                    counts = outage.setdefault(name, {})
                    counts[status] = counts.get(status, 0) + 1
                time.sleep(0.1)
            log("starting PostgreSQL")
            pg_ctl("start")
            wait_for(pg_ready, 60)
            t_back = time.monotonic()
            report.append(("database down for", f"{t_back - t_stop:.1f} s (stop to ready)"))
            for name, counts in outage.items():
                report.append((f"{name} while down", f"statuses {dict(sorted(counts.items()))}"))

        # Recovery, measured from the moment the database accepts connections again.
        recovery: dict[str, float | None] = {}

        def measure(name: str, path: str, headers=None) -> None:
            elapsed = wait_for(lambda: answers(stack, path, headers), 30)
            recovery[name] = None if elapsed is None else time.monotonic() - t_back

        probes = [
            threading.Thread(target=measure, args=("/healthz", "/healthz")),
            threading.Thread(target=measure, args=("uncached home", pages["home"], BYPASS)),
        ]
        search = pages.get("search: all")
        if search:
            probes.append(
                threading.Thread(target=measure, args=("uncached search", search, BYPASS))
            )
        for probe in probes:
            probe.start()
        for probe in probes:
            probe.join()
        for name, seconds in recovery.items():
            if seconds is None:
                report.append((f"{name} answers again", "NOT within 30 s"))
                failures.append(f"{name} did not recover")
            else:
                report.append((f"{name} answers again", f"{seconds:.2f} s after the database"))
                if seconds > TARGET_RECOVERY_SECONDS:
                    failures.append(f"{name} took {seconds:.1f} s (> {TARGET_RECOVERY_SECONDS} s)")

        # Every request after the recovery succeeds.
        after = [(path, BYPASS if i % 2 else None) for i, path in enumerate(pages.values())] * 4
        bad = [path for path, headers in after if not answers(stack, path, headers)]
        report.append(("requests after recovery", f"{len(after) - len(bad)}/{len(after)} OK"))
        if bad:
            failures.append(f"failed after recovery: {sorted(set(bad))}")

        output, _ = wrk.communicate(timeout=args.load_seconds + 60)
        Path(handle.name).unlink()
        figures = parse_wrk(output)
        statuses = {int(s): int(c) for s, c in re.findall(r"STATUS (\d+) (\d+)", output)}
        report.append(
            (
                "load during the run",
                f"{figures['requests']} requests, {figures['rps']:.0f} req/s, "
                f"statuses {dict(sorted(statuses.items()))}, "
                f"{figures['errors']} socket errors",
            )
        )

        workers_after = stack.worker_pids()
        log_text = stack.error_log.read_text()
        timeouts = log_text.count("WORKER TIMEOUT")
        same = workers_before == workers_after and len(workers_after) == stack.workers
        report.append(
            (
                "gunicorn workers",
                f"{len(workers_before)} before, {len(workers_after)} after, "
                f"{'same processes' if same else 'CHANGED'}; {timeouts} worker timeouts",
            )
        )
        if not same or timeouts:
            failures.append("a worker hung or died")

        survived = stored_messages(stack, marker)
        report.append(("stored after the fault", f"{survived} message(s) with the marker"))
        if survived != before:
            failures.append("the message accepted before the fault is gone")

    print("\nFault test: PostgreSQL stopped and started under load")
    width = max(len(name) for name, _ in report)
    for name, value in report:
        print(f"  {name:<{width}}  {value}")
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print(f"PASS: recovered within {TARGET_RECOVERY_SECONDS:.0f} s, no hung worker, nothing lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
