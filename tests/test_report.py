"""watcher report: the static board, its Atom feed and its JSON agree with the database.

Databases are built the real way: the demo's timeline (local HTTP and SMTP servers, real
crawls), or a crawl of a LocalSite serving hostile pages; a few findings that no crawl
can produce (a javascript: URL, control characters, a hostile id) go in through the store.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import feedparser
import lxml.html
import pytest

from tests.configs import write_config
from tests.httpsite import LocalSite
from watcher.config import load_config
from watcher.delivery import display_name
from watcher.demo import play_timeline
from watcher.models import Finding
from watcher.pipeline import Crawler
from watcher.report import clean_text, status_points, web_url, write_report
from watcher.store import Store, now_iso, snapshots, statuses
from watcher.timeline_svg import TimelinePoint, TimelineRow, colour, timeline_svg

NOW = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"

HOSTILE_LIST_V1 = """<!DOCTYPE html>
<html><head><title>List &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>
<meta property="article:published_time" content="2025-08-05"></head>
<body><main><h1>Sanctuary Jurisdiction List</h1>
<p>The following cities have been identified as sanctuary jurisdictions:</p>
<h2>CITIES:</h2><ul>
<li>Chicago, IL &lt;script&gt;alert("x")&lt;/script&gt;</li>
<li>Denver, CO "&gt;&lt;img src=x onerror=alert(1)&gt;</li>
</ul></main></body></html>
"""
HOSTILE_LIST_V2 = HOSTILE_LIST_V1.replace("2025-08-05", "2025-11-06").replace(
    '<li>Denver, CO "&gt;&lt;img src=x onerror=alert(1)&gt;</li>',
    "<li>Boston, MA &amp; friends ]]&gt; &lt;!-- --&gt;</li>",
)
HOSTILE_ID = 'x"><svg onload=alert(1)>-zz'
JAVASCRIPT_URL = "javascript:alert(document.cookie)"
CONTROL_EVIDENCE = "Seattle, WA\x00 said\x0b nothing\x1b[31m odd"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database after the demo's whole timeline."""
    folder = tmp_path_factory.mktemp("demo")
    for _outcome, _store, _config in play_timeline(folder):
        pass
    return folder / "watcher.db"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database from two crawls of a hostile list page, plus hand-made hostile findings."""
    folder = tmp_path_factory.mktemp("hostile")
    with LocalSite() as site:
        config_path = write_config(
            folder,
            f'[[sources]]\nid = "list"\nurl = "{site.url("/list")}"\nkind = "list"\n',
        )
        config = load_config(config_path)
        with Store(config.settings.database) as store:
            crawler = Crawler(config, store)
            site.set("/list", HOSTILE_LIST_V1)
            crawler.crawl()
            site.set("/list", HOSTILE_LIST_V2)
            crawler.crawl()
            _add_hand_made_findings(store)
    return config.settings.database


def _add_hand_made_findings(store: Store) -> None:
    at = now_iso(NOW)
    with store.transaction() as conn:
        snapshots.ensure_source(conn, "hand", "http://example.org/", "page")
        document = snapshots.upsert_document(conn, "hand", JAVASCRIPT_URL, True, at)
        snapshot = snapshots.insert_snapshot(
            conn, document, at=at, content_hash="hand-1", title="<b>hand</b>",
            text="hand", html=None, published="2025-10-01",
        )  # fmt: skip
        findings = [
            Finding(HOSTILE_ID, "warned", "They were <b>warned</b> & told", 0),
            Finding("seattle-wa", "under_review", CONTROL_EVIDENCE, 1),
        ]
        snapshots.insert_findings(conn, snapshot, findings, "2025-10-01", JAVASCRIPT_URL)
        statuses.recompute(
            conn, {HOSTILE_ID, "seattle-wa"}, at=at, snapshot_id=snapshot, baseline=False
        )


def _report(db: Path, out: Path, **options: str) -> tuple[str, bytes, dict]:
    with Store(db) as store:
        paths = write_report(store, out, now=NOW, **options)  # type: ignore[arg-type]
    assert ["index.html", "changes.atom", "statuses.json"] == [path.name for path in paths]
    return (
        (out / "index.html").read_text(encoding="utf-8"),
        (out / "changes.atom").read_bytes(),
        json.loads((out / "statuses.json").read_text(encoding="utf-8")),
    )


def _db_rows(db: Path) -> tuple[list, list]:
    with Store(db) as store:
        return statuses.current_statuses(store), statuses.jurisdiction_changes(store)


# --- the demo's database ------------------------------------------------------------------


def test_index_shows_every_jurisdiction_with_its_status_evidence_and_link(
    demo_db: Path, tmp_path: Path
) -> None:
    """Each current status has its row: name, federal status, stance, date, quote, source link."""
    page, _atom, _data = _report(demo_db, tmp_path)
    current, _changes = _db_rows(demo_db)
    document = lxml.html.fromstring(page)
    assert 8 == len(current)
    for row in current:
        [tr] = document.xpath(f'//tr[@id="j-{row["jurisdiction"]}"]')
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        assert display_name(row["jurisdiction"]) + row["jurisdiction"] == cells[0]
        assert row["federal_status"].replace("_", " ") == cells[1]
        assert (row["stance"] or "–") == cells[2]
        assert row["event_date"] == cells[3]
        assert f"“{row['evidence']}”" in cells[4]
        assert row["url"] in tr.xpath(".//a/@href")
    boston = document.xpath('//tr[@id="j-boston-ma"]')[0]
    assert "The City of Boston complies with federal law." in boston.text_content()
    assert "jrow s-sued s-contests" == boston.get("class")


def test_index_groups_jurisdictions_by_state(demo_db: Path, tmp_path: Path) -> None:
    """Jurisdictions sit under their state's heading, states in alphabetical order."""
    page, _atom, _data = _report(demo_db, tmp_path)
    document = lxml.html.fromstring(page)
    sections = document.xpath('//section[@class="state"]')
    headings = [section.xpath("./h3")[0].text_content() for section in sections]
    assert ["Illinois", "Maryland", "Massachusetts", "Minnesota", "Oregon"] == headings
    illinois = [tr.get("id") for tr in sections[0].xpath(".//tr[@id]")]
    assert ["j-il", "j-cook-county-il", "j-chicago-il"] == illinois  # state, county, city


def test_status_filter_links_work_without_javascript(demo_db: Path, tmp_path: Path) -> None:
    """Every filter link targets an anchor that a CSS :target rule uses to hide other rows."""
    page, _atom, _data = _report(demo_db, tmp_path)
    document = lxml.html.fromstring(page)
    links = document.xpath('//nav[@class="filter"]//a/@href')
    assert ["#board", "#f-compliant", "#f-listed", "#f-sued", "#f-contests"] == links
    style = document.xpath("//style")[0].text_content()
    for link in links[1:]:
        assert document.xpath(f'//*[@id="{link[1:]}"]'), link
        status = link.removeprefix("#f-")
        assert f"{link}:target ~ .board tr.jrow:not(.s-{status}) {{ display: none; }}" in style
    assert [] == document.xpath("//script")
    assert "<script" not in page.lower()


def test_change_table_lists_alerted_changes_first_newest_first(
    demo_db: Path, tmp_path: Path
) -> None:
    """Non-baseline changes come first, newest first; baseline changes after, marked."""
    page, _atom, _data = _report(demo_db, tmp_path)
    _current, changes = _db_rows(demo_db)
    document = lxml.html.fromstring(page)
    rows = document.xpath('//section[@id="changes"]//tr[starts-with(@id, "change-")]')
    shown = [int(tr.get("id").removeprefix("change-")) for tr in rows]
    alerted = sorted((c["id"] for c in changes if not c["baseline"]), reverse=True)
    baseline = sorted((c["id"] for c in changes if c["baseline"]), reverse=True)
    assert alerted + baseline == shown
    assert 4 == len(alerted)
    first = " ".join(rows[0].text_content().split())
    assert "Boston, MA" in first and "none → contests" in first
    assert all("(first crawl)" in tr.text_content() for tr in rows[len(alerted) :])


def test_atom_feed_has_one_entry_per_status_change(demo_db: Path, tmp_path: Path) -> None:
    """The Atom feed parses as Atom 1.0 and its entries are exactly the database's changes."""
    _page, atom, _data = _report(demo_db, tmp_path)
    _current, changes = _db_rows(demo_db)
    feed = feedparser.parse(atom)
    assert (False, "atom10") == (bool(feed.bozo), feed.version)
    assert "Sanctuary jurisdiction status changes" == feed.feed.title
    expected = {
        (
            change["id"],
            f"{display_name(change['jurisdiction'])}: {change['from_status'] or 'none'} -> "
            f"{change['to_status'] or 'none'}",
            change["url"],
        )
        for change in changes
    }
    entries = {(int(entry.id.rsplit("/", 1)[1]), entry.title, entry.link) for entry in feed.entries}
    assert expected == entries
    assert len(changes) == len(feed.entries)
    sued = next(e for e in feed.entries if e.title == "Boston, MA: listed -> sued")
    assert "Justice Department Sues the City of Boston" in sued.summary


def test_atom_feed_carries_the_required_atom_elements(demo_db: Path, tmp_path: Path) -> None:
    """Feed id, title, updated and author; each entry id, title, updated, link and summary."""
    _page, atom, _data = _report(demo_db, tmp_path, public_url="https://board.example.org/")
    root = ET.fromstring(atom)
    assert f"{ATOM}feed" == root.tag
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None
    assert "https://board.example.org/changes.atom" == self_link.get("href")
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        for tag in ("id", "title", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        assert (entry.findtext(f"{ATOM}id") or "").startswith("tag:board.example.org,")
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    newest = [entry.findtext(f"{ATOM}updated") or "" for entry in entries]
    assert sorted(newest, reverse=True) == newest


def test_json_agrees_with_the_database(demo_db: Path, tmp_path: Path) -> None:
    """statuses.json holds every current status and every change, as the database has them."""
    _page, _atom, data = _report(demo_db, tmp_path)
    current, changes = _db_rows(demo_db)
    assert "2025-12-01T12:00:00+00:00" == data["generated"]
    assert sorted(
        (r["jurisdiction"], r["federal_status"], r["stance"], r["event_date"], r["evidence"],
         r["url"])
        for r in current
    ) == sorted(
        (j["id"], j["federal_status"], j["stance"], j["date"], j["evidence"], j["url"])
        for j in data["jurisdictions"]
    )  # fmt: skip
    boston = next(j for j in data["jurisdictions"] if j["id"] == "boston-ma")
    assert ("Boston, MA", "ma") == (boston["name"], boston["state"])
    assert sorted(
        (c["id"], c["jurisdiction"], c["kind"], c["from_status"], c["to_status"],
         bool(c["baseline"]))
        for c in changes
    ) == sorted(
        (c["id"], c["jurisdiction"], c["kind"], c["from"], c["to"], c["baseline"])
        for c in data["changes"]
    )  # fmt: skip


def test_timeline_has_one_row_per_jurisdiction_coloured_by_status(
    demo_db: Path, tmp_path: Path
) -> None:
    """The SVG has a row per jurisdiction; Boston's dots go listed, sued, and a contests ring."""
    page, _atom, _data = _report(demo_db, tmp_path)
    document = lxml.html.fromstring(page)
    rows = document.xpath('//section[@id="timeline"]//*[local-name()="g"][@class="tl-row"]')
    current, _changes = _db_rows(demo_db)
    assert sorted(r["jurisdiction"] for r in current) == sorted(
        row.get("data-jurisdiction") for row in rows
    )
    boston = next(row for row in rows if row.get("data-jurisdiction") == "boston-ma")
    dots = [c.get("fill") for c in boston.xpath('./*[local-name()="circle"][@fill!="none"]')]
    rings = [c.get("stroke") for c in boston.xpath('./*[local-name()="circle"][@fill="none"]')]
    assert [colour("listed"), colour("sued"), colour("sued")] == dots
    assert [colour("contests")] == rings
    baltimore = next(row for row in rows if row.get("data-jurisdiction") == "baltimore-county-md")
    segments = [r.get("fill") for r in baltimore.xpath('./*[local-name()="rect"]')]
    assert [colour("listed"), colour("compliant")] == segments


# --- hostile input ------------------------------------------------------------------------


def test_hostile_evidence_and_ids_are_escaped_in_the_board(
    hostile_db: Path, tmp_path: Path
) -> None:
    """Scraped markup shows as text: no script, no event handler, no javascript: link."""
    page, _atom, _data = _report(hostile_db, tmp_path)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    document = lxml.html.fromstring(page)
    assert [] == document.xpath("//script | //img | //*[local-name()='svg']//*[@onload]")
    assert [] == [e for e in document.iter() if any(a.startswith("on") for a in e.attrib)]
    chicago = document.xpath('//tr[@id="j-chicago-il"]')[0]
    assert 'Chicago, IL <script>alert("x")</script>' in chicago.text_content()
    denver = document.xpath('//tr[@id="j-denver-co"]')[0]  # removed from the list: compliant
    assert '"><img src=x onerror=alert(1)>' in denver.text_content()
    hostile = document.xpath("//tr[@class='jrow s-warned']")[0]
    assert f"j-{HOSTILE_ID}" == hostile.get("id")  # the id survives, escaped, as data
    for href in document.xpath("//a/@href"):
        assert href.startswith(("http://", "https://", "#")) or href in {
            "changes.atom",
            "statuses.json",
        }, href
    assert JAVASCRIPT_URL in hostile.text_content()  # shown as text, never as a link


def test_hostile_strings_keep_the_atom_feed_well_formed(hostile_db: Path, tmp_path: Path) -> None:
    """Markup, CDATA ends and control characters in evidence still give valid Atom."""
    _page, atom, _data = _report(hostile_db, tmp_path)
    root = ET.fromstring(atom)  # raises on malformed XML
    summaries = [entry.findtext(f"{ATOM}summary") or "" for entry in root.iter(f"{ATOM}entry")]
    assert any('<script>alert("x")</script>' in summary for summary in summaries)
    assert any("]]> <!-- -->" in summary for summary in summaries)
    assert any("Seattle, WA said nothing [31m odd" in summary for summary in summaries)
    links = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert JAVASCRIPT_URL not in links
    assert "index.html#j-seattle-wa" in links  # a non-web source links to the board instead
    feed = feedparser.parse(atom)
    assert not feed.bozo
    _current, changes = _db_rows(hostile_db)
    assert len(changes) == len(feed.entries)


def test_hostile_strings_round_trip_through_json(hostile_db: Path, tmp_path: Path) -> None:
    """statuses.json keeps scraped text as data (control characters removed)."""
    _page, _atom, data = _report(hostile_db, tmp_path)
    by_id = {j["id"]: j for j in data["jurisdictions"]}
    assert 'Chicago, IL <script>alert("x")</script>' == by_id["chicago-il"]["evidence"]
    assert "Seattle, WA said nothing [31m odd" == by_id["seattle-wa"]["evidence"]
    assert JAVASCRIPT_URL == by_id[HOSTILE_ID]["url"]


# --- edges and pure parts -----------------------------------------------------------------


def test_empty_database_gives_an_empty_but_valid_board(tmp_path: Path) -> None:
    """Before any crawl the board says so, the feed has no entry, the JSON has empty lists."""
    page, atom, data = _report(tmp_path / "empty.db", tmp_path / "out")
    assert "No statuses yet" in page
    feed = feedparser.parse(atom)
    assert (False, 0) == (bool(feed.bozo), len(feed.entries))
    assert ([], []) == (data["jurisdictions"], data["changes"])


def test_write_report_replaces_files_without_leaving_temporary_ones(
    demo_db: Path, tmp_path: Path
) -> None:
    """A second report overwrites the three files and leaves nothing else in the folder."""
    _report(demo_db, tmp_path)
    _report(demo_db, tmp_path)
    assert ["changes.atom", "index.html", "statuses.json"] == sorted(
        p.name for p in tmp_path.iterdir()
    )


def _history_row(day: str, status: str, finding: int, url: str = "http://a/", taken: str = "t1"):
    return {"event_date": day, "status": status, "id": finding, "evidence": f"e{finding}",
            "url": url, "taken_at": taken}  # fmt: skip


def test_status_points_replay_findings_document_by_document() -> None:
    """A later compliant clears, a less severe status does not demote, a stance is kept apart."""
    history = [
        _history_row("2025-01-01", "listed", 1),
        _history_row("2025-02-01", "sued", 2, url="http://b/"),
        _history_row("2025-03-01", "listed", 3),  # a list naming a sued city: still sued
        _history_row("2025-04-01", "contests", 4, url="http://c/"),
        _history_row("2025-05-01", "listed", 5, taken="t2"),
        _history_row("2025-05-01", "compliant", 6, taken="t2"),  # removal on the same page
    ]
    assert [
        TimelinePoint(date(2025, 1, 1), "listed", None, "e1"),
        TimelinePoint(date(2025, 2, 1), "sued", None, "e2"),
        TimelinePoint(date(2025, 4, 1), "sued", "contests", "e4"),
        TimelinePoint(date(2025, 5, 1), "compliant", "contests", "e6"),
    ] == status_points(history)


def test_timeline_svg_ticks_years_for_long_spans_and_is_empty_without_rows() -> None:
    """Eight years of history get year ticks; no dated row gives no picture at all."""
    row = TimelineRow(
        "chicago-il",
        "Chicago, IL",
        (
            TimelinePoint(date(2017, 4, 21), "under_review", None),
            TimelinePoint(date(2025, 2, 6), "sued", None),
        ),
    )
    svg = timeline_svg([row], end=date(2025, 12, 1))
    ET.fromstring(svg)  # well-formed XML
    labels = re.findall(r'text-anchor="middle" fill="#555">([^<]+)<', svg)
    assert ["2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025"] == labels
    assert "" == timeline_svg([], end=date(2025, 12, 1))
    assert "" == timeline_svg([TimelineRow("x", "X", ())], end=date(2025, 12, 1))


def test_web_url_and_clean_text_gatekeep_scraped_values() -> None:
    """Only absolute http(s) URLs pass; control characters and runs of space go."""
    assert "https://example.org/a?b=c" == web_url("https://example.org/a?b=c")
    for bad in (JAVASCRIPT_URL, "data:text/html,x", "//example.org/", "http://exa mple.org/",
                "http://example.org/\x00", "", "ftp://example.org/"):  # fmt: skip
        assert web_url(bad) is None, bad
    assert "a b c" == clean_text("a\x00\x0b b\n\n c\ufffe")
