"""The soak benchmark runs end to end on a handful of pages and reports nothing lost.

No timing is checked (timed tests do not belong in the suite): only that bench/soak.py
drives a real daemon, kills it, drains the outbox and prints its line of figures.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIGURES = re.compile(
    r"soak: rounds (\d+), seconds \d+, pages 5, changes (\d+), emails expected (\d+), "
    r"delivered (\d+), lost (\d+), duplicated \d+ \(R3 window after a kill \d+, "
    r"unexplained (\d+)\), kills (\d+), .*peak RSS [\d.]+ MiB, .*integrity ok"
)


def test_soak_smoke_run_prints_its_figures_and_loses_nothing(tmp_path: Path) -> None:
    """Five pages, a few seconds, every round a kill: the figures line says 0 lost, then ok."""
    done = subprocess.run(
        [
            sys.executable, "bench/soak.py", "--pages", "5", "--rounds", "10",
            "--round-seconds", "0.5", "--every", "1s", "--change", "0.4", "--kill-chance", "1",
            "--smtp-failure", "0.3", "--keep", str(tmp_path / "soak"),
        ],
        cwd=REPO, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    figures = FIGURES.search(done.stdout)
    assert figures is not None, done.stdout + done.stderr
    rounds, changes, expected, delivered, lost, unexplained, kills = map(int, figures.groups())
    assert 10 == rounds
    assert (0, 0) == (lost, unexplained)
    assert expected == delivered
    assert changes > 0 and kills > 0
    assert 0 == done.returncode, done.stdout
    assert done.stdout.rstrip().endswith("ok")
