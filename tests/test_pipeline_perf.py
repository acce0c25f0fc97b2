"""The crawl's fast paths (issue 8) do the same work as the plain ones, and only when needed.

A crawl of 304s loads no extractor and records each source in a few statements; the state
of many sources loads in two queries. Real parts only: a LocalSite on 127.0.0.1, a SQLite
file in tmp_path.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import pages
from tests.configs import write_config
from tests.httpsite import LocalSite
from watcher.config import Config, load_config
from watcher.models import Finding, Page
from watcher.pipeline import MAX_UNREAD_SOURCES, Crawler, SourceResult
from watcher.status import Extractor
from watcher.store import Store, snapshots

SOURCES = 40


def serve_press_releases(site: LocalSite, count: int) -> list[str]:
    """The benchmark's press releases (a quarter of them about a status), with ETags."""
    paths = []
    for index in range(count):
        path = f"/pr/{index:04d}.html"
        site.set(path, pages.page_html(index), etag=f'"v{index}"')
        paths.append(path)
    return paths


def config_for(site: LocalSite, folder: Path, paths: list[str]) -> Config:
    """One `page` source per path, ignoring the pages' noise lines, in its own database."""
    ignore = ", ".join(f"'{pattern}'" for pattern in pages.NOISE_IGNORE_PATTERNS)
    sources = "".join(
        f'[[sources]]\nid = "pr{number}"\nurl = "{site.url(path)}"\nkind = "page"\n'
        f"ignore = [{ignore}]\n\n"
        for number, path in enumerate(paths)
    )
    folder.mkdir(exist_ok=True)
    return load_config(write_config(folder, sources))


def test_crawl_of_304s_parses_nothing_and_loads_no_extractor(
    local_site: LocalSite, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """When every page answers 304, nothing is parsed and no extractor is built."""
    paths = serve_press_releases(local_site, SOURCES)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        Crawler(config, store).crawl()
        caplog.clear()
        caplog.set_level(logging.DEBUG, logger="watcher.pipeline")
        crawler = Crawler(config, store)
        summary = crawler.crawl()
    assert SOURCES == summary.total("not_modified")
    assert crawler._extractor is None


def test_304_source_is_recorded_in_three_statements(local_site: LocalSite, tmp_path: Path) -> None:
    """A source answering 304 costs three statements (in its savepoint), and no SELECT."""
    paths = serve_press_releases(local_site, 1)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        crawler = Crawler(config, store)
        crawler.crawl()
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        summary = crawler.crawl()
        store.conn.set_trace_callback(None)
    assert 1 == summary.total("not_modified")
    # The two queries before it load the state of every source of the crawl at once.
    words = [" ".join(statement.split()[:3]) for statement in statements[2:]]
    assert [
        "BEGIN IMMEDIATE",
        "SAVEPOINT part",
        "INSERT INTO fetches",
        "UPDATE documents SET",
        "UPDATE sources SET",
        "RELEASE part",
        "COMMIT",
    ] == words


def test_new_page_is_recorded_without_looking_for_an_older_snapshot(
    local_site: LocalSite, tmp_path: Path
) -> None:
    """A document seen for the first time is one INSERT with its validators, and no SELECT."""
    paths = serve_press_releases(local_site, 1)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        summary = Crawler(config, store).crawl()
        store.conn.set_trace_callback(None)
        document = store.query("SELECT etag, last_checked_at, first_seen_at FROM documents")[0]
    assert 1 == summary.total("new")
    words = [" ".join(statement.split()[:3]) for statement in statements]
    assert 1 == sum(word.startswith("INSERT INTO documents") for word in words)
    assert [] == [w for w in words if w.startswith(("UPDATE documents", "SELECT id, content_hash"))]
    assert ('"v0"', document["first_seen_at"]) == (document["etag"], document["last_checked_at"])


def test_sources_ready_together_share_a_commit_and_fail_alone(
    local_site: LocalSite, tmp_path: Path
) -> None:
    """Sources recorded together commit once; one that fails is rolled back alone, the rest kept."""
    paths = serve_press_releases(local_site, 3)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        store.conn.execute(
            "CREATE TRIGGER break_one BEFORE INSERT ON snapshots WHEN NEW.title LIKE '%0001%' "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
        crawler = Crawler(config, store)
        fetched = [crawler._fetch_or_fail(source, None) for source in config.sources]
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        results = crawler._record_batch(fetched)
        store.conn.set_trace_callback(None)
        stored = store.query(
            "SELECT d.url FROM snapshots s JOIN documents d ON d.id = s.document_id"
        )
        fetches = store.query("SELECT url, outcome FROM fetches ORDER BY url")
    verbs = [statement.split()[0].upper() for statement in statements]
    assert (1, 1) == (verbs.count("BEGIN"), verbs.count("COMMIT"))
    assert [(1, 0), (0, 1), (1, 0)] == [(r.new, r.failed) for r in results]
    assert "injected failure" in results[1].failures[0][1]
    assert {local_site.url(paths[0]), local_site.url(paths[2])} == {row[0] for row in stored}
    assert [(local_site.url(p), o) for p, o in zip(paths, ("ok", "failed", "ok"), strict=True)] == [
        tuple(row) for row in fetches
    ]


def test_304_still_marks_the_document_checked(local_site: LocalSite, tmp_path: Path) -> None:
    """The shorter 304 path still moves last_checked_at and the source's last success."""
    paths = serve_press_releases(local_site, 1)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        Crawler(config, store, clock=lambda: _at("2025-06-01T10:00:00")).crawl()
        Crawler(config, store, clock=lambda: _at("2025-06-01T11:00:00")).crawl()
        document = store.query("SELECT last_checked_at FROM documents")[0]
        source = store.query("SELECT last_success_at, consecutive_failures FROM sources")[0]
    assert "2025-06-01T11:00:00+00:00" == document["last_checked_at"]
    assert ("2025-06-01T11:00:00+00:00", 0) == tuple(source)


def test_states_of_many_sources_match_one_by_one(local_site: LocalSite, tmp_path: Path) -> None:
    """load_source_states gives each source the state load_source_state gives it alone."""
    paths = serve_press_releases(local_site, 3)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        Crawler(config, store).crawl()
        ids = [source.id for source in config.sources]
        many = ids + [f"never-crawled-{number}" for number in range(250)]  # the full scan
        one_by_one = {
            source_id: snapshots.load_source_state(store, source_id) for source_id in many
        }
        assert one_by_one == snapshots.load_source_states(store, many)
        assert {i: one_by_one[i] for i in ids} == snapshots.load_source_states(store, ids)
    assert one_by_one[ids[0]].baselined
    assert (config.sources[0].url, "page") == one_by_one[ids[0]].registered
    assert snapshots.SourceState(False, {}, None) == one_by_one["never-crawled-0"]


def _at(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp).replace(tzinfo=UTC)


def stored_findings(store: Store) -> list[tuple]:
    """Every finding with its document, in a stable order."""
    return [
        tuple(row)
        for row in store.query(
            """
            SELECT d.url, f.jurisdiction, f.status, f.evidence, f.position, f.event_date
            FROM findings f JOIN snapshots s ON s.id = f.snapshot_id
            JOIN documents d ON d.id = s.document_id ORDER BY 1, 2, 3, 5
            """
        )
    ]


def test_pages_read_in_batches_give_what_reading_each_alone_gives(
    local_site: LocalSite, tmp_path: Path
) -> None:
    """A crawl that reads pages batch by batch stores what crawling sources one by one stores."""
    paths = serve_press_releases(local_site, SOURCES)
    in_batches = config_for(local_site, tmp_path / "batches", paths)
    one_by_one = config_for(local_site, tmp_path / "one", paths)
    with Store(in_batches.settings.database) as store:
        assert SOURCES == Crawler(in_batches, store).crawl().total("new")
        batched = stored_findings(store)
    with Store(one_by_one.settings.database) as store:
        crawler = Crawler(one_by_one, store)
        for source in one_by_one.sources:
            assert 1 == crawler.crawl_source(source).new
        alone = stored_findings(store)
    assert alone == batched
    assert len(alone) >= SOURCES // 8, "the pages gave findings to compare"


class _FailingExtractor(Extractor):
    """The real extractor, made to fail on one page (a bug in reading that one page)."""

    def extract(self, page: Page, **options: object) -> list[Finding]:
        if page.url.endswith("/0003.html"):
            raise ValueError("cannot read this page")
        return super().extract(page, **options)  # type: ignore[arg-type]


def test_a_page_that_cannot_be_read_fails_only_its_source(
    local_site: LocalSite, tmp_path: Path
) -> None:
    """A page whose reading raises fails its own source; the rest of the batch is recorded."""
    paths = serve_press_releases(local_site, 6)
    config = config_for(local_site, tmp_path / "db", paths)
    with Store(config.settings.database) as store:
        summary = Crawler(config, store, extractor=_FailingExtractor()).crawl()
        stored = store.query("SELECT count(*) FROM snapshots")[0][0]
    failed = [result for result in summary.results if result.failed]
    assert ["pr3"] == [result.source_id for result in failed]
    assert "internal error: ValueError: cannot read this page" in failed[0].failures[0][1]
    assert (5, 5) == (summary.total("new"), stored)


def test_a_crawl_whose_recording_breaks_stops_instead_of_hanging(
    local_site: LocalSite, tmp_path: Path
) -> None:
    """An error in the recording thread ends the crawl, with fetches blocked on it released."""
    count = MAX_UNREAD_SOURCES * 3
    paths = serve_press_releases(local_site, count)
    config = config_for(local_site, tmp_path / "db", paths)

    def broken(_result: SourceResult) -> None:
        raise RuntimeError("the progress bar broke")

    started = time.monotonic()
    with Store(config.settings.database) as store, pytest.raises(RuntimeError):
        Crawler(config, store).crawl(on_result=broken)
    assert time.monotonic() - started < 20
    fetched = [path for path in local_site.paths() if path.startswith("/pr/")]
    assert count > len(fetched), "fetching stopped early"
