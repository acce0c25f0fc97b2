"""`watcher run` as a real process for tests: start it, read its log and its database."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# `watcher --config PATH run`, as systemd would start it.
RUN_DAEMON = "import sys; from watcher.cli import main; main(['--config', sys.argv[1], 'run'])"
# The daemon with a 1-second stop grace instead of 20 s, to see a stuck job abandoned.
RUN_DAEMON_SHORT_GRACE = (
    "import sys; from watcher.config import load_config; from watcher.logs import setup_logging; "
    "from watcher.daemon import Daemon, ProcessLock; setup_logging('INFO'); "
    "config = load_config(sys.argv[1]); lock = ProcessLock(config.settings.database); "
    "lock.acquire(); sys.exit(Daemon(config, lock, stop_grace=1.0).run())"
)


class Daemon:
    """A `watcher run` subprocess whose stderr goes to a file the test can read."""

    def __init__(self, config_path: Path, log_path: Path, script: str = RUN_DAEMON):
        self.log_path = log_path
        with open(log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-c", script, str(config_path)],
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, then the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    """Start daemons for a test; any still alive at the end are killed."""
    started: list[Daemon] = []

    def starter(config_path: Path, script: str = RUN_DAEMON) -> Daemon:
        daemon = Daemon(config_path, tmp_path / f"daemon-{len(started)}.log", script)
        started.append(daemon)
        return daemon

    yield starter
    for daemon in started:
        if daemon.process.poll() is None:
            daemon.process.kill()
            daemon.process.wait()


def query(database: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read with a read-only connection of our own; [] before the daemon made the table."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return []
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def fetch_count(database: Path, source_id: str | None = None) -> int:
    if source_id is None:
        rows = query(database, "SELECT count(*) FROM fetches")
    else:
        rows = query(database, "SELECT count(*) FROM fetches WHERE source_id = ?", (source_id,))
    return rows[0][0] if rows else 0


def daemon_pid(database: Path) -> int | None:
    rows = query(database, "SELECT pid FROM daemon WHERE id = 1")
    return rows[0][0] if rows else None


def wait_until(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.05)
