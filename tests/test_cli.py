"""The command line as a whole: every command has help and is in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from watcher.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_and_is_documented(name: str) -> None:
    """Each command has help text, and the README's command table names it."""
    command = main.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    result = CliRunner().invoke(main, [name, "--help"])
    assert 0 == result.exit_code
    assert f"`watcher {name}" in README, f"watcher {name} is missing from the README"


def test_version_and_unknown_command() -> None:
    """--version prints the version; an unknown command is a usage error (exit 2)."""
    runner = CliRunner()
    assert "watcher, version" in runner.invoke(main, ["--version"]).output
    assert 2 == runner.invoke(main, ["no-such-command"]).exit_code
