"""Page weight: bytes transferred per page type, HTML + the CSS and JS it references.

Boots production settings under gunicorn (see bench/stack.py), asks every page and every
stylesheet, script and static data file it references with `Accept-Encoding: br, gzip`,
and counts the bytes on the wire as served (whitenoise serves static files pre-compressed
with Brotli or gzip; the site gzips its HTML). Map tiles are not counted.

    .venv/bin/python bench/weight.py                  # sets the database up first
    .venv/bin/python bench/weight.py --skip-prepare   # reuse the benchmark database

The exit status is 1 when the home page or the search page weighs 150 KB or more.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import Stack, log

BUDGET_BYTES = 150 * 1024
BUDGETED = ("home", "search: all")
ACCEPT = {"Accept-Encoding": "br, gzip"}
STATIC_DATA_RE = re.compile(r"""["'(](/static/[^"'()\s]+\.(?:css|js|json|geojson))["')]""")


class References(HTMLParser):
    """Stylesheets and scripts a page loads."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self.css.append(attributes.get("href") or "")
        elif tag == "script" and attributes.get("src"):
            self.js.append(attributes["src"])


def local(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc and parts.netloc not in ("127.0.0.1", "localhost"):
        return None  # an outside host: the site uses none, and it is not counted
    return parts.path + (f"?{parts.query}" if parts.query else "")


def weigh(stack: Stack, label: str, path: str) -> dict:
    status, headers, body = stack.get(path, headers=ACCEPT)
    if status != 200:
        raise RuntimeError(f"{path} answers {status}")
    encoding = headers.get("content-encoding", "identity")
    raw = decode(body, encoding)
    html = raw.decode("utf-8", "replace")
    parser = References()
    parser.feed(html)
    assets = {"css": [], "js": [], "data": []}
    seen = set()
    for kind, urls in (("css", parser.css), ("js", parser.js)):
        for url in urls:
            target = local(url)
            if target and target not in seen:
                seen.add(target)
                assets[kind].append(target)
    for url in STATIC_DATA_RE.findall(html.replace("\\/", "/")):
        if url not in seen:
            seen.add(url)
            assets["data"].append(url)
    sizes = {"html": len(body), "css": 0, "js": 0, "data": 0}
    encodings = set()
    files = []
    for kind, urls in assets.items():
        for url in urls:
            asset_status, asset_headers, asset_body = stack.get(url, headers=ACCEPT)
            if asset_status != 200:
                raise RuntimeError(f"{url} (referenced by {path}) answers {asset_status}")
            sizes[kind] += len(asset_body)
            encodings.add(asset_headers.get("content-encoding", "identity"))
            files.append((kind, url, len(asset_body)))
    return {
        "label": label,
        "path": path,
        "html_encoding": encoding,
        "html_raw": len(raw),
        "sizes": sizes,
        "total": sum(sizes.values()),
        "asset_encodings": encodings,
        "files": files,
    }


def decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database", default="ht_bench_tp")
    parser.add_argument("--redis-db", type=int, default=14)
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the database")
    parser.add_argument("--files", action="store_true", help="list every file counted")
    args = parser.parse_args()

    stack = Stack(database=args.database, redis_db=args.redis_db, port=args.port, workers=1)
    if not args.skip_prepare:
        stack.prepare()
    with stack:
        stack.start()
        pages = stack.pages()
        log(f"pages: {', '.join(pages)}")
        rows = [weigh(stack, label, path) for label, path in pages.items()]

    print("\nPage weight in KB transferred (Accept-Encoding: br, gzip), map tiles excluded")
    header = (
        f"{'page':<26} {'HTML':>6} {'CSS':>6} {'JS':>6} {'data':>6} {'total':>7}  "
        f"{'HTML raw':>8}  budget"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for row in rows:
        s = row["sizes"]
        verdict = ""
        if row["label"] in BUDGETED:
            ok = row["total"] < BUDGET_BYTES
            failed |= not ok
            verdict = "OK" if ok else "OVER"
        print(
            f"{row['label']:<26} {kb(s['html']):>6} {kb(s['css']):>6} {kb(s['js']):>6} "
            f"{kb(s['data']):>6} {kb(row['total']):>7}  {kb(row['html_raw']):>8}  {verdict}"
        )
        if args.files:
            for kind, url, size in row["files"]:
                print(f"    {kind:<5} {kb(size):>6}  {url}")
    html_encodings = {row["html_encoding"] for row in rows}
    encodings = set().union(*(row["asset_encodings"] for row in rows))
    print(
        f"\nHTML came {', '.join(sorted(html_encodings))}-encoded (GZipMiddleware, or the page "
        f"cache's stored gzip copy); static files {', '.join(sorted(encodings))}-encoded "
        f"(whitenoise). 'data' is static JSON/GeoJSON the page's scripts load; "
        f"'HTML raw' is the HTML before compression."
    )
    print(f"Budget: home and search under {BUDGET_BYTES // 1024} KB as served (total column).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
