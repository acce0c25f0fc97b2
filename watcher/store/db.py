"""The SQLite database: connection settings, migrations and write transactions.

Plain tables with clear names and foreign keys, so `datasette` and `sqlite-utils` can explore
the database. Every read-then-write transaction starts with BEGIN IMMEDIATE, so two writers
(the daemon and a manual crawl) queue on SQLite's lock instead of failing on upgrade.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_SECONDS = 30.0
MIGRATION_SET = "watcher"

# The schema's migrations in order, applied through sqlite-utils' Migrations. sqlite-utils
# is imported only when one is pending: it costs a process some 13 MB and 40 ms, and a
# crawl of an up-to-date database needs none of it.
MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = []


def migration(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(function: Callable[..., None]) -> Callable[..., None]:
        MIGRATIONS.append((name, function))
        return function

    return register


def apply_migrations(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database has not had yet, each in its own transaction."""
    try:
        applied = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
            )
        }
    except sqlite3.OperationalError:  # a new database: no migrations table yet
        applied = set()
    if all(name in applied for name, _function in MIGRATIONS):
        return
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS:
        migrations(name=name)(function)
    migrations.apply(sqlite_utils.Database(conn))


@migration("001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    _execute_script(
        db,
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            first_crawled_at TEXT,            -- first successful crawl: the baseline
            last_fetch_at TEXT,
            last_success_at TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            selector_matched INTEGER,         -- 1/0; NULL before the first fetch
            health_notice TEXT                -- 'failing' | 'selector': an operator notice is out
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id),
            url TEXT NOT NULL,
            is_root INTEGER NOT NULL DEFAULT 0,   -- the source's configured URL itself
            etag TEXT,
            last_modified TEXT,
            first_seen_at TEXT NOT NULL,
            last_checked_at TEXT,
            gone_at TEXT,                          -- answered 404/410
            UNIQUE (source_id, url)
        );
        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id),
            url TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            outcome TEXT NOT NULL,                 -- ok | not_modified | blocked | failed
            http_status INTEGER,
            bytes INTEGER NOT NULL DEFAULT 0,
            duration REAL NOT NULL DEFAULT 0,
            error TEXT
        );
        CREATE INDEX fetches_source ON fetches (source_id, fetched_at);
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            taken_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            html_gz BLOB,
            published TEXT                         -- the document's ISO date, else the fetch's
        );
        CREATE INDEX snapshots_document ON snapshots (document_id, id);
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
            jurisdiction TEXT NOT NULL,
            status TEXT NOT NULL,
            evidence TEXT NOT NULL,
            position INTEGER NOT NULL,
            event_date TEXT NOT NULL,              -- the sentence's date, else the document's
            url TEXT NOT NULL
        );
        CREATE INDEX findings_jurisdiction ON findings (jurisdiction, event_date);
        CREATE INDEX findings_snapshot ON findings (snapshot_id);
        CREATE TABLE jurisdiction_statuses (
            jurisdiction TEXT PRIMARY KEY,
            federal_status TEXT,
            federal_finding_id INTEGER REFERENCES findings(id),
            stance TEXT,
            stance_finding_id INTEGER REFERENCES findings(id),
            updated_at TEXT NOT NULL
        );
        CREATE TABLE status_changes (
            id INTEGER PRIMARY KEY,
            jurisdiction TEXT NOT NULL,
            kind TEXT NOT NULL,                    -- federal | stance
            from_status TEXT,
            to_status TEXT,
            federal_status TEXT,                   -- both values after the change
            stance TEXT,
            finding_id INTEGER REFERENCES findings(id),
            snapshot_id INTEGER REFERENCES snapshots(id),
            changed_at TEXT NOT NULL,
            baseline INTEGER NOT NULL DEFAULT 0    -- recorded on a first crawl: no alert
        );
        CREATE INDEX status_changes_jurisdiction ON status_changes (jurisdiction, id);
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL,
            jurisdictions TEXT NOT NULL DEFAULT '[]',   -- JSON list of ids; with states empty: all
            states TEXT NOT NULL DEFAULT '[]',          -- JSON list of postal codes
            statuses TEXT NOT NULL DEFAULT '[]',        -- JSON list; empty: every status
            digest TEXT,                                -- NULL (immediate) | 'daily'
            token_nonce TEXT NOT NULL,                  -- with the secret key, gives the token
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,                    -- status | notice
            status_change_id INTEGER REFERENCES status_changes(id),
            subscription_id INTEGER REFERENCES subscriptions(id),
            recipient TEXT NOT NULL,
            subject TEXT,                          -- notices only
            body TEXT,                             -- notices only
            digest_day TEXT,                       -- daily-digest alerts: the day they belong to
            state TEXT NOT NULL DEFAULT 'pending', -- pending | sent | failed | given_up | cancelled
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at TEXT NOT NULL,
            last_error TEXT,
            message_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            UNIQUE (status_change_id, subscription_id)
        );
        CREATE INDEX alerts_state ON alerts (state, next_try_at);
        CREATE TABLE daemon (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER,
            hostname TEXT,
            started_at TEXT,
            heartbeat_at TEXT,
            missed_runs INTEGER NOT NULL DEFAULT 0,
            smtp_error TEXT
        );
        """,
    )


@migration("002_retired_findings")
def _retired_findings(db: sqlite_utils.Database) -> None:
    # `watcher reextract` replaces a snapshot's findings; the old ones stay for the status
    # changes that cite them, marked retired so the history no longer counts them.
    _execute_script(
        db,
        """
        ALTER TABLE findings ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX findings_live ON findings (jurisdiction, retired);
        """,
    )


@migration("003_self_service_subscriptions")
def _self_service_subscriptions(db: sqlite_utils.Database) -> None:
    # `watcher serve`: a subscription asked for on the web waits here until the link in its
    # confirmation email is followed (double opt-in); subscribe_requests keeps the rate
    # limits across restarts. Both are pruned as they age, so strangers' addresses that were
    # typed in but never confirmed do not stay.
    _execute_script(
        db,
        """
        CREATE TABLE pending_subscriptions (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL,
            jurisdictions TEXT NOT NULL DEFAULT '[]',
            states TEXT NOT NULL DEFAULT '[]',
            statuses TEXT NOT NULL DEFAULT '[]',
            digest TEXT,
            confirm_hash TEXT NOT NULL UNIQUE,     -- sha256 of the token in the email
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            confirmed_at TEXT,
            subscription_id INTEGER REFERENCES subscriptions(id)
        );
        CREATE INDEX pending_subscriptions_expiry ON pending_subscriptions (expires_at);
        CREATE TABLE subscribe_requests (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,                    -- client (a form sent) | address (an email)
            key TEXT NOT NULL,                     -- keyed hash of the client or the address
            at TEXT NOT NULL
        );
        CREATE INDEX subscribe_requests_key ON subscribe_requests (kind, key, at);
        """,
    )


@migration("004_alert_claims")
def _alert_claims(db: sqlite_utils.Database) -> None:
    # A sender claims an alert before handing it to the mail server, so two senders (the
    # daemon and an operator's `watcher send`) never deliver the same alert twice at once.
    _execute_script(
        db,
        """
        ALTER TABLE alerts ADD COLUMN claimed_until TEXT;
        ALTER TABLE alerts ADD COLUMN claimed_by TEXT      -- host:pid of the sender
        """,
    )


def _execute_script(db: sqlite_utils.Database, script: str) -> None:
    # executescript() would commit the migration's transaction half-way: run statement by
    # statement instead (comments first removed, as they may hold semicolons).
    script = re.sub(r"--[^\n]*", "", script)
    for statement in script.split(";"):
        if statement.strip():
            db.conn.execute(statement)


def now_iso(now: datetime | None = None) -> str:
    """A UTC timestamp as stored in the database: ISO 8601 with seconds and offset."""
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "part") -> Iterator[sqlite3.Connection]:
    """A part of a transaction that is all or nothing on its own: an error rolls back only it."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield conn
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


class Store:
    """One connection to the watcher database. Not shared between threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        self.conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self._lock = threading.RLock()
        with self._lock:
            apply_migrations(self.conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE): all of it commits, or none of it."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query."""
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ThreadStores:
    """One Store per thread for a long-lived process (the daemon's jobs, the web server's
    request threads): sqlite connections are not shared between threads."""

    def __init__(self, path: str | Path):
        self.path = path
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        """This thread's connection, opened on first use."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close_current(self) -> None:
        """Close this thread's connection (a thread that will not be used again)."""
        store = getattr(self._local, "store", None)
        if store is not None:
            self._local.store = None
            with self._lock:
                self._stores.remove(store)
            store.close()

    def close_all(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            stores, self._stores = self._stores, []
        for store in stores:
            with contextlib.suppress(sqlite3.Error):
                store.close()
