"""Old text, new text -> the change between them. Pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class TextChange:
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not self.added and not self.removed


def unified_diff(
    old_text: str,
    new_text: str,
    *,
    old_name: str = "before",
    new_name: str = "after",
    context: int = 2,
) -> str:
    """A unified diff of two snapshots' text lines ("" when they are equal)."""
    lines = difflib.unified_diff(
        old_text.splitlines(), new_text.splitlines(), old_name, new_name, n=context, lineterm=""
    )
    return "\n".join(lines)


def text_change(old_text: str, new_text: str) -> TextChange:
    """The lines added and removed between two texts, in order."""
    added: list[str] = []
    removed: list[str] = []
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed.extend(old_lines[i1:i2])
        if tag in ("replace", "insert"):
            added.extend(new_lines[j1:j2])
    return TextChange(tuple(added), tuple(removed))


def excerpt(old_text: str, new_text: str, *, evidence: str = "", max_lines: int = 6) -> str:
    """A few "+"/"-" lines of the change, those holding the evidence first."""
    change = text_change(old_text, new_text)
    lines = [f"+ {line}" for line in change.added] + [f"- {line}" for line in change.removed]
    if evidence:
        lines.sort(key=lambda line: evidence[:60] not in line)
    chosen = lines[:max_lines]
    if len(lines) > max_lines:
        chosen.append(f"... and {len(lines) - max_lines} more changed lines")
    return "\n".join(chosen)
