"""A jurisdiction's current status from its findings over time (STATUSES.md). Pure.

Findings apply in date order, grouped by the document they come from. In each group the most
severe non-`compliant` federal status replaces the current one only when it is more severe;
then a `compliant` in the same group (a removal or clearance the page announces) replaces
whatever stands. The stance is `contests` once any finding says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from watcher.models import FEDERAL_STATUSES, SEVERITY, Finding


@dataclass(frozen=True)
class StatusEvent:
    """One finding as the history sees it."""

    event_date: str  # ISO date
    snapshot_id: int  # the document version it comes from; orders same-day documents
    status: str
    finding_id: int


@dataclass(frozen=True)
class CurrentStatus:
    federal: str | None = None
    federal_finding_id: int | None = None
    stance: str | None = None
    stance_finding_id: int | None = None


def replay(events: Iterable[StatusEvent]) -> CurrentStatus:
    """Apply a jurisdiction's findings in date order; return where its status stands."""
    federal: str | None = None
    federal_finding: int | None = None
    stance: str | None = None
    stance_finding: int | None = None
    ordered = sorted(events, key=lambda e: (e.event_date, e.snapshot_id, e.finding_id))
    for _key, group_iter in groupby(ordered, key=lambda e: (e.event_date, e.snapshot_id)):
        group = list(group_iter)
        recounted = [e for e in group if e.status in FEDERAL_STATUSES and e.status != "compliant"]
        if recounted:
            worst = max(recounted, key=lambda e: SEVERITY[e.status])
            if federal is None or SEVERITY[worst.status] > SEVERITY[federal]:
                federal, federal_finding = worst.status, worst.finding_id
        cleared = [e for e in group if e.status == "compliant"]
        if cleared:
            federal, federal_finding = "compliant", cleared[0].finding_id
        contests = [e for e in group if e.status == "contests"]
        if contests and stance is None:
            stance, stance_finding = "contests", contests[0].finding_id
    return CurrentStatus(federal, federal_finding, stance, stance_finding)


def removed_from_list(previous: Iterable[Any], current: list[Finding]) -> list[Finding]:
    """`compliant` for each jurisdiction on the previous list version and not on this one.

    `previous` holds the earlier version's findings, rows or mappings with jurisdiction,
    status and evidence: a list
    page that stops naming a jurisdiction has removed it, whether or not it says so.
    """
    still_listed = {f.jurisdiction for f in current if f.status == "listed"}
    already_cleared = {f.jurisdiction for f in current if f.status == "compliant"}
    removed = []
    for row in previous:
        jurisdiction = row["jurisdiction"]
        if row["status"] != "listed" or jurisdiction in still_listed | already_cleared:
            continue
        already_cleared.add(jurisdiction)
        removed.append(
            Finding(
                jurisdiction=jurisdiction,
                status="compliant",
                evidence=f"No longer on the list; the previous version had: {row['evidence']}",
                position=-1,
                note="removed from list",
            )
        )
    return removed
