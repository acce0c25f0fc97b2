"""Crawl benchmark: watcher against the network floor and urlwatch, on a local static site.

    .venv/bin/python bench/crawl_bench.py [--pages 1000] [--runs 5] [--server auto]
                                          [--no-urlwatch] [--watcher-workers 8]

Generates N press-release pages (bench/pages.py), serves them on 127.0.0.1 with nginx (a
config of our own in a temp dir) or, when nginx is missing, a threaded Python server, then
runs three tools in turn over four scenarios, alternating their order from run to run:

    cold     empty database / cache, every page new
    warm     nothing changed since the last crawl
    changed  10% of the pages have a new body (same sample every run)
    noise    every page's timestamp and advertisement line changed, nothing else

    floor     bench/floor.py: a bare requests.Session per thread, 10 threads, GET only
    urlwatch  urlwatch 2.29 in a throwaway venv (bench/.cache/), one job per page
    watcher   `watcher --config X crawl --no-email --json`, one `page` source per page

Each crawl is a child process; its wall time, CPU time (user + system) and peak RSS come
from os.wait4, so they are that child's alone. The table gives medians over the runs, the
number of changes each tool reported against the number the site really had, and the ratios
watcher/floor and watcher/urlwatch against the targets of issue 8.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pages import NOISE_HTML_PATTERNS, NOISE_IGNORE_PATTERNS, page_urls, write_site

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
URLWATCH_VERSION = "2.29"
CHANGED_FRACTION = 0.1
SCENARIOS = ("cold", "warm", "changed", "noise")
TOOLS = ("floor", "urlwatch", "watcher")
# (ratio name, limit) per scenario, wall time; issue 8. RSS: never above urlwatch's.
TARGETS: dict[str, tuple[tuple[str, float], ...]] = {
    "cold": (("urlwatch", 0.8),),
    "warm": (("floor", 1.2), ("urlwatch", 0.45)),
    "changed": (("urlwatch", 0.8),),
    "noise": (("urlwatch", 1.0),),
}
SERVER_START_SECONDS = 10.0


@dataclass
class Measurement:
    """One crawl by one tool: what it cost and what it reported."""

    wall: float
    cpu: float
    rss_mb: float
    changes: int | None  # None: the tool does not count changes (the floor)
    detail: str = ""
    error: str | None = None


@dataclass
class Site:
    """The generated pages and the server in front of them."""

    root: Path
    count: int
    base_url: str
    server: str  # what serves it, for the output
    process: subprocess.Popen
    urls: list[str] = field(default_factory=list)


# -- running a child and measuring it ---------------------------------------------------


def run_measured(
    command: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, float, float, int, str, str]:
    """Run a command; (wall s, cpu s, peak RSS MB, exit code, stdout, stderr) of that child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    rss_mb = usage.ru_maxrss / 1024  # Linux reports KiB
    return wall, cpu, rss_mb, process.returncode, stdout, stderr


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# -- the tools --------------------------------------------------------------------------


class Floor:
    """GET every page with 10 threads; the cost of any requests-based tool."""

    name = "floor"

    def __init__(self, workdir: Path, site: Site):
        self.workdir = workdir
        self.urls_file = workdir / "urls.txt"
        self.urls_file.write_text("\n".join(site.urls) + "\n")
        self.count = site.count

    def reset(self) -> None:
        """Nothing to forget: the floor keeps no state."""

    def crawl(self) -> Measurement:
        """One pass over every URL."""
        command = [sys.executable, str(BENCH_DIR / "floor.py"), str(self.urls_file)]
        wall, cpu, rss, code, out, err = run_measured(command, cwd=self.workdir)
        try:
            summary = json.loads(out)
        except json.JSONDecodeError:
            return Measurement(wall, cpu, rss, None, error=f"exit {code}: {_tail(err)}")
        error = None if summary["failed"] == 0 else f"{summary['failed']} fetches failed"
        return Measurement(wall, cpu, rss, None, f"{summary['fetched']} x 200", error)


class Urlwatch:
    """urlwatch 2.29, one job per page, stdout reporter only, noise removed by re.sub."""

    name = "urlwatch"
    REPORT_LINE = re.compile(r"^\d+\. (NEW|CHANGED|ERROR|UNCHANGED)\b", re.M)

    def __init__(self, workdir: Path, site: Site, venv: Path):
        self.workdir = workdir
        self.executable = venv / "bin" / "urlwatch"
        self.cache = workdir / "cache.db"
        self.urls_file = workdir / "urls.yaml"
        self.config_file = workdir / "urlwatch.yaml"
        self.hooks_file = workdir / "hooks.py"
        home = workdir / "home"
        home.mkdir(exist_ok=True)
        # urlwatch must not read or write the real user's ~/.config or keyring.
        self.env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        noise_filters = [
            {"re.sub": {"pattern": pattern, "repl": ""}} for pattern in NOISE_HTML_PATTERNS
        ]
        # JSON is YAML; one document per job.
        jobs = [
            json.dumps({"name": f"pr-{index:04d}", "url": url, "filter": noise_filters})
            for index, url in enumerate(site.urls)
        ]
        self.urls_file.write_text("\n---\n".join(jobs) + "\n")
        config = {
            "display": {"new": True, "error": True, "unchanged": False, "empty-diff": False},
            "report": {
                "text": {"details": False, "footer": False, "minimal": False},
                "stdout": {"enabled": True, "color": False},
            },
        }
        self.config_file.write_text(json.dumps(config) + "\n")
        self.hooks_file.write_text("# no hooks\n")

    @staticmethod
    def install(venv: Path) -> str:
        """Make sure urlwatch is installed in its own venv; say what was done."""
        executable = venv / "bin" / "urlwatch"
        if executable.exists():
            return f"urlwatch {URLWATCH_VERSION} from {venv}"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"urlwatch=={URLWATCH_VERSION}"], check=True)
        took = time.perf_counter() - started
        return f"urlwatch {URLWATCH_VERSION} installed into {venv} in {took:.0f} s"

    def reset(self) -> None:
        """Forget every page: the next crawl is cold."""
        for path in self.workdir.glob("cache.db*"):
            path.unlink()

    def crawl(self) -> Measurement:
        """One urlwatch run over every job; changes counted from its text report."""
        command = [
            str(self.executable),
            "--urls", str(self.urls_file),
            "--config", str(self.config_file),
            "--hooks", str(self.hooks_file),
            "--cache", str(self.cache),
        ]  # fmt: skip
        wall, cpu, rss, code, out, err = run_measured(command, cwd=self.workdir, env=self.env)
        kinds = self.REPORT_LINE.findall(out)
        new, changed, errors = kinds.count("NEW"), kinds.count("CHANGED"), kinds.count("ERROR")
        error = None
        if code != 0:
            error = f"exit {code}: {_tail(err)}"
        elif errors:
            error = f"{errors} jobs reported ERROR"
        detail = f"new {new}, changed {changed}"
        return Measurement(wall, cpu, rss, new + changed, detail, error)


class Watcher:
    """`watcher crawl --no-email --json` over one `page` source per generated page."""

    name = "watcher"

    def __init__(self, workdir: Path, site: Site, workers: int, command: list[str]):
        self.workdir = workdir
        self.command = command
        self.database = workdir / "watcher.db"
        self.config_file = workdir / "sources.toml"
        ignore = ", ".join(f"'{pattern}'" for pattern in NOISE_IGNORE_PATTERNS)
        lines = [
            "[watcher]",
            f"database = '{self.database}'",
            "# The floor and urlwatch ignore politeness; so does watcher here.",
            "min_host_delay = 0",
            f"workers = {workers}",
            "",
        ]
        for index, url in enumerate(site.urls):
            lines += [
                "[[sources]]",
                f"id = 'pr-{index:04d}'",
                f"url = '{url}'",
                "kind = 'page'",
                f"ignore = [{ignore}]",
                "",
            ]
        self.config_file.write_text("\n".join(lines))

    def reset(self) -> None:
        """Delete the database: the next crawl is cold."""
        for path in self.workdir.glob("watcher.db*"):
            path.unlink()

    def crawl(self) -> Measurement:
        """One crawl of every source; changes from its JSON summary."""
        command = [
            *self.command, "--config", str(self.config_file), "crawl", "--no-email", "--json"
        ]  # fmt: skip
        wall, cpu, rss, code, out, err = run_measured(command, cwd=REPO_DIR)
        try:
            summary = json.loads(out)
        except json.JSONDecodeError:
            return Measurement(wall, cpu, rss, None, error=f"exit {code}: {_tail(err)}")
        detail = (
            f"new {summary['new']}, changed {summary['changed']}, "
            f"same {summary['unchanged']}, 304 {summary['not_modified']}"
        )
        error = f"{summary['failed']} pages failed" if summary["failed"] else None
        return Measurement(wall, cpu, rss, summary["new"] + summary["changed"], detail, error)


# -- the site and its server ------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    """Return once the server accepts connections; raise if it died or never did."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not listen on port {port} within {SERVER_START_SECONDS} s")


def nginx_path() -> str | None:
    """The nginx binary, if there is one."""
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(path)),
        None,
    )


def start_server(
    kind: str, root: Path, workdir: Path, latency_ms: float = 0.0
) -> tuple[str, subprocess.Popen, int]:
    """Serve `root` on 127.0.0.1; (description, process, port)."""
    port = free_port()
    nginx = nginx_path() if kind in ("auto", "nginx") and not latency_ms else None
    if kind == "nginx" and latency_ms:
        raise SystemExit("--latency-ms needs the Python server (--server python or auto)")
    if kind == "nginx" and nginx is None:
        raise SystemExit("--server nginx: nginx is not installed (apt-get install -y nginx)")
    if nginx:
        prefix = workdir / "nginx"
        prefix.mkdir()
        template = string.Template((BENCH_DIR / "nginx.conf.template").read_text())
        config = prefix / "nginx.conf"
        config.write_text(template.substitute(prefix=prefix, port=port, root=root))
        version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
        command = [nginx, "-c", str(config), "-p", str(prefix), "-e", str(prefix / "error.log")]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        description = f"{version.removeprefix('nginx version: ')} (1 worker, etag on)"
    else:
        command = [sys.executable, str(BENCH_DIR / "pages.py"), "serve", str(root)]
        command += ["--port", str(port), "--delay-ms", str(latency_ms)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        description = "threaded Python server (bench/pages.py; nginx not used)"
        if latency_ms:
            description += f", {latency_ms:g} ms before every answer (simulated latency)"
    wait_for_port(port, process)
    return description, process, port


def set_scenario(site: Site, scenario: str) -> int:
    """Bring the site to a scenario's state; the number of changes a tool should report."""
    if scenario == "cold":
        write_site(site.root, site.count)
        return site.count
    if scenario == "warm":
        write_site(site.root, site.count)
        return 0
    if scenario == "changed":
        return write_site(site.root, site.count, changed_fraction=CHANGED_FRACTION)
    # Noise on top of the changed state: every file rewritten, no text worth a change.
    write_site(site.root, site.count, changed_fraction=CHANGED_FRACTION, noise_round=1)
    return 0


# -- the run and the table --------------------------------------------------------------


def run_all(args: argparse.Namespace, workdir: Path) -> int:
    """Build, serve, crawl and print; the exit code."""
    root = workdir / "site"
    write_site(root, args.pages)
    # nginx's workers run as an unprivileged user when it is started as root.
    for folder in (workdir, root, root / "pr"):
        folder.chmod(0o755)
    server, process, port = start_server(args.server, root, workdir, args.latency_ms)
    base_url = f"http://127.0.0.1:{port}"
    site = Site(root, args.pages, base_url, server, process, page_urls(base_url, args.pages))
    notes = [f"server: {server} on 127.0.0.1"]
    load_before = os.getloadavg()[0]
    try:
        tools: list[Floor | Urlwatch | Watcher] = [Floor(_folder(workdir, "floor"), site)]
        if not args.no_urlwatch:
            notes.append(Urlwatch.install(args.urlwatch_venv))
            tools.append(Urlwatch(_folder(workdir, "urlwatch"), site, args.urlwatch_venv))
        command = shlex.split(args.watcher_command) or [sys.executable, "-m", "watcher"]
        if not args.watcher_command:
            notes.append(compile_bytecode(REPO_DIR / "watcher"))
        tools.append(Watcher(_folder(workdir, "watcher"), site, args.watcher_workers, command))
        results = measure(tools, site, args.runs)
    finally:
        process.terminate()
        process.wait(timeout=10)
    # Other work on the machine shows up in wall times (CPU times suffer less): say how much.
    notes.append(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print_table(args, notes, results, [tool.name for tool in tools])
    failures = [m for runs in results.values() for m, _expected in runs if m.error]
    wrong = [
        m
        for runs in results.values()
        for m, expected in runs
        if m.changes is not None and m.changes != expected
    ]
    return 1 if failures or wrong else 0


def compile_bytecode(package: Path) -> str:
    """Compile a package's bytecode once, as `pip install` does; say so for the output.

    Without it, a shell with PYTHONDONTWRITEBYTECODE (or a read-only checkout) would have
    watcher compile its own sources at every start, which urlwatch, installed by pip with
    its bytecode, never does.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    return f"watcher bytecode compiled beforehand ({package.name}/__pycache__), as pip does"


def _folder(workdir: Path, name: str) -> Path:
    folder = workdir / name
    folder.mkdir()
    return folder


def measure(
    tools: list, site: Site, runs: int
) -> dict[tuple[str, str], list[tuple[Measurement, int]]]:
    """Every scenario in order, every tool in a rotating order; (measurement, expected)."""
    results: dict[tuple[str, str], list[tuple[Measurement, int]]] = {}
    for run in range(runs):
        for tool in tools:
            tool.reset()
        order = tools[run % len(tools) :] + tools[: run % len(tools)]
        for scenario in SCENARIOS:
            expected = set_scenario(site, scenario)
            for tool in order:
                measurement = tool.crawl()
                results.setdefault((scenario, tool.name), []).append((measurement, expected))
                sys.stderr.write(
                    f"run {run + 1}/{runs} {scenario:<8} {tool.name:<9} "
                    f"{measurement.wall:6.2f} s wall {measurement.cpu:6.2f} s cpu "
                    f"{measurement.rss_mb:6.1f} MB  {measurement.detail}"
                    f"{'  ERROR ' + measurement.error if measurement.error else ''}\n"
                )
    return results


def print_table(
    args: argparse.Namespace,
    notes: list[str],
    results: dict[tuple[str, str], list[tuple[Measurement, int]]],
    tool_names: list[str],
) -> None:
    """The one table: medians per scenario and tool, counts, ratios and targets."""
    command = " ".join(
        ["bench/crawl_bench.py", f"--pages {args.pages}", f"--runs {args.runs}"]
        + ([f"--server {args.server}"] if args.server != "auto" else [])
        + ([f"--latency-ms {args.latency_ms:g}"] if args.latency_ms else [])
        + (["--no-urlwatch"] if args.no_urlwatch else [])
        + ([f"--watcher-workers {args.watcher_workers}"] if args.watcher_workers != 8 else [])
        + (
            [f"--watcher-command {shlex.quote(args.watcher_command)}"]
            if args.watcher_command
            else []
        )
    )
    lines = [
        f"Crawl benchmark: {args.pages} pages, {args.runs} run(s), medians; {os.cpu_count()} CPUs",
        f"command: .venv/bin/python {command}",
        *notes,
        f"watcher: {args.pages} sources of kind 'page', min_host_delay = 0 (the floor and "
        f"urlwatch ignore politeness), workers = {args.watcher_workers}, "
        f"ignore = {list(NOISE_IGNORE_PATTERNS)}",
    ]
    if "urlwatch" in tool_names:
        lines.append(
            f"urlwatch: {args.pages} url jobs, filter re.sub {list(NOISE_HTML_PATTERNS)} -> '', "
            "stdout report only"
        )
    lines.append("floor: bench/floor.py, requests.Session per thread, 10 threads, GET only")
    lines.append("")
    header = (
        f"{'scenario':<9}{'tool':<10}{'wall s':>8}{'cpu s':>8}{'RSS MB':>8}"
        f"{'changes':>9}{'expect':>8}  {'w/floor':>8}{'w/urlw':>8}  {'target':<34}detail"
    )
    lines += [header, "-" * len(header)]
    for scenario in SCENARIOS:
        medians: dict[str, tuple[float, float, float]] = {}
        for name in tool_names:
            runs = results.get((scenario, name), [])
            good = [m for m, _expected in runs if m.error is None]
            if not good:
                error = next((m.error for m, _e in runs if m.error), "no run")
                lines.append(f"{scenario:<9}{name:<10}{'error':>8}  {error}")
                continue
            wall = statistics.median(m.wall for m in good)
            cpu = statistics.median(m.cpu for m in good)
            rss = statistics.median(m.rss_mb for m in good)
            medians[name] = (wall, cpu, rss)
            counts = [m.changes for m in good if m.changes is not None]
            expected = runs[0][1]
            shown = "-" if not counts else _counts(counts)
            expect = "-" if not counts else str(expected)
            ratios, target = "", ""
            if name == "watcher":
                ratios, target = _ratios(scenario, medians, counts, expected)
            failed = len(runs) - len(good)
            detail = good[-1].detail + (f"; {failed} run(s) failed" if failed else "")
            lines.append(
                f"{scenario:<9}{name:<10}{wall:8.2f}{cpu:8.2f}{rss:8.1f}"
                f"{shown:>9}{expect:>8}  {ratios:<16}  {target:<34}{detail}"
            )
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _counts(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


def _ratios(
    scenario: str,
    medians: dict[str, tuple[float, float, float]],
    counts: list[int],
    expected: int,
) -> tuple[str, str]:
    """The watcher row's wall-time ratios, and which targets it met."""
    wall, _cpu, rss = medians["watcher"]
    ratio = {name: wall / medians[name][0] for name in ("floor", "urlwatch") if name in medians}
    shown = "".join(f"{ratio[name]:8.2f}" if name in ratio else f"{'-':>8}" for name in TOOLS[:2])
    verdicts = []
    for name, limit in TARGETS[scenario]:
        if name in ratio:
            verdicts.append(f"{'ok' if ratio[name] <= limit else 'MISS'}<={limit:g}x{name[0]}")
    if "urlwatch" in medians:
        verdicts.append("ok rss" if rss <= medians["urlwatch"][2] else "MISS rss")
    if counts and any(count != expected for count in counts):
        verdicts.append("WRONG count")
    return shown, " ".join(verdicts)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run everything in a temp dir, print the table."""
    parser = argparse.ArgumentParser(
        description="watcher vs the network floor vs urlwatch on a local static site"
    )
    parser.add_argument("--pages", type=int, default=1000, help="pages on the site")
    parser.add_argument("--runs", type=int, default=5, help="runs of every scenario (median)")
    parser.add_argument(
        "--server", choices=("auto", "nginx", "python"), default="auto",
        help="nginx when installed (auto), or the threaded Python server",
    )  # fmt: skip
    parser.add_argument(
        "--latency-ms", type=float, default=0.0,
        help="make the server wait this long before every answer (Python server only)",
    )  # fmt: skip
    parser.add_argument("--no-urlwatch", action="store_true", help="skip urlwatch (no install)")
    parser.add_argument(
        "--urlwatch-venv", type=Path, default=BENCH_DIR / ".cache" / f"urlwatch-{URLWATCH_VERSION}",
        help="where urlwatch's throwaway venv lives (created when missing)",
    )  # fmt: skip
    parser.add_argument(
        "--watcher-workers", type=int, default=8, help="[watcher] workers in the config"
    )
    parser.add_argument(
        "--watcher-command", default="", metavar="CMD",
        help="how to start watcher (default: this Python -m watcher), e.g. another checkout's",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temp dir, say where")
    args = parser.parse_args(argv)
    if args.pages < 10 or args.runs < 1:
        parser.error("--pages must be at least 10 and --runs at least 1")
    workdir = Path(tempfile.mkdtemp(prefix="watcher-bench-"))
    try:
        return run_all(args, workdir)
    finally:
        if args.keep:
            sys.stderr.write(f"kept {workdir}\n")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
