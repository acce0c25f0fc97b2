"""Listings, feeds and list pages on a simulated justice.gov (issue 6, R22, R25)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.configs import write_config
from tests.httpsite import LocalSite, redirect
from tests.smtpsink import SmtpSink
from watcher.cli import main
from watcher.config import load_config
from watcher.pipeline import Crawler
from watcher.store import Store

RELEASE = """<!doctype html><html><head><title>{title}</title>
<meta property="article:published_time" content="{day}"></head><body><main>
<h1>{title}</h1><p>WASHINGTON - {body}</p></main></body></html>"""

SUITS = {
    "denver": ("2025-03-01", "Justice Department Sues Denver",
               "The Justice Department today filed a lawsuit against the City and County of "
               "Denver, Colorado, over its sanctuary policies."),
    "boston": ("2025-09-04", "Justice Department Sues Boston",
               "The Justice Department today filed a lawsuit against the City of Boston over "
               "its sanctuary city laws."),
    "seattle-letter": ("2025-02-01", "Letter to Seattle",
                       "The Department of Justice sent a letter asking the City of Seattle, "
                       "Washington, to certify its compliance with 8 U.S.C. 1373."),
    "seattle-suit": ("2025-06-01", "Justice Department Sues Seattle",
                     "The Justice Department today filed a lawsuit against the City of Seattle, "
                     "Washington, over its sanctuary ordinance."),
}  # fmt: skip


def release(key: str) -> str:
    day, title, body = SUITS[key]
    return RELEASE.format(day=day, title=title, body=body)


def index(*keys: str, next_page: str | None = None, extra_links: str = "") -> str:
    items = "".join(
        f'<article><h2><a href="/opa/pr/{key}?utm_source=feed">{SUITS[key][1]}</a></h2>'
        f"<p>{SUITS[key][0]}</p></article>"
        for key in keys
    )
    nav = f'<nav><a rel="next" href="{next_page}">Next</a></nav>' if next_page else ""
    return (
        f"<html><body><main><h1>Press releases</h1>{items}{extra_links}</main>{nav}</body></html>"
    )


LIST_PAGE = """<html><head><title>Sanctuary Jurisdiction List</title></head><body><main>
<h1>Sanctuary Jurisdiction List</h1>
<p>The following jurisdictions have been identified as sanctuary jurisdictions:</p>
<h2>STATES:</h2><ul>{states}</ul><h2>CITIES:</h2><ul>{cities}</ul></main></body></html>"""


def list_page(states: list[str], cities: list[str]) -> str:
    return LIST_PAGE.format(
        states="".join(f"<li>{s}</li>" for s in states),
        cities="".join(f"<li>{c}</li>" for c in cities),
    )


class Justice:
    """A simulated justice.gov and a subscriber's inbox."""

    def __init__(self, tmp_path: Path, site: LocalSite, sink: SmtpSink, sources: str):
        self.site, self.sink, self.tmp_path = site, sink, tmp_path
        self.config_path = write_config(
            tmp_path, sources.replace("{site}", site.host), smtp_port=sink.port
        )
        assert 0 == self.cli("subscribe", "desk@example.org").exit_code

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config_path), *args])

    def crawl(self) -> dict[str, int]:
        result = self.cli("crawl", "--json")
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.stdout)

    def alerts(self) -> list[tuple[str, str, str]]:
        found = sorted(
            (
                m.message["X-Watcher-Jurisdiction"],
                m.message["X-Watcher-Status-From"],
                m.message["X-Watcher-Status-To"],
            )
            for m in self.sink.messages
        )
        self.sink.clear()
        return found

    def status(self, jurisdiction: str) -> str | None:
        with Store(self.tmp_path / "watcher.db") as store:
            rows = store.query(
                "SELECT federal_status FROM jurisdiction_statuses WHERE jurisdiction = ?",
                (jurisdiction,),
            )
        return rows[0][0] if rows else None


LISTING = '[[sources]]\nid = "doj-press"\nurl = "http://{site}/news"\nkind = "listing"\n'


@pytest.fixture
def servers():
    with LocalSite() as site, SmtpSink() as sink:
        yield site, sink


def test_new_release_is_found_and_extracted_once(servers, tmp_path: Path) -> None:
    """A listing's new release is fetched once and alerts once; old ones are not re-fetched."""
    site, sink = servers
    site.set("/news", index("denver"))
    site.set("/opa/pr/denver", release("denver"))
    justice = Justice(tmp_path, site, sink, LISTING)
    justice.crawl()
    assert [] == justice.alerts()
    assert "sued" == justice.status("denver-co")
    site.set("/news", index("boston", "denver"))
    site.set("/opa/pr/boston", release("boston"))
    counts = justice.crawl()
    assert 1 == counts["new"]
    assert [("boston-ma", "none", "sued")] == justice.alerts()
    justice.crawl()
    assert 1 == len(site.requests_for("/opa/pr/boston"))
    assert 1 == len(site.requests_for("/opa/pr/denver"))
    assert [] == justice.alerts()


def test_backfill_sends_nothing_and_keeps_the_newest_status(servers, tmp_path: Path) -> None:
    """A first crawl over old releases (two pages) is the baseline: no alert, newest status wins."""
    site, sink = servers
    site.set("/news", index("seattle-suit", next_page="/news?page=1"))
    site.set("/news?page=1", index("seattle-letter"))
    site.set("/opa/pr/seattle-suit", release("seattle-suit"))
    site.set("/opa/pr/seattle-letter", release("seattle-letter"))
    justice = Justice(tmp_path, site, sink, LISTING)
    justice.crawl()
    assert 1 == len(site.requests_for("/opa/pr/seattle-letter")), "pagination followed"
    assert [] == justice.alerts()
    assert "sued" == justice.status("seattle-wa")


def test_edited_release_is_re_extracted(servers, tmp_path: Path) -> None:
    """A known release is re-checked on the slower schedule and its edit re-extracted."""
    site, sink = servers
    site.set("/news", index("seattle-letter"))
    site.set("/opa/pr/seattle-letter", release("seattle-letter"))
    justice = Justice(tmp_path, site, sink, LISTING + 'recheck_every = "1h"\n')
    justice.crawl()
    assert "under_review" == justice.status("seattle-wa")
    day, title, body = SUITS["seattle-suit"]
    site.set("/opa/pr/seattle-letter", RELEASE.format(day=day, title=title, body=body))
    config = load_config(justice.config_path)
    with Store(tmp_path / "watcher.db") as store:
        soon = Crawler(config, store, clock=lambda: datetime.now(UTC) + timedelta(minutes=5))
        soon.crawl()
        assert 1 == len(site.requests_for("/opa/pr/seattle-letter")), "not yet due"
        later = Crawler(config, store, clock=lambda: datetime.now(UTC) + timedelta(hours=2))
        later.crawl()
    assert 2 == len(site.requests_for("/opa/pr/seattle-letter"))
    assert "sued" == justice.status("seattle-wa")


def test_r22_links_to_other_hosts_and_private_redirects_are_refused(
    servers, tmp_path: Path
) -> None:
    """R22: links to hosts the source does not allow, and redirects to them, are never fetched."""
    site, sink = servers
    other = f"http://localhost:{site.port}"
    site.set(
        "/news",
        index("denver", extra_links=f'<a href="{other}/opa/pr/boston">elsewhere</a>'
              '<a href="/opa/pr/moved">moved</a>'),
    )  # fmt: skip
    site.set("/opa/pr/denver", release("denver"))
    site.handle("/opa/pr/moved", redirect(f"{other}/opa/pr/boston"))
    site.set("/opa/pr/boston", release("boston"))
    sources = LISTING + f'allow_hosts = ["localhost:{site.port}"]\n'
    justice = Justice(tmp_path, site, sink, sources)
    justice.crawl()
    assert [] == site.requests_for("/opa/pr/boston"), "localhost resolves to loopback: refused"
    assert justice.status("boston-ma") is None
    with Store(tmp_path / "watcher.db") as store:
        errors = [r[0] for r in store.query("SELECT error FROM fetches WHERE error IS NOT NULL")]
    assert any("loopback" in (error or "") or "private" in (error or "") for error in errors)


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Justice News</title><link>http://{site}/</link>
<description>news</description>{items}</channel></rss>"""


def test_feed_items_are_followed(servers, tmp_path: Path) -> None:
    """An RSS feed's item links are fetched like a listing's; a new item alerts once."""
    site, sink = servers
    item = (
        "<item><title>{t}</title><link>http://{site}/opa/pr/{k}</link><guid>{k}</guid>"
        "<pubDate>Mon, 01 Sep 2025 12:00:00 GMT</pubDate></item>"
    )
    feed = FEED.replace("{site}", site.host)

    def items(*keys: str) -> str:
        return "".join(item.format(t=SUITS[k][1], k=k, site=site.host) for k in keys)

    site.set("/feed.xml", feed.format(items=items("denver")), content_type="application/rss+xml")
    site.set("/opa/pr/denver", release("denver"))
    site.set("/opa/pr/boston", release("boston"))
    sources = '[[sources]]\nid = "doj-feed"\nurl = "http://{site}/feed.xml"\nkind = "feed"\n'
    justice = Justice(tmp_path, site, sink, sources)
    justice.crawl()
    assert "sued" == justice.status("denver-co")
    site.set(
        "/feed.xml", feed.format(items=items("boston", "denver")),
        content_type="application/rss+xml",
    )  # fmt: skip
    justice.crawl()
    assert [("boston-ma", "none", "sued")] == justice.alerts()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol4;</title></channel></rss>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title></channel></rss>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "external"])
def test_r25_hostile_feeds_fail_fast(servers, tmp_path: Path, body: str) -> None:
    """R25: entity-expansion and external-entity feeds are refused, nothing read from disk."""
    site, sink = servers
    site.set("/feed.xml", body, content_type="application/rss+xml")
    sources = '[[sources]]\nid = "doj-feed"\nurl = "http://{site}/feed.xml"\nkind = "feed"\n'
    justice = Justice(tmp_path, site, sink, sources)
    result = justice.cli("crawl", "--no-email")
    assert 1 == result.exit_code
    assert "unsafe XML" in result.output
    with Store(tmp_path / "watcher.db") as store:
        assert 0 == store.query("SELECT count(*) FROM snapshots")[0][0]


def test_list_page_additions_and_removal_give_exactly_those_changes(
    servers, tmp_path: Path
) -> None:
    """A list page gaining two names and losing one alerts exactly those three changes."""
    site, sink = servers
    site.set("/list", list_page(["Oregon"], ["Chicago, IL", "Denver, CO"]))
    sources = '[[sources]]\nid = "doj-list"\nurl = "http://{site}/list"\nkind = "list"\n'
    justice = Justice(tmp_path, site, sink, sources)
    justice.crawl()
    assert [] == justice.alerts()
    assert "listed" == justice.status("or")
    site.set("/list", list_page(["Oregon", "Vermont"], ["Chicago, IL", "Boston, MA"]))
    justice.crawl()
    assert [
        ("boston-ma", "none", "listed"),
        ("denver-co", "listed", "compliant"),
        ("vt", "none", "listed"),
    ] == justice.alerts()
    justice.crawl()
    assert [] == justice.alerts()


def test_vanished_release_is_recorded_gone_and_its_findings_stay(servers, tmp_path: Path) -> None:
    """A known release that answers 404 on its re-check is marked gone; its status stays."""
    site, sink = servers
    site.set("/news", index("denver"))
    site.set("/opa/pr/denver", release("denver"))
    justice = Justice(tmp_path, site, sink, LISTING + 'recheck_every = "1h"\n')
    justice.crawl()
    site.remove("/opa/pr/denver")
    config = load_config(justice.config_path)
    with Store(tmp_path / "watcher.db") as store:
        later = Crawler(config, store, clock=lambda: datetime.now(UTC) + timedelta(hours=2))
        result = later.crawl()
        gone = store.query("SELECT gone_at FROM documents WHERE url LIKE '%/opa/pr/denver'")
    assert 1 == result.total("gone") and 0 == result.total("failed")
    assert gone[0][0] is not None
    assert "sued" == justice.status("denver-co")
