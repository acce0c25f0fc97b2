"""The crawl benchmark runs and prints its table; its site and server behave as it assumes.

No timing is checked here (timed tests do not belong in the suite): only that the script
works end to end on a tiny site, and that the pages and the fallback server do what the
numbers depend on.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from bench import pages
from watcher.content import parse_html

REPO = Path(__file__).resolve().parent.parent
NOISE_IGNORE = [re.compile(pattern) for pattern in pages.NOISE_IGNORE_PATTERNS]


@pytest.fixture
def site_server(tmp_path):
    """The benchmark's fallback server over a small generated site, on a free local port."""
    pages.write_site(tmp_path, 10)
    handler = functools.partial(pages.ConditionalHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_benchmark_prints_its_table_on_a_tiny_site():
    """On 20 pages, one run, the Python server and no urlwatch, every row is there and right."""
    command = [
        sys.executable, str(REPO / "bench" / "crawl_bench.py"),
        "--pages", "20", "--runs", "1", "--server", "python", "--no-urlwatch",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert 0 == done.returncode, done.stderr[-2000:]
    assert "threaded Python server" in done.stdout
    assert "min_host_delay = 0" in done.stdout
    rows = {
        (fields[0], fields[1]): fields
        for line in done.stdout.splitlines()
        if len(fields := line.split()) > 2 and fields[0] in ("cold", "warm", "changed", "noise")
    }
    expected_changes = {"cold": "20", "warm": "0", "changed": "2", "noise": "0"}
    for scenario, expected in expected_changes.items():
        assert (scenario, "floor") in rows
        watcher_row = rows[(scenario, "watcher")]
        # wall, cpu, RSS, changes counted, changes expected
        assert [expected, expected] == watcher_row[5:7]
        assert float(watcher_row[2]) > 0


def test_pages_are_deterministic_press_releases_of_2_to_5_kb():
    """The same index gives the same page, and every page is 2-5 KB like a press release."""
    sizes = [len(pages.page_html(index).encode("utf-8")) for index in range(200)]
    assert pages.page_html(7) == pages.page_html(7)
    assert [] == [size for size in sizes if not 2000 <= size <= 5000]


def test_changed_mode_rewrites_only_its_sample(tmp_path):
    """10% changed rewrites 5 of 50 pages; writing the same state again rewrites none."""
    assert 50 == pages.write_site(tmp_path, 50)
    assert 5 == pages.write_site(tmp_path, 50, changed_fraction=0.1)
    assert 0 == pages.write_site(tmp_path, 50, changed_fraction=0.1)
    assert 5 == len(pages.changed_pages(50, 0.1))


def test_noise_mode_changes_only_the_lines_a_user_ignores():
    """Timestamp and ad differ between noise rounds; ignoring them, the text is the same."""
    before, after = pages.page_html(3, noise_round=0), pages.page_html(3, noise_round=1)
    assert before != after
    assert parse_html(before).lines != parse_html(after).lines
    assert (
        parse_html(before, ignore=NOISE_IGNORE).lines
        == parse_html(after, ignore=NOISE_IGNORE).lines
    )


def test_body_change_survives_the_ignore_patterns():
    """A changed body is still a change once the noise lines are ignored."""
    before = parse_html(pages.page_html(3), ignore=NOISE_IGNORE)
    after = parse_html(pages.page_html(3, body_version=1), ignore=NOISE_IGNORE)
    assert before.lines != after.lines


def test_fallback_server_answers_conditional_gets_like_nginx(site_server):
    """A matching ETag gets a 304; a rewritten page gets a 200 with a new ETag."""
    root, base_url = site_server
    url = f"{base_url}/{pages.page_path(0)}"
    first = requests.get(url, timeout=5)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert 200 == first.status_code
    again = requests.get(
        url, headers={"If-None-Match": etag, "If-Modified-Since": last_modified}, timeout=5
    )
    assert 304 == again.status_code
    # nginx's default: If-Modified-Since must match Last-Modified exactly, not just be later.
    later = requests.get(
        url, headers={"If-Modified-Since": "Tue, 01 Jan 2030 00:00:00 GMT"}, timeout=5
    )
    assert 200 == later.status_code
    changed = sorted(pages.changed_pages(10, 0.5))[0]
    changed_url = f"{base_url}/{pages.page_path(changed)}"
    old_etag = requests.get(changed_url, timeout=5).headers["ETag"]
    pages.write_site(root, 10, changed_fraction=0.5)
    rewritten = requests.get(changed_url, headers={"If-None-Match": old_etag}, timeout=5)
    assert 200 == rewritten.status_code
    assert old_etag != rewritten.headers["ETag"]
    assert "Update:" in rewritten.text
