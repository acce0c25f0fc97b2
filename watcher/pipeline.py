"""One crawl of a source: fetch -> content -> snapshot -> findings -> statuses -> outbox.

The only place that knows the order of the steps. The network comes first, outside any
transaction (several sources at once, in threads); then the crawl's own thread reads what
arrived, batch by batch (every page of a batch parsed, then every page read for statuses),
and writes everything a source's crawl found all or nothing (a savepoint of its own, in a
transaction the sources of the batch share): fetch validators, snapshots, findings, status
changes and the alerts they cause. A crash can never record a change without also
queueing its alert, and a failed source leaves the stored validators as they were, so the
next crawl downloads the page again (R2, R17).

Where the time goes decides the shape (bench/README.md): a crawl where nothing changed is
answered by 304s and must cost little more than its requests, so a 304 is never parsed and
is recorded in a few statements; a crawl of many new or changed documents is bound by
parsing and status extraction. (Reading documents in worker processes was tried twice: on
two cores it bought at most a fifth of the wall time, for twice the memory and more CPU, so
documents are read here.)
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from watcher import content
from watcher.config import Config, Source, message_domain
from watcher.content import text_hash
from watcher.fetch import FEED_TYPES, HTML_TYPES, Fetcher, FetchRequest, FetchResult
from watcher.history import removed_from_list
from watcher.models import Finding, Page
from watcher.store import Store, now_iso, outbox, savepoint, snapshots, statuses, subscriptions
from watcher.urls import canonical_url, host_of

if TYPE_CHECKING:
    from watcher.status import Extractor

log = logging.getLogger(__name__)

__all__ = ["Crawler", "CrawlSummary", "SourceResult", "text_hash"]

MAX_NEW_DOCUMENTS = 50  # per crawl of a listing: polite to the site, bounded in time
MAX_RECHECKS = 20  # known documents re-checked for edits per crawl
DEFAULT_RECHECK = timedelta(days=1)
GONE_STATUSES = frozenset({404, 410})
# Sources recorded in one transaction at most: a commit now and then lets other writers in.
MAX_SOURCES_PER_COMMIT = 100
# Sources fetched and waiting to be read and recorded, at most (each holds its documents).
MAX_UNREAD_SOURCES = 32


@dataclass
class FetchedDocument:
    """One URL of a source after the network and parsing steps."""

    url: str
    is_root: bool
    result: FetchResult
    page: Page | None = None
    html: bytes | None = None
    content_hash: str | None = None
    changed: bool = False  # its text differs from the latest stored snapshot
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    unread: content.ReadJob | None = None  # fetched, to be read by the recording thread


@dataclass
class _Fetched:
    """A source after the network and parsing steps: its documents, or why it failed."""

    source: Source
    state: snapshots.SourceState | None  # None when it could not be loaded
    documents: list[FetchedDocument] = field(default_factory=list)
    failure: SourceResult | None = None


@dataclass
class SourceResult:
    """What one crawl of one source did, for the summary."""

    source_id: str
    documents: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failed: int = 0
    gone: int = 0
    status_changes: int = 0
    alerts_queued: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


@dataclass
class CrawlSummary:
    results: list[SourceResult]
    alerts_sent: int = 0

    def total(self, name: str) -> int:
        return sum(getattr(result, name) for result in self.results)

    def as_dict(self) -> dict[str, int]:
        return {
            "sources": len(self.results),
            "documents": self.total("documents"),
            "new": self.total("new"),
            "changed": self.total("changed"),
            "unchanged": self.total("unchanged"),
            "not_modified": self.total("not_modified"),
            "failed": self.total("failed"),
            "status_changes": self.total("status_changes"),
            "alerts_queued": self.total("alerts_queued"),
            "alerts_sent": self.alerts_sent,
        }


class Crawler:
    """Crawls sources of one configuration into one database."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        fetcher: Fetcher | None = None,
        extractor: Extractor | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self.config = config
        self.store = store
        self.clock = clock
        settings = config.settings
        self.fetcher = fetcher or Fetcher(
            settings.user_agent,
            connect_timeout=min(10.0, settings.timeout),
            read_timeout=settings.timeout,
            deadline=settings.timeout * 2,
            max_bytes=settings.max_bytes,
            min_host_delay=settings.min_host_delay,
            retries=settings.retries,
            backoff_base=settings.retry_wait,
        )
        self._extractor = extractor
        self._extractor_lock = threading.Lock()
        self._write_lock = threading.Lock()

    @property
    def extractor(self) -> Extractor:
        """The status extractor, built on first use: a crawl of 304s never needs it."""
        with self._extractor_lock:
            if self._extractor is None:
                from watcher.status import Extractor  # the gazetteer: slow to load, often idle

                self._extractor = Extractor(**self._extractor_settings())
            return self._extractor

    def _extractor_settings(self) -> dict:
        return {
            "aliases": {j.id: j.aliases for j in self.config.jurisdictions},
            "extra_cues": [(cue.status, cue.pattern) for cue in self.config.cues],
        }

    def crawl(
        self,
        source_ids: Iterable[str] | None = None,
        on_result: Callable[[SourceResult], None] | None = None,
    ) -> CrawlSummary:
        """Crawl the named sources (all when None), several hosts at once.

        Threads fetch; this thread reads and records what they hand over (a listing's or a
        feed's own page is read by its thread, which follows its links). Sources that are
        ready together are written in one transaction, each in its own savepoint: every
        source is still all-or-nothing, and a burst of 1,000 pages costs a few commits, not
        1,000 (a commit writes the WAL: as much time as recording a source).
        """
        wanted = list(source_ids) if source_ids else None
        sources = [s for s in self.config.sources if wanted is None or s.id in wanted]
        states = snapshots.load_source_states(self.store, [source.id for source in sources])
        # Bounded: fetching waits while the recording thread has this many to read, so a
        # fast site cannot pile up pages in memory.
        ready: queue.Queue[_Fetched] = queue.Queue(maxsize=MAX_UNREAD_SOURCES)

        def fetch(source: Source) -> None:
            fetched = _Fetched(source, states[source.id], failure=_failed(source, "not crawled"))
            try:
                fetched = self._fetch_or_fail(source, states[source.id], defer_reading=True)
            finally:  # always handed over: the recording loop waits for every source
                ready.put(fetched)

        results: dict[str, SourceResult] = {}
        workers = max(1, min(self.config.settings.workers, len(sources)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crawl") as pool:
            futures = [pool.submit(fetch, source) for source in sources]
            try:
                while len(results) < len(sources):
                    batch = [ready.get()]
                    with contextlib.suppress(queue.Empty):
                        while len(batch) < MAX_SOURCES_PER_COMMIT:
                            batch.append(ready.get_nowait())
                    self._read_unread(batch)
                    for result in self._record_batch(batch):
                        results[result.source_id] = result
                        if on_result:
                            on_result(result)
            except BaseException:  # Ctrl-C, or a bug: stop fetching, let running fetches end
                for future in futures:
                    future.cancel()
                while not all(future.done() for future in futures):
                    with contextlib.suppress(queue.Empty):
                        ready.get(timeout=0.1)  # a fetch blocked on the full queue goes on
                raise
        return CrawlSummary([results[source.id] for source in sources])

    def crawl_source(self, source: Source) -> SourceResult:
        """Fetch and parse a source's documents, then record them in one transaction.

        Whatever goes wrong stays with this source: it is reported as failed, nothing of it
        is stored (so the next crawl sees the same change again), and other sources go on.
        """
        return self._record_batch([self._fetch_or_fail(source, None)])[0]

    def _fetch_or_fail(
        self, source: Source, state: snapshots.SourceState | None, defer_reading: bool = False
    ) -> _Fetched:
        try:
            if state is None:
                state = snapshots.load_source_state(self.store, source.id)
            return _Fetched(source, state, self._fetch_source(source, state, defer_reading))
        except Exception as error:  # a bug or a page we cannot read must not stop the crawl
            log.exception("source %s: crawl failed", source.id)
            reason = _internal_error(error)
            return _Fetched(source, state, failure=_failed(source, reason))

    def _read_unread(self, batch: list[_Fetched]) -> None:
        """Read the documents the fetching threads left unread: all of the batch parsed, then
        all read for statuses. Each step's code and data stay in the CPU's caches (a tenth of
        a cold crawl), and fetching threads spend no time parsing."""
        parsed: list[tuple[_Fetched, FetchedDocument, content.ReadJob, content.Reading]] = []
        for fetched in batch:
            for document in fetched.documents:
                job = document.unread
                if job is None or fetched.failure is not None:
                    continue
                try:
                    parsed.append((fetched, document, job, content.parse_document(job)))
                except Exception as error:
                    self._fail_reading(fetched, error)
        for fetched, document, job, reading in parsed:
            if fetched.failure is not None:
                continue
            try:
                _take_reading(document, content.extract_findings(reading, job, self.extractor))
            except Exception as error:
                self._fail_reading(fetched, error)
            document.unread = None

    def _fail_reading(self, fetched: _Fetched, error: Exception) -> None:
        """A document that cannot be read fails its source, as if it had failed in its thread."""
        log.error("source %s: crawl failed", fetched.source.id, exc_info=error)
        reason = _internal_error(error)
        fetched.failure = _failed(fetched.source, reason)

    def _record_batch(self, batch: list[_Fetched]) -> list[SourceResult]:
        """Record fetched sources in one transaction, each source in its own savepoint."""
        results: list[SourceResult] = []
        changes: list[tuple[str, list[statuses.StatusChange]]] = []
        with self._write_lock:
            try:
                with self.store.transaction() as conn:
                    for fetched in batch:
                        if fetched.failure is not None:
                            results.append(fetched.failure)
                            continue
                        result, changed = self._record_source(conn, fetched)
                        results.append(result)
                        changes.append((fetched.source.id, changed))
            except sqlite3.Error as error:  # BEGIN or COMMIT: nothing of the batch was stored
                log.error("%d source(s) not recorded, will retry next crawl: %s", len(batch), error)
                reason = f"database error: {error}"
                for fetched in batch:
                    if fetched.failure is None:
                        self._record_failure(fetched.source, fetched.documents, reason)
                return [fetched.failure or _failed(fetched.source, reason) for fetched in batch]
        for source_id, changed in changes:  # said once they are stored
            for change in changed:
                log.info(
                    "source %s: %s %s %s -> %s%s", source_id, change.jurisdiction, change.kind,
                    change.from_status or "none", change.to_status or "none",
                    " (baseline)" if change.baseline else "",
                )  # fmt: skip
        return results

    def _record_source(
        self, conn: sqlite3.Connection, fetched: _Fetched
    ) -> tuple[SourceResult, list[statuses.StatusChange]]:
        """One source's writes, all or nothing: a failure rolls back to its savepoint only."""
        source, state, documents = fetched.source, fetched.state, fetched.documents
        assert state is not None, "a source that was fetched has its state"
        try:
            with savepoint(conn):
                return self._record(conn, source, state, documents)
        except sqlite3.Error as error:
            log.error("source %s: not recorded, will retry next crawl: %s", source.id, error)
            reason = f"database error: {error}"
        except Exception as error:  # rolled back; the next crawl tries again
            log.exception("source %s: not recorded", source.id)
            reason = _internal_error(error)
        if conn.in_transaction:  # else SQLite ended it (disk full): the batch fails as a whole
            self._record_fetches_failed(conn, source, documents, reason)
        return _failed(source, reason), []

    # -- network and parsing (no database writes) ------------------------------------------

    def _fetch_source(
        self, source: Source, state: snapshots.SourceState, defer_reading: bool = False
    ) -> list[FetchedDocument]:
        known = state.documents.get(source.url)
        if source.kind not in ("listing", "feed"):  # one document, no link to follow
            return [
                self._fetch_document(
                    source, source.url, known, is_root=True, defer_reading=defer_reading
                )
            ]
        root = self._fetch_document(source, source.url, known, is_root=True)
        documents = [root]
        # Rechecks do not depend on the listing: it may answer 304 for weeks while a
        # release it once linked to is edited.
        new = self._new_links(source, state, root) if root.page is not None else []
        for url in new + self._due_rechecks(source, state):
            documents.append(
                self._fetch_document(source, url, state.documents.get(url), is_root=False)
            )
        return documents

    def _fetch_document(
        self,
        source: Source,
        url: str,
        known: snapshots.KnownDocument | None,
        *,
        is_root: bool,
        defer_reading: bool = False,
    ) -> FetchedDocument:
        accept = FEED_TYPES if (is_root and source.kind == "feed") else HTML_TYPES
        request = FetchRequest(
            url=url,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
            trusted=is_root or host_of(url) == source.host,
            allowed_hosts=frozenset(source.allow_hosts),
            accept=accept,
        )
        result = self.fetcher.fetch(request)
        document = FetchedDocument(url, is_root, result)
        if result.outcome != "ok":
            return document  # a 304 above all: nothing to parse, nothing to extract
        if defer_reading:
            document.unread = self._read_job(source, document, known, is_root=is_root)
            return document
        if is_root and source.kind == "feed":
            known_hash = known.content_hash if known else None
            reading = self._read_feed(source, result, known_hash, document)
            if reading is None:
                return document
        else:
            job = self._read_job(source, document, known, is_root=is_root)
            reading = content.read_document(job, self.extractor)
        _take_reading(document, reading)
        return document

    def _read_job(
        self,
        source: Source,
        document: FetchedDocument,
        known: snapshots.KnownDocument | None,
        *,
        is_root: bool,
    ) -> content.ReadJob:
        result = document.result
        return content.ReadJob(
            text=result.text or "",
            url=result.final_url,
            plain_text=(result.content_type or "").startswith("text/plain"),
            select=source.select if is_root else None,
            ignore=source.ignore,
            known_hash=known.content_hash if known else None,
            speaker=source.speaker,
            list_page=is_root and source.kind == "list",
            # Links are followed from a listing's own page only (without `follow`,
            # which selects them from the HTML itself).
            links=is_root and source.kind == "listing" and not source.follow,
        )

    def _read_feed(
        self,
        source: Source,
        result: FetchResult,
        known_hash: str | None,
        document: FetchedDocument,
    ) -> content.Reading | None:
        """A feed's entries as a page, read here: feeds are few and their parser is heavy."""
        from watcher.feeds import FeedError, parse_feed  # feedparser: only for feed sources

        try:
            page = parse_feed(result.body or b"", result.final_url)
        except FeedError as error:
            document.error = f"unreadable feed: {error}"
            return None
        content_hash = text_hash(page)
        changed = known_hash != content_hash
        findings = self.extractor.extract(page, speaker=source.speaker) if changed else []
        return content.Reading(page, content_hash, changed, findings)

    def _new_links(
        self, source: Source, state: snapshots.SourceState, root: FetchedDocument
    ) -> list[str]:
        """Links of a listing or feed that lead to documents not seen before."""
        links = self._links(source, root)
        if source.kind == "listing" and not state.baselined:
            links += self._paginated_links(source, root)
        new: list[str] = []
        seen: set[str] = {canonical_url(source.url)}
        for raw in links:
            url = canonical_url(raw)
            if url in seen:
                continue
            seen.add(url)
            if not self._may_follow(source, url):
                log.info("source %s: not following %s (host not allowed)", source.id, url)
            elif url not in state.documents:
                new.append(url)
        if len(new) > MAX_NEW_DOCUMENTS:
            log.warning(
                "source %s: %d new links, following the first %d this crawl",
                source.id, len(new), MAX_NEW_DOCUMENTS,
            )  # fmt: skip
        return new[:MAX_NEW_DOCUMENTS]

    def _due_rechecks(self, source: Source, state: snapshots.SourceState) -> list[str]:
        """Known documents not checked for `recheck_every` (default a day), oldest first."""
        every = timedelta(seconds=source.recheck_every) if source.recheck_every else DEFAULT_RECHECK
        limit = self.clock() - every
        due = sorted(
            (document.last_checked_at, document.url)
            for document in state.documents.values()
            if not document.is_root
            and document.last_checked_at
            and _older_than(document.last_checked_at, limit)
        )
        return [url for _checked, url in due[:MAX_RECHECKS]]

    def _links(self, source: Source, root: FetchedDocument) -> list[str]:
        if source.follow and source.kind == "listing":
            return [
                link.url
                for link in content.select_links(
                    root.html or b"", root.result.final_url, source.follow
                )
            ]
        return [link.url for link in root.page.links] if root.page else []

    def _paginated_links(self, source: Source, root: FetchedDocument) -> list[str]:
        """On a listing's first crawl, the links of its next pages (a backfill)."""
        links: list[str] = []
        html, url = root.html or b"", root.result.final_url
        for _page in range(max(0, source.max_pages - 1)):
            next_url = content.next_page_url(html, url)
            if not next_url or host_of(next_url) != source.host:
                break
            result = self.fetcher.fetch(FetchRequest(url=next_url))
            if result.outcome != "ok" or not result.text:
                break
            html, url = result.body or b"", result.final_url
            page = content.parse_html(result.text, url)
            if source.follow:
                links += [link.url for link in content.select_links(html, url, source.follow)]
            else:
                links += [link.url for link in page.links]
        return links

    def _may_follow(self, source: Source, url: str) -> bool:
        if not url.lower().startswith(("http://", "https://")):
            return False
        host = host_of(url)
        netloc = urlsplit(url).netloc.lower()
        return host == source.host or host in source.allow_hosts or netloc in source.allow_hosts

    # -- recording a source: all or nothing, in its own savepoint --------------------------

    def _record(
        self,
        conn: sqlite3.Connection,
        source: Source,
        state: snapshots.SourceState,
        documents: list[FetchedDocument],
    ) -> tuple[SourceResult, list[statuses.StatusChange]]:
        now = self.clock()
        at = now_iso(now)
        result = SourceResult(source.id)
        baseline = not state.baselined
        touched: set[str] = set()
        last_snapshot_id: int | None = None
        if state.registered != (source.url, source.kind):
            snapshots.ensure_source(conn, source.id, source.url, source.kind)
        # A listing's own page last: when it and a release say the same thing, the
        # release's sentence is the better evidence, and the first one found is kept.
        for document in documents[1:] + documents[:1]:
            fetch = document.result
            snapshots.record_fetch(
                conn, source.id, document.url, at, fetch.outcome, fetch.status,
                fetch.bytes, fetch.duration, document.error or fetch.error,
            )  # fmt: skip
            snapshot_id = self._record_document(conn, source, state, document, at, now, result)
            if snapshot_id is not None:
                last_snapshot_id = snapshot_id
                touched.update(f.jurisdiction for f in document.findings)
        root = documents[0]
        changes = statuses.recompute(
            conn, touched, at=at, snapshot_id=last_snapshot_id, baseline=baseline
        )
        result.status_changes = len([c for c in changes if not c.baseline])
        if result.status_changes:  # baseline changes alert nobody
            result.alerts_queued = outbox.queue_alerts(
                conn,
                changes,
                subscriptions.active_subscriptions(conn),
                at=now,
                message_domain=message_domain(self.config),
            )
        self._update_source_health(conn, source, root, at, baseline)
        return result, changes

    def _record_document(
        self,
        conn: sqlite3.Connection,
        source: Source,
        state: snapshots.SourceState,
        document: FetchedDocument,
        at: str,
        now: datetime,
        result: SourceResult,
    ) -> int | None:
        """Write one document's outcome; the new snapshot's id when its text changed."""
        fetch = document.result
        result.documents += 1
        known = state.documents.get(document.url)

        def document_id() -> int:
            # Documents are never deleted: a known one keeps the id loaded with the state.
            if known is not None:
                return known.id
            return snapshots.upsert_document(conn, source.id, document.url, document.is_root, at)

        if fetch.outcome == "not_modified":
            result.not_modified += 1
            snapshots.mark_checked(conn, document_id(), at)
            return None
        if fetch.outcome != "ok" or document.page is None:
            if not document.is_root and fetch.status in GONE_STATUSES:
                snapshots.mark_gone(conn, document_id(), at)
                result.gone += 1
                return None
            result.failed += 1
            reason = document.error or fetch.error or f"HTTP {fetch.status}"
            result.failures.append((document.url, reason))
            return None
        created = None
        if known is None:  # a new document: one INSERT, and it has no snapshot yet
            created = snapshots.insert_checked_document(
                conn, source.id, document.url, document.is_root, at, fetch.etag,
                fetch.last_modified,
            )  # fmt: skip
        if created is not None:
            stored_id, previous = created, None
        else:
            stored_id = document_id()
            snapshots.mark_checked(
                conn, stored_id, at, fetch.etag, fetch.last_modified, update_validators=True
            )
            previous = snapshots.latest_snapshot(conn, stored_id)
        assert document.content_hash is not None
        if previous is not None and previous["content_hash"] == document.content_hash:
            # Another process may have stored this very text since we loaded the state.
            snapshots.touch_snapshot(conn, previous["id"], at)
            result.unchanged += 1
            document.findings = []
            return None
        page = document.page
        published = (page.published or now.date()).isoformat()
        snapshot_id = snapshots.insert_snapshot(
            conn, stored_id, at=at, content_hash=document.content_hash, title=page.title,
            text=page.text, html=document.html, published=published,
        )  # fmt: skip
        if previous is None:
            result.new += 1
        else:
            result.changed += 1
        if source.kind == "list" and document.is_root and previous is not None:
            document.findings = document.findings + removed_from_list(
                snapshots.snapshot_findings(conn, previous["id"]), document.findings
            )
        snapshots.insert_findings(conn, snapshot_id, document.findings, published, document.url)
        return snapshot_id

    def _update_source_health(
        self,
        conn: sqlite3.Connection,
        source: Source,
        root: FetchedDocument,
        at: str,
        baseline: bool,
    ) -> None:
        ok = root.result.outcome in ("ok", "not_modified") and root.error is None
        if ok:
            conn.execute(
                """
                UPDATE sources SET last_fetch_at = ?, last_success_at = ?, consecutive_failures = 0,
                    last_error = NULL, first_crawled_at = COALESCE(first_crawled_at, ?),
                    selector_matched = COALESCE(?, selector_matched)
                WHERE id = ?
                """,
                (at, at, at, _selector_flag(root), source.id),
            )
        else:
            conn.execute(
                """
                UPDATE sources SET last_fetch_at = ?,
                    consecutive_failures = consecutive_failures + 1,
                    last_error = ? WHERE id = ?
                """,
                (at, root.error or root.result.error or f"HTTP {root.result.status}", source.id),
            )

    def _record_failure(self, source: Source, documents: list[FetchedDocument], error: str) -> None:
        """After a failed transaction, still record that the fetches happened."""
        try:
            with self.store.transaction() as conn:
                self._record_fetches_failed(conn, source, documents, error)
        except sqlite3.Error as second:
            log.error("source %s: could not record the failure either: %s", source.id, second)

    def _record_fetches_failed(
        self,
        conn: sqlite3.Connection,
        source: Source,
        documents: list[FetchedDocument],
        error: str,
    ) -> None:
        at = now_iso(self.clock())
        snapshots.ensure_source(conn, source.id, source.url, source.kind)
        for document in documents:
            fetch = document.result
            snapshots.record_fetch(
                conn, source.id, document.url, at, "failed", fetch.status, fetch.bytes,
                fetch.duration, error,
            )  # fmt: skip


def _take_reading(document: FetchedDocument, reading: content.Reading) -> None:
    document.page = reading.page
    document.html = document.result.body
    document.content_hash = reading.content_hash
    document.changed = reading.changed
    document.findings = reading.findings


def _internal_error(error: Exception) -> str:
    """The reason given for a source that a bug or an unreadable page stopped."""
    return f"internal error: {type(error).__name__}: {error}"


def _failed(source: Source, reason: str) -> SourceResult:
    result = SourceResult(source.id, failed=1)
    result.failures.append((source.url, reason))
    return result


def _selector_flag(root: FetchedDocument) -> int | None:
    if root.page is None:
        return None
    return int(root.page.selector_matched)


def _older_than(timestamp: str, limit: datetime) -> bool:
    try:
        return datetime.fromisoformat(timestamp) < limit
    except ValueError:
        return True
