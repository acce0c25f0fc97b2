"""Current jurisdiction statuses and the status changes that move them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from watcher.history import CurrentStatus, StatusEvent, replay
from watcher.store.db import Store


@dataclass(frozen=True)
class StatusChange:
    id: int
    jurisdiction: str
    kind: str  # federal | stance
    from_status: str | None
    to_status: str | None
    finding_id: int | None
    baseline: bool


def recompute(
    conn: sqlite3.Connection,
    jurisdictions: set[str],
    *,
    at: str,
    snapshot_id: int | None,
    baseline: bool,
) -> list[StatusChange]:
    """Replay each jurisdiction's findings; store and return the changes of its status."""
    changes = []
    for jurisdiction in sorted(jurisdictions):
        events = [
            StatusEvent(row["event_date"], row["snapshot_id"], row["status"], row["id"])
            for row in conn.execute(
                "SELECT id, snapshot_id, status, event_date FROM findings "
                "WHERE jurisdiction = ? AND retired = 0",
                (jurisdiction,),
            )
        ]
        new = replay(events)
        row = conn.execute(
            "SELECT * FROM jurisdiction_statuses WHERE jurisdiction = ?", (jurisdiction,)
        ).fetchone()
        old = (
            CurrentStatus(
                row["federal_status"],
                row["federal_finding_id"],
                row["stance"],
                row["stance_finding_id"],
            )
            if row
            else CurrentStatus()
        )
        conn.execute(
            """
            INSERT INTO jurisdiction_statuses
                (jurisdiction, federal_status, federal_finding_id, stance, stance_finding_id,
                 updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (jurisdiction) DO UPDATE SET
                federal_status = excluded.federal_status,
                federal_finding_id = excluded.federal_finding_id,
                stance = excluded.stance, stance_finding_id = excluded.stance_finding_id,
                updated_at = excluded.updated_at
            """,
            (jurisdiction, new.federal, new.federal_finding_id, new.stance,
             new.stance_finding_id, at),
        )  # fmt: skip
        for kind, before, after, finding in (
            ("federal", old.federal, new.federal, new.federal_finding_id),
            ("stance", old.stance, new.stance, new.stance_finding_id),
        ):
            if before == after:
                continue
            cursor = conn.execute(
                """
                INSERT INTO status_changes (jurisdiction, kind, from_status, to_status,
                    federal_status, stance, finding_id, snapshot_id, changed_at, baseline)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (jurisdiction, kind, before, after, new.federal, new.stance, finding,
                 snapshot_id, at, int(baseline)),
            )  # fmt: skip
            changes.append(
                StatusChange(
                    int(cursor.lastrowid or 0), jurisdiction, kind, before, after, finding, baseline
                )
            )
    return changes


def current_statuses(store: Store) -> list[sqlite3.Row]:
    """Every jurisdiction's current federal status and stance, with the evidence behind them."""
    return store.query(
        """
        SELECT js.jurisdiction, js.federal_status, js.stance, js.updated_at,
               f.evidence, f.event_date, f.url,
               sf.evidence AS stance_evidence, sf.url AS stance_url,
               sf.event_date AS stance_date
        FROM jurisdiction_statuses js
        LEFT JOIN findings f ON f.id = js.federal_finding_id
        LEFT JOIN findings sf ON sf.id = js.stance_finding_id
        WHERE js.federal_status IS NOT NULL OR js.stance IS NOT NULL
        ORDER BY js.jurisdiction
        """
    )


def jurisdiction_history(store: Store, jurisdiction: str) -> list[sqlite3.Row]:
    """A jurisdiction's findings in the order they apply, with their documents."""
    return store.query(
        """
        SELECT f.id, f.snapshot_id, f.status, f.evidence, f.event_date, f.url, s.published, s.title,
               s.taken_at, d.source_id
        FROM findings f JOIN snapshots s ON s.id = f.snapshot_id
        JOIN documents d ON d.id = s.document_id
        WHERE f.jurisdiction = ? AND f.retired = 0 ORDER BY f.event_date, f.snapshot_id, f.id
        """,
        (jurisdiction,),
    )


def jurisdiction_changes(store: Store, jurisdiction: str | None = None) -> list[sqlite3.Row]:
    where, params = ("WHERE sc.jurisdiction = ?", (jurisdiction,)) if jurisdiction else ("", ())
    return store.query(
        f"""
        SELECT sc.*, f.evidence, f.url, f.event_date FROM status_changes sc
        LEFT JOIN findings f ON f.id = sc.finding_id {where} ORDER BY sc.id
        """,
        params,
    )
