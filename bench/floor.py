"""The floor of any requests-based crawler: GET every URL, 10 threads, nothing else.

`python bench/floor.py URLS_FILE [--threads 10]` reads one URL a line, downloads each body
with a plain `requests.Session` per thread (pooled keep-alive connections), and prints
`{"fetched": N, "failed": N, "bytes": N}` as JSON. No conditional requests, no parsing, no
storage: whatever a real tool does on top of this is its own cost.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def fetch(url: str) -> int:
    """The body length of one GET, or -1 when it failed."""
    try:
        response = _session().get(url, timeout=30)
        body = response.content
    except requests.RequestException:
        return -1
    return len(body) if response.status_code == 200 else -1


def main(argv: list[str] | None = None) -> None:
    """Fetch every URL of the file and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls_file")
    parser.add_argument("--threads", type=int, default=10)
    args = parser.parse_args(argv)
    with open(args.urls_file, encoding="utf-8") as file:
        urls = [line.strip() for line in file if line.strip()]
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        sizes = list(pool.map(fetch, urls))
    fetched = [size for size in sizes if size >= 0]
    summary = {"fetched": len(fetched), "failed": len(sizes) - len(fetched), "bytes": sum(fetched)}
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
