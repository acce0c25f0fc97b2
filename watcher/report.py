"""`watcher report`: a static status board (index.html, changes.atom, statuses.json).

The database is read once into a `Board`; three renderers turn it into files. The HTML has
no script at all: the status filter works with CSS `:target` (anchor links), the timeline
is inline SVG (watcher.timeline_svg). Everything a page said (evidence, titles, URLs, even
jurisdiction ids) is hostile here: it reaches HTML only through html.escape, XML only
through ElementTree after control characters are removed, and a link only when it is an
absolute http(s) URL. A Content-Security-Policy forbids scripts besides, should a hole in
the escaping ever appear.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from watcher import __version__
from watcher.history import StatusEvent, replay
from watcher.models import FEDERAL_STATUSES, STANCE_STATUSES, STATUSES, Jurisdiction
from watcher.store import Store, now_iso
from watcher.store import statuses as status_store
from watcher.timeline_svg import STATUS_COLOURS, TimelinePoint, TimelineRow, timeline_svg

log = logging.getLogger(__name__)

INDEX_FILE = "index.html"
ATOM_FILE = "changes.atom"
JSON_FILE = "statuses.json"
ATOM_NS = "http://www.w3.org/2005/Atom"

RECENT_CHANGES = 100  # rows of the board's change table
FEED_ENTRIES = 200  # entries of the Atom feed
EVIDENCE_LIMIT = 1000  # characters of a quote on the board
LINK_TEXT_LIMIT = 70
URL_LIMIT = 2000

# Characters XML 1.0 cannot hold at all (ElementTree would write them and break the feed),
# plus the other C0/C1 controls that have no business in a quote.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# --- reading the database ---------------------------------------------------------------


@dataclass(frozen=True)
class JurisdictionStatus:
    """One jurisdiction's line on the board: where it stands and the evidence for it."""

    id: str
    name: str  # "Chicago, IL"
    kind: str  # state | county | city | "" when the gazetteer does not know it
    state: str  # postal code, lower case
    state_name: str  # "Illinois"
    federal_status: str | None
    stance: str | None
    date: str | None  # ISO date of the evidence for the federal status (else the stance)
    evidence: str
    url: str
    stance_evidence: str
    stance_url: str
    updated_at: str


@dataclass(frozen=True)
class ChangeEntry:
    """One recorded status change, with the evidence that caused it."""

    id: int
    jurisdiction: str
    name: str
    kind: str  # federal | stance
    from_status: str | None
    to_status: str | None
    changed_at: str  # when the crawl noticed it (UTC ISO)
    baseline: bool  # recorded on a source's first crawl: no alert was sent
    evidence: str
    url: str
    date: str | None  # the evidence's own date

    @property
    def title(self) -> str:
        """ "Chicago, IL: listed -> sued"."""
        return f"{self.name}: {self.from_status or 'none'} -> {self.to_status or 'none'}"


@dataclass(frozen=True)
class Board:
    """Everything the three files show, read from the database at one moment."""

    generated: datetime
    public_url: str | None
    jurisdictions: list[JurisdictionStatus]  # by state name, then name
    changes: list[ChangeEntry]  # non-baseline first, newest first
    timeline: list[TimelineRow]  # same order as jurisdictions


def build_board(
    store: Store, *, now: datetime | None = None, public_url: str | None = None
) -> Board:
    """Read current statuses, status changes and status histories into a Board."""
    generated = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    names = _Names()
    histories = {}
    jurisdictions = []
    for row in status_store.current_statuses(store):
        jurisdiction_id = row["jurisdiction"]
        history = status_store.jurisdiction_history(store, jurisdiction_id)
        points = status_points(history)
        histories[jurisdiction_id] = points
        known = names.get(jurisdiction_id)
        evidence_date = row["event_date"]
        if evidence_date is None and row["stance"]:
            evidence_date = next((p.day.isoformat() for p in points if p.stance), None)
        jurisdictions.append(
            JurisdictionStatus(
                id=jurisdiction_id,
                name=names.display(jurisdiction_id),
                kind=known.kind if known else "",
                state=known.state if known else _state_code(jurisdiction_id),
                state_name=names.state_name(known.state if known else _state_code(jurisdiction_id)),
                federal_status=row["federal_status"],
                stance=row["stance"],
                date=evidence_date,
                evidence=clean_text(row["evidence"] or ""),
                url=row["url"] or "",
                stance_evidence=clean_text(row["stance_evidence"] or ""),
                stance_url=row["stance_url"] or "",
                updated_at=row["updated_at"],
            )
        )
    jurisdictions.sort(key=lambda j: (j.state_name.lower(), _kind_order(j.kind), j.name.lower()))
    changes = [
        ChangeEntry(
            id=int(row["id"]),
            jurisdiction=row["jurisdiction"],
            name=names.display(row["jurisdiction"]),
            kind=row["kind"],
            from_status=row["from_status"],
            to_status=row["to_status"],
            changed_at=row["changed_at"],
            baseline=bool(row["baseline"]),
            evidence=clean_text(row["evidence"] or ""),
            url=row["url"] or "",
            date=row["event_date"],
        )
        for row in status_store.jurisdiction_changes(store)
    ]
    changes.sort(key=lambda c: (c.changed_at, c.id), reverse=True)
    changes.sort(key=lambda c: c.baseline)  # stable: non-baseline first, each newest first
    timeline = [
        TimelineRow(j.id, j.name, tuple(histories[j.id])) for j in jurisdictions if histories[j.id]
    ]
    return Board(generated, public_url, jurisdictions, changes, timeline)


def status_points(history: Sequence[Any]) -> list[TimelinePoint]:
    """A jurisdiction's status after each dated document, from its findings (history rows).

    The same replay as the status store, document by document, keeping only the documents
    after which the federal status or the stance differs.
    """
    events: list[StatusEvent] = []
    evidence: dict[int, str] = {}
    points: list[TimelinePoint] = []
    previous: tuple[str | None, str | None] = (None, None)

    # jurisdiction_history orders by (event_date, snapshot, finding): consecutive rows with
    # the same date, URL and snapshot time come from one document version.
    def document_key(row: Any) -> tuple[str, str, str]:
        return (row["event_date"], row["url"], row["taken_at"])

    for order, (key, group) in enumerate(groupby(history, key=document_key)):
        for row in group:
            events.append(StatusEvent(row["event_date"], order, row["status"], int(row["id"])))
            evidence[int(row["id"])] = row["evidence"] or ""
        day = _parse_day(key[0])
        if day is None:
            continue
        current = replay(events)
        now = (current.federal, current.stance)
        if now == previous:
            continue
        finding = current.federal_finding_id if now[0] != previous[0] else current.stance_finding_id
        points.append(
            TimelinePoint(
                day, current.federal, current.stance, clean_text(evidence.get(finding or -1, ""))
            )
        )
        previous = now
    return points


class _Names:
    """Display names from the gazetteer, looked up once each."""

    def __init__(self) -> None:
        try:
            from watcher.status.gazetteer import get_gazetteer

            self._gazetteer: Any = get_gazetteer()
        except Exception as error:  # the board still works on ids alone
            log.warning("gazetteer unavailable, showing ids: %s", error)
            self._gazetteer = None

    def get(self, jurisdiction_id: str) -> Jurisdiction | None:
        return self._gazetteer.get(jurisdiction_id) if self._gazetteer else None

    def display(self, jurisdiction_id: str) -> str:
        known = self.get(jurisdiction_id)
        return known.display if known else jurisdiction_id

    def state_name(self, code: str) -> str:
        known = self.get(code)
        return known.name if known else code.upper()


def _state_code(jurisdiction_id: str) -> str:
    return jurisdiction_id.rsplit("-", 1)[-1]


def _kind_order(kind: str) -> int:
    return {"state": 0, "county": 1, "city": 2}.get(kind, 3)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


# --- making scraped text safe -------------------------------------------------------------


def clean_text(text: str) -> str:
    """Scraped text without control characters (XML cannot hold them), on one line."""
    return " ".join(_CONTROL_CHARS.sub(" ", text).split())


def web_url(url: str) -> str | None:
    """The URL when it is an absolute http(s) URL without spaces or controls, else None."""
    if not url or len(url) > URL_LIMIT:
        return None
    if any(unicodedata.category(char)[0] in {"C", "Z"} for char in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return url


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# --- index.html ---------------------------------------------------------------------------

CSS = """
:root { color-scheme: light; --fg: #1b1b1b; --muted: #5c5c5c; --line: #dcdcdc; --bg: #fff;
  --soft: #f5f5f2; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1rem; }
h1 { font-size: 1.6rem; margin: .4rem 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
a { color: #0b57a4; }
.meta, .note, footer { color: var(--muted); font-size: .9rem; }
.filter { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: .8rem 0; }
.filter a { text-decoration: none; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .8rem; font-size: .85rem;
  white-space: nowrap; background: #e8e8e8; color: #000; }
.badge.all { background: #fff; border: 1px solid #999; }
.ft { display: block; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
col.c-name { width: 22%; } col.c-status { width: 12%; } col.c-date { width: 11%; }
col.c-when { width: 12%; } col.c-change { width: 22%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem;
  border-bottom: 1px solid var(--line); }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.name { font-weight: 600; }
td.date { white-space: nowrap; }
td.name small { display: block; font-weight: 400; color: var(--muted); }
blockquote { margin: 0 0 .2rem; padding-left: .6rem; border-left: 3px solid var(--line);
  overflow-wrap: anywhere; }
.src { font-size: .85rem; overflow-wrap: anywhere; }
tr.baseline { color: var(--muted); }
.tl-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: .4rem;
  background: #fcfcfb; }
svg.timeline { display: block; width: 100%; min-width: 40rem; height: auto; }
.empty { padding: 1rem; background: var(--soft); border-radius: .4rem; }
@media (max-width: 44rem) {
  body { font-size: 15px; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border-bottom: 1px solid var(--line); padding: .4rem 0; }
  td { border: 0; padding: .15rem 0; }
  td[data-label] { display: inline-block; width: auto; margin-right: .9rem; }
  td[data-label]::before { content: attr(data-label) ": "; color: var(--muted);
    font-size: .8rem; }
  td.name::before, td.quote::before { content: none; }
}
"""


def _status_css() -> str:
    """Badge colours, and the :target rules that make the status filter work without JS."""
    rules = []
    for status, (background, text) in STATUS_COLOURS.items():
        rules.append(f".badge.s-{status} {{ background: {background}; color: {text}; }}")
        rules.append(f"#f-{status}:target ~ .board tr.jrow:not(.s-{status}) {{ display: none; }}")
        rules.append(
            f"#f-{status}:target ~ .board section.state:not(:has(tr.s-{status})) "
            "{ display: none; }"
        )
        rules.append(
            f'body:has(#f-{status}:target) .filter a[href="#f-{status}"] '
            "{ outline: 3px solid #000; }"
        )
    return "\n".join(rules)


def render_index(board: Board) -> str:
    """The board's HTML page: filter, jurisdictions by state, recent changes, timeline."""
    generated = board.generated.strftime("%Y-%m-%d %H:%M UTC")
    counts: Counter[str] = Counter()
    for jurisdiction in board.jurisdictions:
        counts.update(s for s in (jurisdiction.federal_status, jurisdiction.stance) if s)
    alerted = sum(1 for change in board.changes if not change.baseline)
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="watcher {_e(__version__)}">
<title>Sanctuary jurisdiction status board</title>
<link rel="alternate" type="application/atom+xml" title="Status changes" href="{ATOM_FILE}">
<style>{CSS}{_status_css()}</style>
</head>
<body>
<header>
<h1>Sanctuary jurisdiction status board</h1>
<p class="meta">Generated {_e(generated)}. {len(board.jurisdictions)} jurisdictions,
{alerted} status changes since the first crawl.
<a href="{ATOM_FILE}">Atom feed of changes</a> · <a href="{JSON_FILE}">JSON</a></p>
</header>
<main>"""  # noqa: E501 -- one meta tag reads better on one line
    parts = [head]
    # The filter's anchors come first: following one scrolls to the top of <main>, so the
    # filter links stay in view, and the :target rules reach the board as a later sibling.
    parts += [f'<span class="ft" id="f-{status}"></span>' for status in STATUSES]
    parts.append(_filter_nav(counts, len(board.jurisdictions)))
    parts.append(_jurisdiction_sections(board.jurisdictions))
    parts.append(_changes_section(board.changes))
    parts.append(_timeline_section(board))
    parts.append(
        "</main>\n<footer><p>Made by watcher, which reads public Justice Department and city "
        "pages and records what each one asserts. A status is only as good as its evidence: "
        "follow the source link before you rely on it.</p></footer>\n</body>\n</html>\n"
    )
    return "\n".join(parts)


def _filter_nav(counts: Counter[str], total: int) -> str:
    links = [f'<a class="badge all" href="#board">all ({total})</a>']
    for status in FEDERAL_STATUSES + STANCE_STATUSES:
        if counts.get(status):
            links.append(
                f'<a class="badge s-{status}" href="#f-{status}">'
                f"{_e(status.replace('_', ' '))} ({counts[status]})</a>"
            )
    return (
        '<nav class="filter" aria-label="Show only one status">Show: ' + " ".join(links) + "</nav>"
    )


def _badge(status: str | None, empty: str = "–") -> str:
    if not status:
        return f'<span class="none">{empty}</span>'
    known = status if status in STATUS_COLOURS else "unknown"
    return f'<span class="badge s-{_e(known)}">{_e(status.replace("_", " "))}</span>'


def _source_link(url: str, day: str | None) -> str:
    safe = web_url(url)
    when = f" ({_e(day)})" if day else ""
    if safe is None:
        return f'<div class="src">{_e(_cut(url, LINK_TEXT_LIMIT))}{when}</div>' if url else ""
    shown = _cut(re.sub(r"^https?://(www\.)?", "", safe), LINK_TEXT_LIMIT)
    return (
        f'<div class="src"><a href="{_e(safe)}" rel="nofollow noopener noreferrer">'
        f"{_e(shown)}</a>{when}</div>"
    )


def _quote(evidence: str) -> str:
    return f"<blockquote>“{_e(_cut(evidence, EVIDENCE_LIMIT))}”</blockquote>" if evidence else ""


def _jurisdiction_sections(jurisdictions: list[JurisdictionStatus]) -> str:
    parts = ['<section class="board" id="board">', "<h2>Jurisdictions by state</h2>"]
    if not jurisdictions:
        parts.append('<p class="empty">No statuses yet: run <code>watcher crawl</code> first.</p>')
    by_state: dict[str, list[JurisdictionStatus]] = defaultdict(list)
    for jurisdiction in jurisdictions:
        by_state[jurisdiction.state_name].append(jurisdiction)
    for state_name, members in by_state.items():
        parts.append(
            f'<section class="state" id="state-{_e(members[0].state)}"><h3>{_e(state_name)}</h3>'
        )
        parts.append(
            '<table><colgroup><col class="c-name"><col class="c-status"><col class="c-status">'
            '<col class="c-date"><col></colgroup>'
            "<thead><tr><th>Jurisdiction</th><th>Federal status</th><th>Stance</th>"
            "<th>Date</th><th>Evidence</th></tr></thead><tbody>"
        )
        for j in members:
            classes = ["jrow"]
            if j.federal_status:
                classes.append(f"s-{j.federal_status}")
            if j.stance:
                classes.append(f"s-{j.stance}")
            evidence = ""
            if j.federal_status:
                evidence += _quote(j.evidence) + _source_link(j.url, None)
            if j.stance:
                evidence += (
                    f"<div><strong>{_e(j.stance)}:</strong></div>"
                    + _quote(j.stance_evidence)
                    + _source_link(j.stance_url, None)
                )
            parts.append(
                f'<tr id="j-{_e(j.id)}" class="{_e(" ".join(classes))}">'
                f'<td class="name">{_e(j.name)}<small>{_e(j.id)}</small></td>'
                f'<td data-label="Federal status">{_badge(j.federal_status)}</td>'
                f'<td data-label="Stance">{_badge(j.stance)}</td>'
                f'<td data-label="Date" class="date">{_e(j.date or "")}</td>'
                f'<td class="quote">{evidence}</td></tr>'
            )
        parts.append("</tbody></table></section>")
    parts.append("</section>")
    return "\n".join(parts)


def _changes_section(changes: list[ChangeEntry]) -> str:
    shown = changes[:RECENT_CHANGES]
    parts = ['<section id="changes"><h2>Recent status changes</h2>']
    if not shown:
        parts.append('<p class="empty">No status changes recorded yet.</p></section>')
        return "\n".join(parts)
    parts.append(
        '<p class="note">Newest first. Changes recorded on a source\'s first crawl (its '
        "baseline) come last: no alert was sent for them.</p>"
    )
    parts.append(
        '<table><colgroup><col class="c-when"><col class="c-name"><col class="c-change"><col>'
        "</colgroup><thead><tr><th>Detected</th><th>Jurisdiction</th><th>Change</th>"
        "<th>Evidence</th></tr></thead><tbody>"
    )
    for change in shown:
        detected = change.changed_at[:16].replace("T", " ")
        note = " <small>(first crawl)</small>" if change.baseline else ""
        kind = "stance" if change.kind == "stance" else "federal"
        parts.append(
            f'<tr class="change{" baseline" if change.baseline else ""}"'
            f' id="change-{change.id}">'
            f'<td data-label="Detected">{_e(detected)}</td>'
            f'<td class="name"><a href="#j-{_e(change.jurisdiction)}">{_e(change.name)}</a></td>'
            f'<td data-label="Change">{_badge(change.from_status, "none")} → '
            f"{_badge(change.to_status, 'none')}"
            f" <small>{kind}</small>{note}</td>"
            f'<td class="quote">{_quote(change.evidence)}{_source_link(change.url, change.date)}'
            "</td></tr>"
        )
    parts.append("</tbody></table>")
    if len(changes) > len(shown):
        parts.append(
            f'<p class="note">{len(changes) - len(shown)} older changes are in '
            f'<a href="{JSON_FILE}">{JSON_FILE}</a>.</p>'
        )
    parts.append("</section>")
    return "\n".join(parts)


def _timeline_section(board: Board) -> str:
    svg = timeline_svg(board.timeline, end=board.generated.date())
    if not svg:
        return ""
    return (
        '<section id="timeline"><h2>Status over time</h2>'
        '<p class="note">One row per jurisdiction: the federal status in force from each '
        "document's date, a dot where it changed, a ring where the jurisdiction began to "
        "contest. Hover a dot for the evidence.</p>"
        f'<div class="tl-wrap">{svg}</div></section>'
    )


# --- changes.atom -------------------------------------------------------------------------


def render_atom(board: Board) -> bytes:
    """An Atom 1.0 feed with one entry per status change, newest first."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = clean_text(text)
        return element

    authority = _tag_authority(board.public_url)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    entries = sorted(board.changes, key=lambda c: (c.changed_at, c.id), reverse=True)
    updated = entries[0].changed_at if entries else now_iso(board.generated)
    sub(feed, "id", f"tag:{authority},2025:watcher/changes")
    sub(feed, "title", "Sanctuary jurisdiction status changes")
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", "watcher")
    sub(feed, "generator", "watcher", version=__version__)
    if board.public_url:
        sub(feed, "link", rel="self", href=f"{board.public_url}/{ATOM_FILE}")
        sub(feed, "link", rel="alternate", type="text/html", href=f"{board.public_url}/")
    for change in entries[:FEED_ENTRIES]:
        entry = sub(feed, "entry")
        day = change.changed_at[:10]
        sub(entry, "id", f"tag:{authority},{day}:watcher/status-change/{change.id}")
        sub(entry, "title", change.title)
        sub(entry, "updated", change.changed_at)
        sub(entry, "link", rel="alternate", href=_entry_link(board, change))
        sub(entry, "category", term=change.kind)
        if change.to_status:
            sub(entry, "category", term=change.to_status)
        if change.baseline:
            sub(entry, "category", term="baseline")
        summary = change.title + (" (first crawl)" if change.baseline else "") + "."
        if change.evidence:
            summary += f" Evidence: “{change.evidence}”"
        if change.date:
            summary += f" ({change.date})"
        sub(entry, "summary", summary, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _tag_authority(public_url: str | None) -> str:
    """The domain part of tag: URIs (RFC 4151): the board's host, else a reserved name."""
    host = urlsplit(public_url).hostname if public_url else None
    return host or "watcher.invalid"


def _entry_link(board: Board, change: ChangeEntry) -> str:
    safe = web_url(change.url)
    if safe:
        return safe
    anchor = f"{INDEX_FILE}#j-{change.jurisdiction}"
    return f"{board.public_url}/{anchor}" if board.public_url else anchor


# --- statuses.json ------------------------------------------------------------------------


def render_json(board: Board) -> dict[str, Any]:
    """The board as plain data: current statuses and every status change."""
    return {
        "generated": now_iso(board.generated),
        "jurisdictions": [
            {
                "id": j.id,
                "name": j.name,
                "kind": j.kind,
                "state": j.state,
                "federal_status": j.federal_status,
                "stance": j.stance,
                "date": j.date,
                "evidence": j.evidence,
                "url": j.url,
                "stance_evidence": j.stance_evidence,
                "stance_url": j.stance_url,
            }
            for j in board.jurisdictions
        ],
        "changes": [
            {
                "id": c.id,
                "jurisdiction": c.jurisdiction,
                "name": c.name,
                "kind": c.kind,
                "from": c.from_status,
                "to": c.to_status,
                "changed_at": c.changed_at,
                "baseline": c.baseline,
                "evidence": c.evidence,
                "url": c.url,
                "date": c.date,
            }
            for c in board.changes
        ],
    }


# --- writing the files --------------------------------------------------------------------


def write_report(
    store: Store,
    out_dir: Path,
    *,
    now: datetime | None = None,
    public_url: str | None = None,
) -> list[Path]:
    """Write index.html, changes.atom and statuses.json into out_dir; return their paths."""
    board = build_board(store, now=now, public_url=public_url.rstrip("/") if public_url else None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        INDEX_FILE: render_index(board).encode("utf-8"),
        ATOM_FILE: render_atom(board),
        JSON_FILE: (json.dumps(render_json(board), indent=2, ensure_ascii=False) + "\n").encode(
            "utf-8"
        ),
    }
    written = [_write_atomically(out_dir / name, data) for name, data in files.items()]
    log.info(
        "report: %d jurisdictions, %d changes written to %s",
        len(board.jurisdictions), len(board.changes), out_dir,
    )  # fmt: skip
    return written


def _write_atomically(path: Path, data: bytes) -> Path:
    # A web server may be serving the folder: readers see the old file or the new, never half.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
