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


def test_readme_configuration_example_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configuration shown in the README loads without error."""
    from watcher.config import load_config

    start = README.index("```toml\n[watcher]") + len("```toml\n")
    example = README[start : README.index("```", start)]
    path = tmp_path / "sources.toml"
    path.write_text(example, encoding="utf-8")
    monkeypatch.setenv("WATCHER_SMTP_PASSWORD", "not-a-real-one")
    config = load_config(path, require_smtp_password=True)
    assert ["doj-sanctuary-list", "chicago-mayor-news"] == [s.id for s in config.sources]


def test_shipped_configuration_is_valid() -> None:
    """The default sources.toml loads and watches the DOJ list and the six cities' newsrooms."""
    from watcher.config import load_config

    config = load_config(Path(__file__).resolve().parents[1] / "sources.toml")
    speakers = {s.speaker for s in config.sources}
    assert {"chicago-il", "cook-county-il", "new-york-city-ny", "new-orleans-la",
            "philadelphia-pa", "los-angeles-ca"} <= speakers  # fmt: skip
    assert any(s.kind == "list" for s in config.sources)


def test_readme_reliability_table_covers_every_requirement_with_real_tests() -> None:
    """Each of R1-R25 has a README row, and every test the row names exists."""
    import re

    tests_dir = Path(__file__).resolve().parent
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| R(\d+) \|[^|]*\|(.*)\|$", README, re.MULTILINE)
    }
    assert [str(n) for n in range(1, 26)] == sorted(rows, key=int)
    for number, cell in rows.items():
        names = re.findall(r"`(?:(test_\w+\.py)::)?(test_r\w+?)(\*)?`", cell)
        assert names, f"R{number} names no test"
        module = None
        for file_name, test_name, wildcard in names:
            module = file_name or module
            source = (tests_dir / module).read_text(encoding="utf-8")
            pattern = rf"def {test_name}\w*" if wildcard else rf"def {test_name}\("
            assert re.search(pattern, source), f"R{number}: {module}::{test_name} not found"
        assert any(name.startswith(f"test_r{number}_") or f"_r{number}_" in name
                   for _f, name, _w in names), f"R{number} has no test named after it"  # fmt: skip
