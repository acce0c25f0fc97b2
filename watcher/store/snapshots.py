"""Sources, documents, fetch attempts, snapshots and findings."""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass

from watcher.models import Finding
from watcher.store.db import Store


@dataclass(frozen=True)
class KnownDocument:
    """What the database remembers of one URL, loaded before a crawl."""

    id: int
    url: str
    is_root: bool
    etag: str | None
    last_modified: str | None
    content_hash: str | None  # of its latest snapshot
    last_checked_at: str | None
    gone: bool


@dataclass(frozen=True)
class SourceState:
    baselined: bool  # a first successful crawl has happened
    documents: dict[str, KnownDocument]
    registered: tuple[str, str] | None = None  # (url, kind) of its sources row, if it has one


# Above this many sources, one scan of every document beats a long list of ids.
_STATE_SCAN_ALL_AFTER = 200

_DOCUMENT_STATE = """
    SELECT d.id, d.source_id, d.url, d.is_root, d.etag, d.last_modified, d.last_checked_at,
           d.gone_at,
           (SELECT s.content_hash FROM snapshots s WHERE s.document_id = d.id
            ORDER BY s.id DESC LIMIT 1) AS content_hash
    FROM documents d
"""


def load_source_state(store: Store, source_id: str) -> SourceState:
    """Everything a crawl of one source needs to know beforehand, in two queries."""
    return load_source_states(store, [source_id])[source_id]


def load_source_states(store: Store, source_ids: list[str]) -> dict[str, SourceState]:
    """The state of each source, by id, in two queries however many sources there are."""
    wanted = set(source_ids)
    params: tuple[str, ...]
    if len(wanted) > _STATE_SCAN_ALL_AFTER:
        where, params = "", ()
    else:
        marks = ", ".join("?" * len(wanted))
        where, params = f"WHERE {{column}} IN ({marks})", tuple(wanted)
    sources = {
        row["id"]: row
        for row in store.query(
            f"SELECT id, url, kind, first_crawled_at FROM sources {where.format(column='id')}",
            params,
        )
    }
    documents: dict[str, dict[str, KnownDocument]] = {source_id: {} for source_id in wanted}
    for row in store.query(_DOCUMENT_STATE + where.format(column="d.source_id"), params):
        known = documents.get(row["source_id"])
        if known is None:
            continue  # a source no longer in the configuration
        known[row["url"]] = KnownDocument(
            id=row["id"],
            url=row["url"],
            is_root=bool(row["is_root"]),
            etag=row["etag"],
            last_modified=row["last_modified"],
            content_hash=row["content_hash"],
            last_checked_at=row["last_checked_at"],
            gone=row["gone_at"] is not None,
        )
    states = {}
    for source_id in wanted:
        source = sources.get(source_id)
        states[source_id] = SourceState(
            baselined=bool(source and source["first_crawled_at"]),
            documents=documents[source_id],
            registered=(source["url"], source["kind"]) if source else None,
        )
    return states


def ensure_source(conn: sqlite3.Connection, source_id: str, url: str, kind: str) -> None:
    conn.execute(
        """
        INSERT INTO sources (id, url, kind) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET url = excluded.url, kind = excluded.kind
        """,
        (source_id, url, kind),
    )


def record_fetch(
    conn: sqlite3.Connection,
    source_id: str,
    url: str,
    at: str,
    outcome: str,
    http_status: int | None,
    size: int,
    duration: float,
    error: str | None,
) -> None:
    conn.execute(
        """
        INSERT INTO fetches
            (source_id, url, fetched_at, outcome, http_status, bytes, duration, error)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (source_id, url, at, outcome, http_status, size, round(duration, 4), error),
    )


def upsert_document(
    conn: sqlite3.Connection, source_id: str, url: str, is_root: bool, at: str
) -> int:
    """The document's id, creating its row on first sight."""
    row = conn.execute(
        """
        INSERT INTO documents (source_id, url, is_root, first_seen_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (source_id, url) DO NOTHING RETURNING id
        """,
        (source_id, url, int(is_root), at),
    ).fetchone()
    if row is None:  # it was there already
        row = conn.execute(
            "SELECT id FROM documents WHERE source_id = ? AND url = ?", (source_id, url)
        ).fetchone()
    return int(row[0])


def insert_checked_document(
    conn: sqlite3.Connection,
    source_id: str,
    url: str,
    is_root: bool,
    at: str,
    etag: str | None,
    last_modified: str | None,
) -> int | None:
    """A new document's row, checked now with these validators; None if it exists already.

    One statement where a new document would otherwise take three (insert, mark checked,
    look for its latest snapshot: a row created in this transaction has none).
    """
    row = conn.execute(
        """
        INSERT INTO documents
            (source_id, url, is_root, first_seen_at, last_checked_at, etag, last_modified)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (source_id, url) DO NOTHING RETURNING id
        """,
        (source_id, url, int(is_root), at, at, etag, last_modified),
    ).fetchone()
    return int(row[0]) if row is not None else None


def mark_checked(
    conn: sqlite3.Connection,
    document_id: int,
    at: str,
    etag: str | None = None,
    last_modified: str | None = None,
    update_validators: bool = False,
) -> None:
    if update_validators:
        conn.execute(
            """UPDATE documents SET last_checked_at = ?, etag = ?, last_modified = ?, gone_at = NULL
               WHERE id = ?""",
            (at, etag, last_modified, document_id),
        )
    else:
        conn.execute(
            "UPDATE documents SET last_checked_at = ?, gone_at = NULL WHERE id = ?",
            (at, document_id),
        )


def mark_gone(conn: sqlite3.Connection, document_id: int, at: str) -> None:
    conn.execute(
        "UPDATE documents SET gone_at = COALESCE(gone_at, ?), last_checked_at = ? WHERE id = ?",
        (at, at, document_id),
    )


def latest_snapshot(conn: sqlite3.Connection, document_id: int) -> sqlite3.Row | None:
    """The id and content_hash of the document's latest snapshot (not its text)."""
    return conn.execute(
        "SELECT id, content_hash FROM snapshots WHERE document_id = ? ORDER BY id DESC LIMIT 1",
        (document_id,),
    ).fetchone()


def compress_html(html: bytes) -> bytes:
    """The page's HTML as a zlib stream (what `zlib.decompress` reads back).

    The window is as large as the page needs and no larger: deflate cannot look back
    further than the page is long, and setting up a 32 KB window for a 3 KB page takes
    longer than compressing the page (it is as small either way).
    """
    window_bits = max(9, min(15, (len(html) - 1).bit_length()))
    compressor = zlib.compressobj(6, zlib.DEFLATED, window_bits)
    return compressor.compress(html) + compressor.flush()


def insert_snapshot(
    conn: sqlite3.Connection,
    document_id: int,
    *,
    at: str,
    content_hash: str,
    title: str,
    text: str,
    html: bytes | None,
    published: str,
) -> int:
    cursor = conn.execute(
        """
        INSERT INTO snapshots (document_id, taken_at, last_seen_at, content_hash, title, text,
                               html_gz, published)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        (
            document_id,
            at,
            at,
            content_hash,
            title,
            text,
            compress_html(html) if html else None,
            published,
        ),
    )
    return int(cursor.lastrowid or 0)


def touch_snapshot(conn: sqlite3.Connection, snapshot_id: int, at: str) -> None:
    conn.execute("UPDATE snapshots SET last_seen_at = ? WHERE id = ?", (at, snapshot_id))


def insert_findings(
    conn: sqlite3.Connection,
    snapshot_id: int,
    findings: list[Finding],
    document_date: str,
    url: str,
) -> list[int]:
    ids = []
    for finding in findings:
        event_date = finding.event_date.isoformat() if finding.event_date else document_date
        cursor = conn.execute(
            """
            INSERT INTO findings (snapshot_id, jurisdiction, status, evidence, position,
                                  event_date, url)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            (
                snapshot_id,
                finding.jurisdiction,
                finding.status,
                finding.evidence,
                finding.position,
                event_date,
                url,
            ),
        )
        ids.append(int(cursor.lastrowid or 0))
    return ids


def snapshot_findings(conn: sqlite3.Connection, snapshot_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM findings WHERE snapshot_id = ? AND retired = 0 ORDER BY id", (snapshot_id,)
    ).fetchall()


def source_snapshots(store: Store, source_id: str) -> list[sqlite3.Row]:
    """Every snapshot of a source's documents, oldest first."""
    return store.query(
        """
        SELECT s.id, s.taken_at, s.last_seen_at, s.content_hash, s.title, s.published,
               d.url, length(s.text) AS characters,
               (SELECT count(*) FROM findings f
                WHERE f.snapshot_id = s.id AND f.retired = 0) AS findings
        FROM snapshots s JOIN documents d ON d.id = s.document_id
        WHERE d.source_id = ? ORDER BY s.id
        """,
        (source_id,),
    )


def snapshot(store: Store, snapshot_id: int) -> sqlite3.Row | None:
    rows = store.query(
        """SELECT s.*, d.url, d.source_id FROM snapshots s JOIN documents d ON d.id = s.document_id
           WHERE s.id = ?""",
        (snapshot_id,),
    )
    return rows[0] if rows else None


def previous_snapshot(store: Store, snapshot_id: int) -> sqlite3.Row | None:
    """The snapshot of the same document just before this one."""
    rows = store.query(
        """
        SELECT p.*, d.url FROM snapshots p JOIN documents d ON d.id = p.document_id
        WHERE p.document_id = (SELECT document_id FROM snapshots WHERE id = ?) AND p.id < ?
        ORDER BY p.id DESC LIMIT 1
        """,
        (snapshot_id, snapshot_id),
    )
    return rows[0] if rows else None
