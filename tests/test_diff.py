"""watcher.diff: changes between two snapshots' text."""

from watcher.diff import excerpt, text_change, unified_diff


def test_text_change_lists_added_and_removed_lines() -> None:
    """Added and removed lines are reported in order."""
    change = text_change("a\nb\nc", "a\nc\nd")
    assert (("d",), ("b",)) == (change.added, change.removed)
    assert text_change("same", "same").is_empty


def test_unified_diff_shows_exactly_the_change() -> None:
    """The unified diff names the changed lines and nothing is shown for equal texts."""
    diff = unified_diff("one\ntwo", "one\nthree", old_name="old", new_name="new")
    assert ["-two", "+three"] == [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")
    ]
    assert "" == unified_diff("x", "x")


def test_excerpt_puts_the_evidence_first_and_is_bounded() -> None:
    """The excerpt shows the line holding the evidence first and cuts long changes."""
    new = "\n".join(f"line {i}" for i in range(20)) + "\nBoston was sued."
    text = excerpt("", new, evidence="Boston was sued.", max_lines=3)
    assert "+ Boston was sued." == text.splitlines()[0]
    assert text.splitlines()[-1].startswith("... and 18 more")
