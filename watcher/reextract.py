"""`watcher reextract`: run the current extractor over stored snapshots again.

When the rules improve, every stored snapshot is read again from its raw HTML, its findings
replaced (the old ones are kept, retired, for the status changes that cite them), and the
status histories rebuilt. All of it is one transaction. The resulting status changes are
recorded as baseline (no email) unless the operator asks for alerts.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from watcher import content
from watcher.config import Config, Source, message_domain
from watcher.feeds import FeedError, parse_feed
from watcher.fetch import detect_encoding
from watcher.history import removed_from_list
from watcher.models import Page
from watcher.status import Extractor
from watcher.store import Store, now_iso, outbox, snapshots, statuses, subscriptions
from watcher.store.statuses import StatusChange

log = logging.getLogger(__name__)


@dataclass
class ReextractResult:
    snapshots: int = 0
    findings_before: int = 0
    findings_after: int = 0
    changes: list[StatusChange] = field(default_factory=list)
    alerts_queued: int = 0
    unreadable: list[int] = field(default_factory=list)  # snapshot ids


def reextract(
    store: Store,
    config: Config,
    extractor: Extractor,
    *,
    source_ids: Iterable[str] | None = None,
    alert: bool = False,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> ReextractResult:
    """Replace the findings of every snapshot of the chosen sources; rebuild statuses."""
    wanted = set(source_ids or [s.id for s in config.sources])
    by_id = {s.id: s for s in config.sources if s.id in wanted}
    now = clock()
    result = ReextractResult()
    touched: set[str] = set()
    with store.transaction() as conn:
        rows = conn.execute(
            """
            SELECT s.id, s.html_gz, s.text, s.published, s.document_id, d.url, d.is_root,
                   d.source_id
            FROM snapshots s JOIN documents d ON d.id = s.document_id ORDER BY s.id
            """
        ).fetchall()
        previous_of_document: dict[int, int] = {}
        for row in rows:
            source = by_id.get(row["source_id"])
            if source is None:
                continue
            result.snapshots += 1
            old = snapshots.snapshot_findings(conn, row["id"])
            result.findings_before += len(old)
            touched.update(f["jurisdiction"] for f in old)
            page = _read_snapshot(row, source)
            if page is None:
                result.unreadable.append(row["id"])
                previous_of_document[row["document_id"]] = row["id"]
                continue
            is_list = bool(row["is_root"]) and source.kind == "list"
            findings = extractor.extract(page, speaker=source.speaker, list_page=is_list)
            previous = previous_of_document.get(row["document_id"])
            if is_list and previous is not None:
                findings += removed_from_list(snapshots.snapshot_findings(conn, previous), findings)
            conn.execute("UPDATE findings SET retired = 1 WHERE snapshot_id = ?", (row["id"],))
            snapshots.insert_findings(conn, row["id"], findings, row["published"], row["url"])
            result.findings_after += len(findings)
            touched.update(f.jurisdiction for f in findings)
            previous_of_document[row["document_id"]] = row["id"]
        result.changes = statuses.recompute(
            conn, touched, at=now_iso(now), snapshot_id=None, baseline=not alert
        )
        if alert:
            result.alerts_queued = outbox.queue_alerts(
                conn,
                result.changes,
                subscriptions.active_subscriptions(conn),
                at=now,
                message_domain=message_domain(config),
            )
    return result


def _read_snapshot(row, source: Source) -> Page | None:
    """The stored page, parsed again as the crawl parsed it."""
    if row["html_gz"] is None:
        return content.parse_text(row["text"], row["url"])
    body = zlib.decompress(row["html_gz"])
    if row["is_root"] and source.kind == "feed":
        try:
            return parse_feed(body, row["url"])
        except FeedError as error:
            log.warning("snapshot %s: %s", row["id"], error)
            return None
    text = body.decode(detect_encoding(body), errors="replace")
    select = source.select if row["is_root"] else None
    if not content.looks_like_html(text):
        return content.parse_text(text, row["url"], ignore=source.ignore)
    return content.parse_html(text, row["url"], select=select, ignore=source.ignore)
