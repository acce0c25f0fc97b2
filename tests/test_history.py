"""watcher.history: the status over time rule of STATUSES.md."""

from __future__ import annotations

from watcher.history import StatusEvent, replay


def events(*items: tuple[str, int, str]) -> list[StatusEvent]:
    return [StatusEvent(day, doc, status, i) for i, (day, doc, status) in enumerate(items)]


def test_more_severe_status_replaces_less_severe() -> None:
    """A later, more severe status replaces the current one."""
    assert "sued" == replay(events(("2025-01-01", 1, "listed"), ("2025-02-01", 2, "sued"))).federal


def test_less_severe_later_status_does_not_replace() -> None:
    """A list page naming an already-sued city again does not turn sued back into listed."""
    assert "sued" == replay(events(("2025-01-01", 1, "sued"), ("2025-02-01", 2, "listed"))).federal


def test_later_compliant_resets() -> None:
    """A later compliant replaces any status; a later status after it applies again."""
    cleared = events(("2025-01-01", 1, "sued"), ("2025-02-01", 2, "compliant"))
    assert "compliant" == replay(cleared).federal
    relisted = cleared + events(("2025-03-01", 3, "listed"))
    assert "listed" == replay(relisted).federal


def test_compliant_applies_after_the_statuses_its_page_recounts() -> None:
    """Within one document, a removal applies after the listing the page recounts."""
    assert (
        "compliant"
        == replay(
            events(
                ("2025-01-01", 1, "listed"),
                ("2025-10-31", 2, "listed"),
                ("2025-10-31", 2, "compliant"),
            )
        ).federal
    )


def test_older_document_found_later_never_overrides_newer() -> None:
    """Order is by date, not by discovery: an old document fetched last does not win."""
    found_late = events(("2025-10-31", 5, "compliant"), ("2025-08-05", 9, "sued"))
    assert "compliant" == replay(found_late).federal


def test_stance_is_kept_apart() -> None:
    """contests is the stance; it never changes the federal status."""
    state = replay(events(("2025-01-01", 1, "listed"), ("2025-01-02", 2, "contests")))
    assert ("listed", "contests") == (state.federal, state.stance)
    assert (None, None) == (replay([]).federal, replay([]).stance)


def test_jurisdiction_missing_from_new_list_version_is_cleared() -> None:
    """A name on the previous list version and absent from the new one becomes compliant."""
    from watcher.history import removed_from_list
    from watcher.models import Finding

    previous = [
        {"jurisdiction": "nv", "status": "listed", "evidence": "Nevada"},
        {"jurisdiction": "or", "status": "listed", "evidence": "Oregon"},
        {"jurisdiction": "md", "status": "listed", "evidence": "Maryland"},
    ]
    current = [
        Finding("or", "listed", "Oregon", 3),
        Finding("md", "compliant", "Maryland - removed", 9),
    ]
    removed = removed_from_list(previous, current)
    assert [("nv", "compliant")] == [(f.jurisdiction, f.status) for f in removed]
    assert "Nevada" in removed[0].evidence
