"""The arrows of the design point down: pure steps import no I/O edge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "watcher"
PURE = ["models.py", "content.py", "diff.py", "history.py", "urls.py", "feeds.py", "alerts.py"]
PURE += [str(p.relative_to(PACKAGE)) for p in (PACKAGE / "status").glob("*.py")]
IO_EDGES = {"requests", "urllib3", "smtplib", "sqlite3", "socket", "sqlite_utils", "watcher.fetch",
            "watcher.mailer", "watcher.store", "watcher.pipeline", "watcher.delivery",
            "watcher.daemon", "watcher.cli"}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(PURE))
def test_pure_modules_do_no_io(module: str) -> None:
    """Pure steps never import the network, mail, database or orchestration modules."""
    imported = imported_modules(PACKAGE / module)
    edges = {
        name
        for name in imported
        for edge in IO_EDGES
        if name == edge or name.startswith(edge + ".")
    }
    assert set() == edges, f"{module} imports {edges}"


def test_only_fetch_imports_urllib3_and_only_mailer_imports_smtplib() -> None:
    """One module speaks HTTP (through urllib3; requests is only the tests' client), one SMTP."""
    for path in PACKAGE.rglob("*.py"):
        imported = imported_modules(path)
        assert "requests" not in imported, path
        if path.name != "fetch.py":
            assert not any(name.split(".")[0] == "urllib3" for name in imported), path
        if path.name != "mailer.py":
            assert "smtplib" not in imported, path
