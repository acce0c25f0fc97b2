"""The crawl's fast paths (issue 8) do the same work as the plain ones, and only when needed.

A crawl of 304s loads no extractor and records each source in a few statements; the state
of many sources loads in two queries. Real parts only: a LocalSite on 127.0.0.1, a SQLite
file in tmp_path.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import pages
from tests.configs import write_config
from tests.httpsite import LocalSite
from watcher.config import Config, load_config
from watcher.pipeline import Crawler
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
    """A source answering 304 costs one transaction of three statements, and no SELECT."""
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
        "INSERT INTO fetches",
        "UPDATE documents SET",
        "UPDATE sources SET",
        "COMMIT",
    ] == words


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
