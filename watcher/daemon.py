"""`watcher run`: the long-lived service that crawls each source on its schedule.

One process per database (R11): an exclusive `flock` on `<database>.lock`, which the kernel
releases when the process dies, however it dies, so a daemon killed with SIGKILL never
leaves a stale lock behind. The file also holds the holder's pid, host and start time, for
the message a second daemon prints before it exits with code 2.

Inside, an APScheduler BlockingScheduler runs:

- one job per source (schedule.py): max one instance, missed runs coalesced, a misfire grace
  well above APScheduler's 1 s (R10); each crawl is followed by the source-health check;
- the outbox job, every OUTBOX_EVERY seconds and right after a crawl that queued something,
  in its own one-thread executor, so at most one sender drains the outbox at a time;
- the heartbeat job, in its own executor so that busy crawls cannot delay it.

Each thread has its own Store (one SQLite connection per thread); the Fetcher (per-host
pacing, robots.txt cache) and the Extractor are shared by all crawl threads.

Signals (R12): SIGTERM and SIGINT stop scheduling, give running jobs STOP_GRACE seconds to
finish, release the lock and exit 0; a job still running after that is abandoned, and
since it has committed nothing, SQLite rolls its transaction back. SIGHUP reloads the
configuration: a bad file is logged and the old schedule keeps running.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import random
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler

from watcher import health, logs, schedule
from watcher.config import Config, ConfigError, load_config, message_domain
from watcher.delivery import send_pending
from watcher.pipeline import Crawler, SourceResult
from watcher.store import Store, now_iso
from watcher.store.db import ThreadStores

log = logging.getLogger(__name__)

SignalHandler = Callable[[int, FrameType | None], Any] | int | None

STOP_GRACE = 20.0  # seconds running jobs get to finish after SIGTERM/SIGINT
OUTBOX_EVERY = 30.0  # seconds between outbox drains
OUTBOX_JOB = "outbox"
HEARTBEAT_JOB = "heartbeat"
LOCK_ATTEMPTS = 5  # `watcher health` may hold a shared lock for a moment while it checks
LOCK_RETRY_PAUSE = 0.05  # seconds


# --- one daemon per database ------------------------------------------------------------


def lock_path(database: Path) -> Path:
    """The lock file of a database: `<database>.lock` beside it."""
    return database.with_name(database.name + ".lock")


@dataclass(frozen=True)
class LockHolder:
    """Who holds a daemon lock, as written in the lock file."""

    pid: int | None
    hostname: str
    since: str

    def describe(self) -> str:
        pid = self.pid if self.pid is not None else "unknown"
        return f"pid {pid} on host {self.hostname or 'unknown'}, since {self.since or 'unknown'}"


class DaemonRunning(Exception):
    """Another daemon holds the lock of this database."""

    def __init__(self, database: Path, holder: LockHolder):
        self.database = database
        self.holder = holder
        super().__init__(database, holder)

    def __str__(self) -> str:
        return (
            f"another watcher daemon is already running on {self.database}: "
            f"{self.holder.describe()} (lock file {lock_path(self.database)})"
        )


class ProcessLock:
    """An exclusive flock on the database's lock file, held for the life of the process."""

    def __init__(self, database: Path):
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock and write our pid, host and start time; DaemonRunning if taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        for attempt in range(LOCK_ATTEMPTS):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == LOCK_ATTEMPTS - 1:
                    holder = read_lock_holder(self.database)
                    os.close(fd)
                    raise DaemonRunning(self.database, holder) from None
                time.sleep(LOCK_RETRY_PAUSE)
        mine = {"pid": os.getpid(), "hostname": socket.gethostname(), "since": now_iso()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(mine) + "\n").encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock. The file stays: removing it would race with a starting daemon."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def read_lock_holder(database: Path) -> LockHolder:
    """What the lock file says about its holder (fields empty when unreadable)."""
    try:
        data = json.loads(lock_path(database).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return LockHolder(
        pid=pid if isinstance(pid, int) else None,
        hostname=str(data.get("hostname") or ""),
        since=str(data.get("since") or ""),
    )


def lock_is_held(database: Path) -> bool:
    """True when a daemon process on this machine holds the database's lock."""
    try:
        fd = os.open(lock_path(database), os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


# --- the service ------------------------------------------------------------------------


def run_daemon(config_path: Path, *, log_level: str = "INFO") -> int:
    """Run the daemon until SIGTERM/SIGINT; the exit code (2: bad configuration or locked)."""
    try:
        logs.setup_logging(log_level)
    except ValueError as error:
        logs.setup_logging("INFO")
        log.error("%s", error)
        return 2
    try:
        config = load_config(config_path, require_smtp_password=True)
    except ConfigError as error:
        log.error("%s", error)
        return 2
    if config.smtp is not None:
        logs.redact(config.smtp.password())
    lock = ProcessLock(config.settings.database)
    try:
        lock.acquire()
    except DaemonRunning as error:
        log.error("%s", error)
        return 2
    try:
        return Daemon(config, lock).run()
    except Exception:
        log.exception("the daemon failed")
        return 1
    finally:
        lock.release()


class Daemon:
    """The scheduler, its jobs and the process state of one `watcher run`."""

    def __init__(self, config: Config, lock: ProcessLock, *, stop_grace: float = STOP_GRACE):
        self.config = config
        self.lock = lock
        self.stop_grace = stop_grace
        self.rng = random.Random()
        self.scheduler = BlockingScheduler(
            executors={
                "default": ThreadPoolExecutor(max(2, config.settings.workers)),
                OUTBOX_JOB: ThreadPoolExecutor(1),
                HEARTBEAT_JOB: ThreadPoolExecutor(1),
            },
        )
        # The machine's local time zone (APScheduler's default): cron lines mean local time,
        # as they do in a crontab.
        self.timezone = self.scheduler.timezone
        self.scheduler.add_listener(self._on_skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self.started_at = datetime.now(UTC)
        self._stores = ThreadStores(config.settings.database)
        self._in_flight = 0
        self._idle = threading.Condition()
        self._stopping = threading.Event()
        self._finished = threading.Event()
        self._missed_runs = 0
        self._missed_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._prototype: Crawler | None = None  # holds the shared Fetcher and Extractor

    # -- lifecycle -------------------------------------------------------------------------

    def run(self) -> int:
        """Schedule the jobs, block until a stop signal, then stop within the grace period."""
        store = self._store()
        self._write_start(store)
        self._prototype = Crawler(self.config, store)
        self._schedule_sources(self.config)
        self.scheduler.add_job(
            self._send_job, "interval", seconds=OUTBOX_EVERY, id=OUTBOX_JOB, name="send alerts",
            executor=OUTBOX_JOB, max_instances=1, coalesce=True,
            misfire_grace_time=int(OUTBOX_EVERY), next_run_time=datetime.now(UTC),
        )  # fmt: skip
        self.scheduler.add_job(
            self._heartbeat_job, "interval", seconds=health.HEARTBEAT_EVERY, id=HEARTBEAT_JOB,
            name="heartbeat", executor=HEARTBEAT_JOB, max_instances=1, coalesce=True,
            misfire_grace_time=int(health.HEARTBEAT_EVERY),
        )  # fmt: skip
        previous = self._install_signal_handlers()
        log.info(
            "daemon started: pid %s, database %s, %d source(s)",
            os.getpid(), self.config.settings.database, len(self.config.sources),
        )  # fmt: skip
        try:
            if not self._stopping.is_set():
                self.scheduler.start()  # blocks until a stop signal shuts it down
        finally:
            self._finished.set()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return self._finish()

    def _finish(self) -> int:
        with self._idle:
            done = self._idle.wait_for(lambda: self._in_flight == 0, timeout=self.stop_grace)
        if not done:
            # A job is stuck (a fetch or an SMTP exchange within its own, longer timeout).
            # Leaving it is safe: SQLite rolls back what it has not committed, and an alert
            # sent but not yet marked goes once more with the same Message-ID (R3).
            log.warning(
                "%d job(s) still running after %.0f s; exiting anyway",
                self._in_flight, self.stop_grace,
            )  # fmt: skip
            self.lock.release()
            logging.shutdown()
            os._exit(0)  # worker threads are not daemon threads: a normal exit would wait
        self._write_stop(self._store())
        self._stores.close_all()
        log.info("daemon stopped")
        return 0

    def _install_signal_handlers(self) -> dict[signal.Signals, SignalHandler]:
        previous: dict[signal.Signals, SignalHandler] = {}
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, self._on_signal)
        return previous

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Runs in the main thread between two bytecodes: do the work in a thread of its own
        # (logging or scheduler locks may be held by the very code this interrupted).
        if signum == signal.SIGHUP:
            threading.Thread(target=self.reload, name="reload", daemon=True).start()
            return
        name = signal.Signals(signum).name
        threading.Thread(target=self.stop, args=(name,), name="stop", daemon=True).start()

    def stop(self, reason: str = "stop requested") -> None:
        """Stop scheduling new runs; run() then waits for running jobs and returns."""
        if self._stopping.is_set():
            log.info("%s: already stopping", reason)
            return
        self._stopping.set()
        log.info("%s: stopping; running jobs get %.0f s to finish", reason, self.stop_grace)
        # A signal may come while run() is still starting the scheduler: wait until it runs
        # (or run() has seen the stop request and returned without starting it).
        while not self.scheduler.running:
            if self._finished.wait(0.05):
                return
        with contextlib.suppress(SchedulerNotRunningError):
            self.scheduler.shutdown(wait=False)

    def reload(self) -> bool:
        """Read the configuration file again and reschedule; keep the old one if it is bad."""
        try:
            return self._reload()
        finally:
            self._stores.close_current()  # each reload runs in a thread of its own

    def _reload(self) -> bool:
        with self._reload_lock:
            if self._stopping.is_set():
                return False
            path = self.config.path
            try:
                config = load_config(path, require_smtp_password=True)
            except ConfigError as error:
                log.error("configuration not reloaded, the old one stays in force: %s", error)
                return False
            if config.settings.database != self.config.settings.database:
                log.error(
                    "configuration not reloaded: the database changed from %s to %s; "
                    "restart the daemon to switch databases",
                    self.config.settings.database, config.settings.database,
                )  # fmt: skip
                return False
            if config.smtp is not None:
                logs.redact(config.smtp.password())
            self._prototype = self._new_prototype(config)
            self.config = config
            schedule.remove_source_jobs(self.scheduler)
            self._schedule_sources(config)
            log.info("configuration reloaded from %s: %d source(s)", path, len(config.sources))
            return True

    def _new_prototype(self, config: Config) -> Crawler:
        """A Crawler for the new configuration; keeps the Fetcher when its settings are unchanged,
        so per-host pacing and robots.txt rules survive a reload."""
        old, new = self.config.settings, config.settings
        same_fetching = (old.user_agent, old.timeout, old.max_bytes, old.min_host_delay) == (
            new.user_agent, new.timeout, new.max_bytes, new.min_host_delay,
        )  # fmt: skip
        fetcher = self._prototype.fetcher if same_fetching and self._prototype else None
        return Crawler(config, self._store(), fetcher=fetcher)

    def _schedule_sources(self, config: Config) -> None:
        rows = self._store().query("SELECT id, last_fetch_at FROM sources")
        last_fetches = {row["id"]: schedule.parse_stored_time(row["last_fetch_at"]) for row in rows}
        schedule.add_source_jobs(
            self.scheduler, config.sources, last_fetches, self._crawl_job,
            now=datetime.now(UTC), rng=self.rng, timezone=self.timezone,
        )  # fmt: skip

    # -- jobs ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _job(self) -> Iterator[bool]:
        """Count a running job; yields False when the daemon is stopping (then do nothing)."""
        with self._idle:
            self._in_flight += 1
        try:
            yield not self._stopping.is_set()
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def _crawl_job(self, source_id: str) -> None:
        with self._job() as may_run:
            if not may_run:
                return
            # One read: the prototype carries the configuration it was built for, so a reload
            # in between cannot pair a new configuration with the old fetcher or extractor.
            prototype = self._prototype
            assert prototype is not None
            config = prototype.config
            try:
                source = config.source(source_id)
            except KeyError:
                return  # removed by a reload while this run was waiting
            store = self._store()
            try:
                crawler = Crawler(
                    config, store, fetcher=prototype.fetcher, extractor=prototype.extractor
                )
                result = crawler.crawl_source(source)
            except Exception:
                log.exception("source %s: crawl failed", source_id)
                return
            _log_result(result)
            try:
                notices = health.check_sources(store, config, message_domain=message_domain(config))
            except Exception:
                log.exception("source %s: health check failed", source_id)
                notices = []
            if result.alerts_queued or notices:
                self._wake_outbox()

    def _wake_outbox(self) -> None:
        with contextlib.suppress(Exception):  # the scheduler may be shutting down
            self.scheduler.modify_job(OUTBOX_JOB, next_run_time=datetime.now(UTC))

    def _send_job(self) -> None:
        with self._job() as may_run:
            if not may_run:
                return
            try:
                summary = send_pending(self._store(), self.config)
            except Exception:
                log.exception("sending alerts failed")
                return
            if summary.sent or summary.trouble:
                log.info(
                    "outbox: %d sent, %d to retry, %d failed, %d given up%s",
                    summary.sent, summary.retrying, summary.failed, summary.given_up,
                    ", SMTP authentication fails" if summary.auth_failed else "",
                )  # fmt: skip

    def _heartbeat_job(self) -> None:
        if self._stopping.is_set():
            return
        try:
            with self._store().transaction() as conn:
                conn.execute(
                    "UPDATE daemon SET heartbeat_at = ?, missed_runs = ? WHERE id = 1",
                    (now_iso(), self.missed_runs),
                )
        except Exception:
            log.exception("heartbeat not recorded")

    def _on_skipped(self, event: JobEvent) -> None:
        missed = event.code == EVENT_JOB_MISSED
        if event.job_id == OUTBOX_JOB:
            # The outbox job is woken after crawls: finding it busy is expected.
            log.debug("outbox run skipped: %s", "late" if missed else "already running")
            return
        with self._missed_lock:
            self._missed_runs += 1
        what = event.job_id.replace(schedule.SOURCE_JOB_PREFIX, "source ", 1)
        if missed:
            log.warning(
                "%s: run due at %s missed, it could not start within its grace time",
                what, getattr(event, "scheduled_run_time", "?"),
            )  # fmt: skip
        else:
            log.warning("%s: run skipped, the previous run is still going", what)

    @property
    def missed_runs(self) -> int:
        """Runs missed or skipped since the daemon started (R10)."""
        with self._missed_lock:
            return self._missed_runs

    # -- state in the database -------------------------------------------------------------

    def _store(self) -> Store:
        """This thread's own connection to the database."""
        return self._stores.get()

    def _write_start(self, store: Store) -> None:
        at = now_iso(self.started_at)
        with store.transaction() as conn:
            conn.execute(
                """
                INSERT INTO daemon (id, pid, hostname, started_at, heartbeat_at, missed_runs)
                VALUES (1, ?, ?, ?, ?, 0)
                ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, hostname = excluded.hostname,
                    started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
                    missed_runs = 0
                """,
                (os.getpid(), socket.gethostname(), at, at),
            )

    def _write_stop(self, store: Store) -> None:
        try:
            with store.transaction() as conn:
                conn.execute(
                    "UPDATE daemon SET pid = NULL, heartbeat_at = ?, missed_runs = ? "
                    "WHERE id = 1 AND pid = ?",
                    (now_iso(), self.missed_runs, os.getpid()),
                )
        except Exception:
            log.exception("could not record the daemon's stop")


def _log_result(result: SourceResult) -> None:
    failures = "; ".join(f"{url}: {reason}" for url, reason in result.failures)
    log.log(
        logging.WARNING if result.failures else logging.INFO,
        "source %s: %d document(s): %d new, %d changed, %d unchanged, %d not modified, "
        "%d failed%s; %d status change(s), %d alert(s) queued",
        result.source_id, result.documents, result.new, result.changed, result.unchanged,
        result.not_modified, result.failed, f" ({failures})" if failures else "",
        result.status_changes, result.alerts_queued,
    )  # fmt: skip
