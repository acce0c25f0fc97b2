"""`watcher crawl`, `history` and `diff` through the CLI against a local site."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.configs import write_config
from tests.httpsite import LocalSite, drop_connection, hang, redirect
from watcher.cli import main
from watcher.store import Store

RELEASE = """<!doctype html><html><head><title>{title}</title>
<meta property="article:published_time" content="2025-09-04"></head><body>
<header>Site header</header><main><h1>{title}</h1><p>{body}</p>
<p class="stamp">Page generated {stamp}</p></main><footer>footer</footer></body></html>"""


def page(title: str, body: str, stamp: str = "10:00") -> str:
    return RELEASE.format(title=title, body=body, stamp=stamp)


def crawl(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), "crawl", "--no-email", *args])


def summary(result: Result) -> dict[str, int]:
    return json.loads(result.stdout)


def sources_for(site: LocalSite, *paths: str, extra: str = "") -> str:
    return "".join(
        f'[[sources]]\nid = "page{i}"\nurl = "{site.url(path)}"\nevery = "1h"\n{extra}\n'
        for i, path in enumerate(paths)
    )


@pytest.fixture
def site():
    with LocalSite() as local:
        yield local


def test_second_crawl_of_unchanged_pages_adds_no_snapshot(site: LocalSite, tmp_path: Path) -> None:
    """A crawl stores snapshots; a re-crawl of unchanged pages (ETag) adds none, parses none."""
    site.set("/a", page("A", "First page."), etag='"a1"')
    site.set("/b", page("B", "Second page."))  # no validators: downloaded, same text
    config = write_config(tmp_path, sources_for(site, "/a", "/b"))
    first = crawl(config, "--json")
    assert 0 == first.exit_code, first.output
    assert {"new": 2, "changed": 0, "failed": 0} == {
        k: summary(first)[k] for k in ("new", "changed", "failed")
    }
    second = crawl(config, "--json")
    counts = summary(second)
    assert (0, 0, 1, 1) == (
        counts["new"],
        counts["changed"],
        counts["unchanged"],
        counts["not_modified"],
    )
    assert '"a1"' == site.requests_for("/a")[-1].headers.get("If-None-Match")
    with Store(tmp_path / "watcher.db") as store:
        assert 2 == store.query("SELECT count(*) FROM snapshots")[0][0]


def test_diff_shows_exactly_the_change(site: LocalSite, tmp_path: Path) -> None:
    """After one page changes, `watcher diff` shows that change and nothing else."""
    site.set("/a", page("A", "The old sentence."))
    config = write_config(tmp_path, sources_for(site, "/a"))
    crawl(config)
    site.set("/a", page("A", "The new sentence."))
    changed = crawl(config, "--json")
    assert 1 == summary(changed)["changed"]
    runner = CliRunner()
    diff = runner.invoke(main, ["--config", str(config), "diff", "page0", "--json"])
    assert 0 == diff.exit_code, diff.output
    data = json.loads(diff.stdout)
    assert (["The new sentence."], ["The old sentence."]) == (data["added"], data["removed"])
    text = runner.invoke(main, ["--config", str(config), "diff", "page0"]).output
    assert "-The old sentence.\n+The new sentence." in text
    history = runner.invoke(main, ["--config", str(config), "history", "page0", "--json"])
    assert 2 == len(json.loads(history.stdout)["snapshots"])


def test_noise_filtered_by_ignore_makes_no_snapshot(site: LocalSite, tmp_path: Path) -> None:
    """A line matching the source's ignore regex can change without a new snapshot."""
    site.set("/a", page("A", "Body.", stamp="10:00"))
    config = write_config(tmp_path, sources_for(site, "/a", extra='ignore = ["^Page generated"]\n'))
    crawl(config)
    site.set("/a", page("A", "Body.", stamp="11:17"))
    assert 1 == summary(crawl(config, "--json"))["unchanged"]


BAD_INPUTS = {
    "server_error": lambda s: s.set("/bad", "oops", status=500),
    "pdf": lambda s: s.set("/bad", b"%PDF-1.4 ...", content_type="application/pdf"),
    "redirect_loop": lambda s: s.handle("/bad", redirect("/bad")),
    "hang": lambda s: s.handle("/bad", hang()),
    "dropped": lambda s: s.handle("/bad", drop_connection()),
    "too_large": lambda s: s.set("/bad", b"<p>" + b"x" * (3 * 2**20)),
    "gzip_bomb": lambda s: s.set(
        "/bad", gzip.compress(b"<p>" + b"a" * (20 * 2**20)), headers={"Content-Encoding": "gzip"}
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_fails_clearly_and_loses_nothing(
    name: str, site: LocalSite, tmp_path: Path
) -> None:
    """A bad page is a failure with a reason; other sources go on; earlier snapshots stay."""
    site.set("/good", page("Good", "Fine."))
    site.set("/bad", page("Bad", "Was fine once."))
    config = write_config(
        tmp_path,
        sources_for(site, "/bad", "/good"),
        extra_watcher="timeout = 1\nretries = 1\nretry_wait = 0\nmax_bytes = 1000000\n",
    )
    assert 0 == crawl(config).exit_code
    BAD_INPUTS[name](site)
    result = crawl(config)
    assert 1 == result.exit_code, result.output
    assert "failed: page0" in result.output
    assert "failed: page1" not in result.output
    with Store(tmp_path / "watcher.db") as store:
        kept = store.query(
            "SELECT s.text FROM snapshots s JOIN documents d ON d.id = s.document_id "
            "WHERE d.source_id = 'page0'"
        )
        errors = store.query(
            "SELECT error FROM fetches WHERE source_id = 'page0' AND outcome != 'ok'"
        )
    assert ["Bad\nWas fine once.\nPage generated 10:00"] == [row[0] for row in kept]
    assert errors and errors[-1][0]


@pytest.mark.parametrize(
    "body",
    [b"", b"\x00\xff\xfe garbage \x00" * 50, b"<html><body><p>unclosed <div><table><tr><td>x"],
)
def test_empty_garbage_or_broken_html_does_not_crash(
    body: bytes, site: LocalSite, tmp_path: Path
) -> None:
    """Empty bodies, binary garbage and broken HTML are stored or refused, never a crash."""
    site.set("/odd", body)
    config = write_config(tmp_path, sources_for(site, "/odd"))
    result = crawl(config, "--json")
    assert result.exit_code in (0, 1), result.output
    assert 1 == summary(result)["documents"]


def test_unknown_source_is_a_usage_error(site: LocalSite, tmp_path: Path) -> None:
    """`--source` naming no configured source exits 2 with a clear message."""
    config = write_config(tmp_path, sources_for(site, "/a"))
    result = crawl(config, "--source", "nope")
    assert 2 == result.exit_code
    assert "no source with id 'nope'" in result.output


def test_r15_bad_config_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """A broken configuration exits 2 naming file, table and key, and creates no database (R15)."""
    config = write_config(tmp_path, '[[sources]]\nid = "x"\nurl = "ftp://x"\n')
    result = crawl(config)
    assert 2 == result.exit_code
    assert "[[sources]]" in result.output and "url" in result.output
    assert not (tmp_path / "watcher.db").exists()


def test_summary_lines_without_json(site: LocalSite, tmp_path: Path) -> None:
    """Without --json the crawl prints a per-source line and a human summary."""
    site.set("/a", page("A", "Body."))
    config = write_config(tmp_path, sources_for(site, "/a"))
    result = crawl(config)
    assert "Crawled 1 sources, 1 documents: 1 new" in result.output


def test_page_returning_to_an_earlier_text_is_a_new_snapshot(
    site: LocalSite, tmp_path: Path
) -> None:
    """A -> B -> A: the revert is a real change, stored as a third snapshot, not a failure."""
    config = write_config(tmp_path, sources_for(site, "/a"))
    for body in ("Version A.", "Version B.", "Version A."):
        site.set("/a", page("A", body))
        result = crawl(config, "--json")
        assert 0 == result.exit_code, result.output
    assert 1 == summary(result)["changed"]
    with Store(tmp_path / "watcher.db") as store:
        assert 3 == store.query("SELECT count(*) FROM snapshots")[0][0]


def test_hosts_are_crawled_in_parallel_each_at_its_own_pace(tmp_path: Path) -> None:
    """Two hosts' sources are fetched side by side; each host's requests keep its delay."""
    delay = 0.3
    with LocalSite() as first, LocalSite() as second:
        sources = ""
        for number, site in enumerate((first, second)):
            for path in ("/1", "/2", "/3"):
                site.set(path, page("Page", f"Text {path}."))
                sources += (
                    f'[[sources]]\nid = "h{number}p{path[1]}"\nurl = "{site.url(path)}"\n'
                    'every = "1h"\n'
                )
        config = write_config(tmp_path, sources, min_host_delay=delay)
        started = time.monotonic()
        assert 0 == crawl(config).exit_code
        elapsed = time.monotonic() - started
        arrivals = [
            [r.at for r in site.requests if r.path != "/robots.txt"] for site in (first, second)
        ]
    for times in arrivals:
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert 3 == len(times) and all(gap >= delay * 0.95 for gap in gaps), gaps
    assert abs(arrivals[0][0] - arrivals[1][0]) < delay, "the two hosts start together"
    # One after the other would take five delays per host pair; side by side, about three.
    assert elapsed < 5 * delay + 1.0
