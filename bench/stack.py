"""Boots the site the way production runs it, for the benchmarks and the fault script.

DEBUG off with a throwaway secret, PostgreSQL, Redis, collectstatic, gunicorn (sync
workers) on loopback. Used by bench/throughput.py, bench/weight.py and bench/fault.py;
not a test and never imported by the site.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BASE = "postgres://postgres@127.0.0.1:5432"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Stack:
    """One production-like deployment: a database, a Redis database, gunicorn."""

    def __init__(
        self,
        *,
        database: str = "ht_bench_tp",
        redis_db: int = 14,
        port: int = 8790,
        workers: int = 2,
        python: str | None = None,
        extra_env: dict[str, str] | None = None,
        timeout: int = 30,
    ) -> None:
        self.database = database
        self.database_url = f"{PG_BASE}/{database}"
        self.redis_url = f"redis://127.0.0.1:6379/{redis_db}"
        self.port = port
        self.workers = workers
        self.timeout = timeout
        venv_python = BASE_DIR / ".venv" / "bin" / "python"
        self.python = python or (str(venv_python) if venv_python.exists() else sys.executable)
        self.bin_dir = Path(self.python).parent
        self.run_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"ht-bench-{port}"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.pidfile = self.run_dir / "gunicorn.pid"
        self.error_log = self.run_dir / "gunicorn-error.log"
        self.process: subprocess.Popen | None = None
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "DJANGO_LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }

    # --- set-up ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, check: bool = True, quiet: bool = True):
        return subprocess.run(
            [self.python, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            check=check,
            capture_output=quiet,
            text=True,
        )

    def has_command(self, name: str) -> bool:
        return self.manage("help", name, check=False).returncode == 0

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')
                log(f"created database {self.database}")

    def flush_redis(self) -> None:
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()

    def prepare(self, *, groups: int = 0) -> None:
        """collectstatic, migrate, demo data and, when asked and available, many groups."""
        self.create_database()
        log("collectstatic, migrate, load_demo")
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_demo", "-v", "0")
        if groups and self.has_command("generate_groups"):
            help_text = self.manage("help", "generate_groups").stdout
            args = ["generate_groups"]
            if "--count" in help_text:
                args += ["--count", str(groups)]
            else:
                args.append(str(groups))
            if "--delete" in help_text:
                args.append("--delete")  # exactly N synthetic groups, whatever ran before
            log(f"manage.py {' '.join(args)}")
            self.manage(*args)
        elif groups:
            log("no generate_groups command yet: demo groups only")
        self.analyze()
        self.flush_redis()

    def analyze(self) -> None:
        """Planner statistics after bulk loads, as autovacuum would gather a minute later
        (without them PostgreSQL plans a 10k-group search as if tables had one row)."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute("ANALYZE")

    def drain(self, timeout: float = 120.0) -> None:
        """Wait until the workers have answered what a load run left queued."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz", timeout=timeout)[0] == 200:
                    return
            except OSError:
                time.sleep(0.5)

    # --- gunicorn ---------------------------------------------------------------------
    def start(self, *, wait: float = 30.0) -> None:
        gunicorn = self.bin_dir / "gunicorn"
        command = [
            str(gunicorn) if gunicorn.exists() else shutil.which("gunicorn") or "gunicorn",
            "healing_together.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            str(self.workers),
            "--timeout",
            str(self.timeout),
            "--graceful-timeout",
            "5",
            "--backlog",
            "2048",
            "--pid",
            str(self.pidfile),
            "--error-logfile",
            str(self.error_log),
        ]
        self.error_log.write_text("")
        # The console email backend prints here, not into the benchmark's table.
        output = (self.run_dir / "gunicorn-output.log").open("w")
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdout=output, stderr=subprocess.STDOUT
        )
        output.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    log(f"gunicorn up on {self.base_url} ({self.workers} workers)")
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.error_log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master) alive now."""
        if not self.process:
            return []
        result = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        return [int(pid) for pid in result.stdout.split()]

    # --- HTTP ---------------------------------------------------------------------------
    def get(self, path: str, headers: dict | None = None, timeout: float = 60.0):
        """(status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            conn.close()

    def post(self, path: str, fields: dict, headers: dict | None = None, timeout: float = 10.0):
        from urllib.parse import urlencode

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            body = urlencode(fields, doseq=True)
            all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
            conn.request("POST", path, body=body, headers=all_headers)
            response = conn.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()

    # --- what to measure -------------------------------------------------------------------
    def first_link(self, page: str, pattern: str) -> str | None:
        """The first href on `page` that matches `pattern` (a regex on the path), feeds aside."""
        status, _headers, body = self.get(page)
        if status != 200:
            return None
        for href in re.findall(r'href="([^"#]+)"', body.decode("utf-8", "replace")):
            path = urlsplit(href).path
            if re.fullmatch(pattern, path) and not path.endswith("/feed/"):
                return path
        return None

    def static_manifest(self) -> dict[str, str]:
        manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
        return json.loads(manifest.read_text())["paths"]

    def static_file_near(self, size: int, *, compressed: bool = False) -> tuple[str, int]:
        """The collected static file whose size (of its .gz copy when `compressed`) is
        closest to `size` bytes: (URL of the hashed name, that size)."""
        best = None
        for source, hashed in self.static_manifest().items():
            if not source.endswith((".css", ".js", ".svg", ".json", ".geojson")):
                continue
            path = BASE_DIR / "staticfiles" / (hashed + (".gz" if compressed else ""))
            if not path.exists():
                continue
            distance = abs(path.stat().st_size - size)
            if best is None or distance < best[0]:
                best = (distance, f"/static/{hashed}", path.stat().st_size)
        if best is None:
            raise RuntimeError("no collected static file found: run collectstatic")
        return best[1], best[2]

    def pages(self, language: str = "fr") -> dict[str, str]:
        """Label -> path of the page types the benchmarks measure (those that exist)."""
        lang = f"/{language}"
        pages = {"home": f"{lang}/"}
        searches = {
            "search: all": f"{lang}/groups/",
            "search: q=parents": f"{lang}/groups/?q=parents",
            "search: region+format": f"{lang}/groups/?region=BRU&format=in_person",
            "search: postcode nearest": f"{lang}/groups/?postcode=1000&radius=25&sort=nearest",
            "search: online free": f"{lang}/groups/?format=online&free=on",
        }
        if self.get(searches["search: all"])[0] == 200:
            pages.update(searches)
            detail = self.first_link(searches["search: all"], rf"{lang}/groups/[\w-]+/")
            if detail:
                pages["group detail"] = detail
        pages["network list"] = f"{lang}/networks/"
        network = self.first_link(f"{lang}/networks/", rf"{lang}/networks/[\w-]+/")
        if network:
            pages["network page"] = network
        if self.get(f"{lang}/articles/")[0] == 200:
            pages["article list"] = f"{lang}/articles/"
            article = self.first_link(f"{lang}/articles/", rf"{lang}/articles/[\w-]+/")
            if article:
                pages["article"] = article
        return {label: path for label, path in pages.items() if self.get(path)[0] == 200}
