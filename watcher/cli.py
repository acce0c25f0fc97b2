"""The `watcher` command (spec/CLI.md): parse options, call one library function, print.

Exit codes: 0 success; 1 the work ran but something failed; 2 bad usage or configuration.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from watcher import __version__
from watcher.config import Config, ConfigError, describe, load_config
from watcher.models import STATUSES, Page
from watcher.store import Store

log = logging.getLogger("watcher")

EMAIL_PATTERN = r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"


class Context:
    """What every command shares: where the configuration is, loaded once when asked for."""

    def __init__(self, config_path: Path, log_level: str | None = None):
        self.config_path = config_path
        self.log_level = log_level  # as given on the command line; None when not given
        self._config: Config | None = None

    def config(self, *, require_smtp_password: bool = False) -> Config:
        if self._config is None or require_smtp_password:
            try:
                self._config = load_config(
                    self.config_path, require_smtp_password=require_smtp_password
                )
            except ConfigError as error:
                click.echo(f"error: {error}", err=True)
                sys.exit(2)
        return self._config

    def store(self) -> Store:
        return Store(self.config().settings.database)


pass_context = click.make_pass_decorator(Context)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def _default_config_path() -> str:
    return os.environ.get("WATCHER_CONFIG") or "sources.toml"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=_default_config_path,
    show_default="$WATCHER_CONFIG or ./sources.toml",
    help="The configuration file.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default=None,
    help="How much to log on stderr (default: WARNING; INFO for `run`).",
)
@click.version_option(__version__, prog_name="watcher")
@click.pass_context
def main(ctx: click.Context, config_path: Path, log_level: str | None) -> None:
    """Watch DOJ and city pages for sanctuary-jurisdiction status changes; email subscribers."""
    from watcher.logs import setup_logging

    setup_logging((log_level or "WARNING").upper())
    ctx.obj = Context(config_path, log_level)


@main.command()
@pass_context
def check(context: Context) -> None:
    """Validate the configuration and print what it watches."""
    config = context.config(require_smtp_password=True)
    click.echo(describe(config))


@main.command()
@click.option(
    "--source", "source_ids", multiple=True, metavar="ID", help="Only this source (repeatable)."
)
@click.option("--no-email", is_flag=True, help="Queue alerts but do not send them now.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_context
def crawl(context: Context, source_ids: tuple[str, ...], no_email: bool, as_json: bool) -> None:
    """Crawl all (or the named) sources once: fetch, snapshot, extract, alert."""
    from watcher.pipeline import Crawler

    config = context.config(require_smtp_password=not no_email)
    known = {source.id for source in config.sources}
    for source_id in source_ids:
        if source_id not in known:
            raise click.UsageError(f"no source with id {source_id!r} in {context.config_path}")
    chosen = [s for s in config.sources if not source_ids or s.id in source_ids]
    with context.store() as store:
        crawler = Crawler(config, store)
        show_bar = sys.stderr.isatty() and not as_json
        if show_bar:
            with click.progressbar(length=len(chosen), label="crawling", file=sys.stderr) as bar:
                summary = crawler.crawl(source_ids or None, on_result=lambda _r: bar.update(1))
        else:
            summary = crawler.crawl(
                source_ids or None,
                on_result=lambda r: click.echo(_source_line(r), err=True) if not as_json else None,
            )
        send_trouble = False
        if not no_email:
            from watcher.delivery import send_pending  # the mailer: not needed to crawl

            sent = send_pending(store, config)
            summary.alerts_sent = sent.sent
            send_trouble = sent.trouble
    if as_json:
        _print_json(summary.as_dict())
    else:
        click.echo(_summary_text(summary))
    failed = summary.total("failed") > 0 or send_trouble
    sys.exit(1 if failed else 0)


def _source_line(result: Any) -> str:
    parts = [
        f"{name} {getattr(result, name)}"
        for name in ("new", "changed", "unchanged", "not_modified", "failed", "status_changes")
        if getattr(result, name)
    ]
    return f"{result.source_id}: " + (", ".join(parts) or "nothing fetched")


def _summary_text(summary: Any) -> str:
    counts = summary.as_dict()
    lines = [
        "Crawled {sources} sources, {documents} documents: {new} new, {changed} changed, "
        "{unchanged} unchanged, {not_modified} not modified, {failed} failed.".format(**counts),
        "{status_changes} status changes, {alerts_queued} alerts queued, "
        "{alerts_sent} sent.".format(**counts),
    ]
    for result in summary.results:
        for url, reason in result.failures:
            lines.append(f"  failed: {result.source_id}: {url}: {reason}")
    return "\n".join(lines)


@main.command()
@click.option(
    "--log-level", "run_log_level", default=None, help="Log level for the daemon (default INFO)."
)
@pass_context
def run(context: Context, run_log_level: str | None) -> None:
    """Run the daemon: crawl each source on its schedule and send alerts."""
    from watcher.daemon import run_daemon

    context.config(require_smtp_password=True)  # refuse a bad configuration before starting
    level = run_log_level or context.log_level or "INFO"
    sys.exit(run_daemon(context.config_path, log_level=level.upper()))


@main.command()
@click.argument("jurisdiction", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def status(context: Context, jurisdiction: str | None, as_json: bool) -> None:
    """Current status of every jurisdiction, or one jurisdiction's history with evidence."""
    from watcher.delivery import display_name
    from watcher.store import statuses

    with context.store() as store:
        if jurisdiction is None:
            rows = [dict(row) for row in statuses.current_statuses(store)]
            if as_json:
                _print_json({"jurisdictions": rows})
                return
            if not rows:
                click.echo("No statuses yet: run `watcher crawl` first.")
                return
            for row in rows:
                click.echo(
                    f"{row['jurisdiction']:32} {row['federal_status'] or '-':14} "
                    f"{row['stance'] or '-':9} {row['event_date'] or '':10}  "
                    f"{display_name(row['jurisdiction'])}"
                )
            return
        history = [dict(row) for row in statuses.jurisdiction_history(store, jurisdiction)]
        changes = [dict(row) for row in statuses.jurisdiction_changes(store, jurisdiction)]
    if as_json:
        _print_json({"jurisdiction": jurisdiction, "findings": history, "changes": changes})
        return
    if not history:
        click.echo(f"No findings for {jurisdiction}.")
        sys.exit(1)
    click.echo(f"{display_name(jurisdiction)} ({jurisdiction})")
    for row in history:
        click.echo(f"  {row['event_date']}  {row['status']:14} {row['url']}")
        click.echo(f"      \u201c{row['evidence']}\u201d")
    if changes:
        click.echo("Status changes:")
        for row in changes:
            note = " (baseline)" if row["baseline"] else ""
            click.echo(
                f"  {row['changed_at']}  {row['kind']}: {row['from_status'] or 'none'} -> "
                f"{row['to_status'] or 'none'}{note}"
            )


@main.command()
@click.argument("source_id", metavar="SOURCE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def history(context: Context, source_id: str, as_json: bool) -> None:
    """List a source's snapshots."""
    from watcher.store import snapshots

    _require_source(context, source_id)
    with context.store() as store:
        rows = [dict(row) for row in snapshots.source_snapshots(store, source_id)]
    if as_json:
        _print_json({"source": source_id, "snapshots": rows})
        return
    if not rows:
        click.echo(f"No snapshots of {source_id} yet.")
        return
    for row in rows:
        click.echo(
            f"#{row['id']:<5} {row['taken_at']}  seen {row['last_seen_at']}  "
            f"{row['findings']:3} findings  {row['url']}"
        )


def _require_source(context: Context, source_id: str) -> None:
    if source_id not in {s.id for s in context.config().sources}:
        raise click.UsageError(f"no source with id {source_id!r} in {context.config_path}")


@main.command()
@click.argument("source_id", metavar="SOURCE")
@click.option("--from", "from_id", type=int, help="Snapshot id to diff from.")
@click.option("--to", "to_id", type=int, help="Snapshot id to diff to.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def diff(
    context: Context, source_id: str, from_id: int | None, to_id: int | None, as_json: bool
) -> None:
    """Show the latest change of a source (or between two snapshots) as a unified diff."""
    from watcher.diff import text_change, unified_diff
    from watcher.store import snapshots

    _require_source(context, source_id)
    with context.store() as store:
        rows = snapshots.source_snapshots(store, source_id)
        if to_id is None:
            changed = [r for r in rows if snapshots.previous_snapshot(store, r["id"]) is not None]
            if from_id is not None:
                to_row = snapshots.snapshot(store, from_id)
                later = [
                    r for r in rows if to_row and r["url"] == to_row["url"] and r["id"] > from_id
                ]
                to_id = later[-1]["id"] if later else None
            elif changed:
                to_id = changed[-1]["id"]
            elif rows:
                to_id = rows[-1]["id"]
        if to_id is None:
            click.echo(f"No snapshots of {source_id} yet.")
            return
        new = snapshots.snapshot(store, to_id)
        if new is None or new["source_id"] != source_id:
            raise click.UsageError(f"snapshot {to_id} is not one of {source_id}'s")
        old = (
            snapshots.snapshot(store, from_id)
            if from_id
            else snapshots.previous_snapshot(store, to_id)
        )
    old_text = old["text"] if old else ""
    old_name = f"snapshot {old['id']} ({old['taken_at']})" if old else "nothing"
    new_name = f"snapshot {new['id']} ({new['taken_at']})"
    if as_json:
        change = text_change(old_text, new["text"])
        _print_json({
            "source": source_id, "url": new["url"], "from": old["id"] if old else None,
            "to": new["id"], "added": list(change.added), "removed": list(change.removed),
            "diff": unified_diff(old_text, new["text"], old_name=old_name, new_name=new_name),
        })  # fmt: skip
        return
    click.echo(f"{new['url']}")
    click.echo(
        unified_diff(old_text, new["text"], old_name=old_name, new_name=new_name) or "(no change)"
    )


@main.command()
@click.argument("target", metavar="FILE|URL")
@click.option("--speaker", metavar="ID", help="Whose statement the page is (a jurisdiction id).")
@click.option("--list-page", is_flag=True, help="Read the page as a list of jurisdictions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def extract(
    context: Context, target: str, speaker: str | None, list_page: bool, as_json: bool
) -> None:
    """Print the (jurisdiction, status, evidence) findings of one page."""
    from watcher.status import Extractor

    page = _read_target(context, target)
    config = _optional_config(context)
    extractor = Extractor(
        aliases={j.id: j.aliases for j in config.jurisdictions} if config else {},
        extra_cues=[(c.status, c.pattern) for c in config.cues] if config else (),
    )
    findings = extractor.extract(page, speaker=speaker, list_page=list_page)
    document_date = page.published.isoformat() if page.published else None
    rows = [
        {
            "jurisdiction": f.jurisdiction,
            "status": f.status,
            "evidence": f.evidence,
            "date": f.event_date.isoformat() if f.event_date else document_date,
            "position": f.position,
        }
        for f in findings
    ]
    if as_json:
        _print_json(
            {"url": page.url, "title": page.title, "published": document_date, "findings": rows}
        )
        return
    click.echo(f"{page.title or target} ({document_date or 'undated'})")
    if not rows:
        click.echo("No findings.")
    for row in rows:
        click.echo(f"{row['jurisdiction']:32} {row['status']:14} {row['date'] or ''}")
        click.echo(f"    \u201c{row['evidence']}\u201d")


def _optional_config(context: Context) -> Config | None:
    """The configuration when there is one (extract and eval work without it)."""
    if not context.config_path.exists():
        return None
    return context.config()


def _read_target(context: Context, target: str) -> Page:
    from watcher import content
    from watcher.fetch import detect_encoding

    if target.startswith(("http://", "https://")):
        from watcher.fetch import Fetcher, FetchRequest

        config = _optional_config(context)
        agent = config.settings.user_agent if config else f"jurisdiction-watcher/{__version__}"
        result = Fetcher(agent).fetch(FetchRequest(url=target))
        if result.outcome != "ok" or result.text is None:
            click.echo(
                f"error: could not fetch {target}: {result.error or result.outcome}", err=True
            )
            sys.exit(1)
        if result.content_type == "text/plain":
            return content.parse_text(result.text, result.final_url)
        return content.parse_html(result.text, result.final_url)
    path = Path(target)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise click.UsageError(f"cannot read {target}: {error.strerror}") from error
    # Decoded as a fetched page would be: BOM, <meta charset>, then detection.
    text = raw.decode(detect_encoding(raw), errors="replace")
    if content.looks_like_html(text):
        return content.parse_html(text, path.resolve().as_uri())
    return content.parse_text(text, path.resolve().as_uri())


@main.command(name="eval")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def eval_command(context: Context, corpus_dir: Path, as_json: bool) -> None:
    """Score the extractor on a labelled corpus: precision, recall, F1."""
    from watcher.evaluate import CorpusError, evaluate_corpus, format_report
    from watcher.status import Extractor

    config = _optional_config(context)
    extractor = Extractor(
        aliases={j.id: j.aliases for j in config.jurisdictions} if config else {},
        extra_cues=[(c.status, c.pattern) for c in config.cues] if config else (),
    )
    try:
        report = evaluate_corpus(corpus_dir, extractor)
    except CorpusError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if as_json:
        _print_json(report.as_dict())
    else:
        click.echo(format_report(report))


@main.command()
@click.argument("email")
@click.option(
    "--jurisdiction",
    "jurisdictions",
    multiple=True,
    metavar="ID",
    help="A jurisdiction id (repeatable).",
)
@click.option(
    "--state",
    "states",
    multiple=True,
    metavar="ST",
    help="A state: it and everything in it (repeatable).",
)
@click.option(
    "--status",
    "wanted_statuses",
    multiple=True,
    metavar="STATUS",
    help="Only these statuses (repeatable).",
)
@click.option(
    "--digest", type=click.Choice(["daily"]), help="One email a day instead of one per change."
)
@pass_context
def subscribe(
    context: Context,
    email: str,
    jurisdictions: tuple[str, ...],
    states: tuple[str, ...],
    wanted_statuses: tuple[str, ...],
    digest: str | None,
) -> None:
    """Subscribe an address to status changes (all jurisdictions unless narrowed)."""
    import re

    from watcher.status import get_gazetteer
    from watcher.store.subscriptions import add_subscription

    if not re.match(EMAIL_PATTERN, email):
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="EMAIL")
    gazetteer = get_gazetteer()
    for jurisdiction in jurisdictions:
        if not gazetteer.is_known(jurisdiction):
            raise click.BadParameter(
                f"unknown jurisdiction {jurisdiction!r}", param_hint="--jurisdiction"
            )
    states = tuple(s.lower() for s in states)
    for state in states:
        if not gazetteer.is_known(state) or "-" in state:
            raise click.BadParameter(
                f"unknown state {state!r} (use a postal code like IL)", param_hint="--state"
            )
    for wanted in wanted_statuses:
        if wanted not in STATUSES:
            raise click.BadParameter(
                f"unknown status {wanted!r}; one of: {', '.join(STATUSES)}", param_hint="--status"
            )
    with context.store() as store:
        subscription, token = add_subscription(
            store, email, jurisdictions=jurisdictions, states=states,
            statuses=wanted_statuses, digest=digest,
        )  # fmt: skip
    scope = (
        ", ".join(subscription.jurisdictions + tuple(s.upper() for s in subscription.states))
        or "every jurisdiction"
    )
    click.echo(f"Subscribed {email} (#{subscription.id}) to {scope}.")
    click.echo(f"Unsubscribe token: {token}")


@main.command()
@click.argument("email", required=False)
@click.option("--token", help="The token from an alert's unsubscribe link.")
@pass_context
def unsubscribe(context: Context, email: str | None, token: str | None) -> None:
    """Unsubscribe an address (or the subscription of a token); cancels its pending alerts."""
    from watcher.store.subscriptions import unsubscribe_email, unsubscribe_token

    if bool(email) == bool(token):
        raise click.UsageError("give either EMAIL or --token TOKEN")
    with context.store() as store:
        if token:
            if not unsubscribe_token(store, token):
                click.echo("error: that token matches no active subscription", err=True)
                sys.exit(1)
            click.echo("Unsubscribed.")
            return
        count = unsubscribe_email(store, email or "")
    if not count:
        click.echo(f"error: {email} has no active subscription", err=True)
        sys.exit(1)
    click.echo(f"Unsubscribed {email} ({count} subscription{'s' if count > 1 else ''}).")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def subscriptions(context: Context, as_json: bool) -> None:
    """List subscriptions."""
    from dataclasses import asdict

    from watcher.store.subscriptions import list_subscriptions

    with context.store() as store:
        rows = [asdict(s) for s in list_subscriptions(store)]
    if as_json:
        _print_json({"subscriptions": rows})
        return
    if not rows:
        click.echo("No subscriptions.")
    for row in rows:
        scope = ", ".join(list(row["jurisdictions"]) + [s.upper() for s in row["states"]]) or "all"
        click.echo(
            f"#{row['id']:<4} {row['email']:32} {'active' if row['active'] else 'inactive':8} "
            f"{scope}; statuses: {', '.join(row['statuses']) or 'all'}"
            f"{'; daily digest' if row['digest'] else ''}"
        )


@main.command()
@click.option("--pending", "state", flag_value="pending", help="Only pending alerts.")
@click.option("--failed", "state", flag_value="failed", help="Only failed alerts.")
@click.option("--sent", "state", flag_value="sent", help="Only sent alerts.")
@click.option(
    "--given-up", "state", flag_value="given_up", help="Only alerts given up after too long."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def alerts(context: Context, state: str | None, as_json: bool) -> None:
    """List alerts in the outbox: pending, failed, sent or given up."""
    from watcher.store.outbox import list_alerts

    with context.store() as store:
        rows = [dict(row) for row in list_alerts(store, state)]
    if as_json:
        _print_json({"alerts": rows})
        return
    if not rows:
        click.echo("No alerts.")
    for row in rows:
        what = (
            f"{row['jurisdiction']}: {row['from_status'] or 'none'} -> {row['to_status'] or 'none'}"
            if row["kind"] == "status"
            else row["subject"]
        )
        extra = f" attempts {row['attempts']}" if row["attempts"] else ""
        error = f" ({row['last_error']})" if row["last_error"] else ""
        click.echo(f"#{row['id']:<5} {row['state']:9} {row['recipient']:30} {what}{extra}{error}")


@main.command()
@pass_context
def send(context: Context) -> None:
    """Deliver pending alerts now."""
    from watcher.delivery import send_pending

    config = context.config(require_smtp_password=True)
    with context.store() as store:
        summary = send_pending(store, config, respect_backoff=False)
    click.echo(
        f"{summary.sent} sent, {summary.retrying} to retry, {summary.failed} failed, "
        f"{summary.given_up} given up."
    )
    for error in summary.errors or []:
        click.echo(f"  {error}", err=True)
    if summary.auth_failed:
        click.echo("error: SMTP authentication failed; sending is paused", err=True)
    sys.exit(1 if summary.trouble else 0)


@main.command()
@click.option(
    "--source", "source_ids", multiple=True, metavar="ID", help="Only this source (repeatable)."
)
@click.option("--alert", is_flag=True, help="Queue and send alerts for the status changes.")
@pass_context
def reextract(context: Context, source_ids: tuple[str, ...], alert: bool) -> None:
    """Re-run the extractor over stored snapshots and rebuild status histories."""
    from watcher.delivery import send_pending
    from watcher.reextract import reextract as run_reextract
    from watcher.status import Extractor

    config = context.config(require_smtp_password=alert)
    for source_id in source_ids:
        _require_source(context, source_id)
    extractor = Extractor(
        aliases={j.id: j.aliases for j in config.jurisdictions},
        extra_cues=[(c.status, c.pattern) for c in config.cues],
    )
    with context.store() as store:
        result = run_reextract(store, config, extractor, source_ids=source_ids or None, alert=alert)
        click.echo(
            f"Re-read {result.snapshots} snapshots: {result.findings_before} findings before, "
            f"{result.findings_after} after; {len(result.changes)} status changes."
        )
        for change in result.changes:
            click.echo(
                f"  {change.jurisdiction} {change.kind}: {change.from_status or 'none'} -> "
                f"{change.to_status or 'none'}"
            )
        for snapshot_id in result.unreadable:
            click.echo(f"  snapshot {snapshot_id} could not be read again", err=True)
        if alert:
            sent = send_pending(store, config)
            click.echo(f"{result.alerts_queued} alerts queued, {sent.sent} sent.")
            sys.exit(1 if sent.trouble else 0)


@main.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html, changes.atom and statuses.json into.",
)
@pass_context
def report(context: Context, out_dir: Path) -> None:
    """Write a static status board: index.html, changes.atom, statuses.json."""
    from watcher.report import write_report

    config = context.config()
    with context.store() as store:
        written = write_report(store, out_dir, public_url=config.settings.public_url)
    for path in written:
        click.echo(str(path))


@main.command()
@click.option(
    "--keep", type=click.Path(file_okay=False, path_type=Path), help="Keep the demo's files here."
)
def demo(keep: Path | None) -> None:
    """Play a built-in timeline on simulated local sites and print the alert emails."""
    from watcher.demo import run_demo

    sys.exit(run_demo(sys.stdout, folder=keep))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@pass_context
def serve(context: Context, host: str, port: int) -> None:
    """Serve the live status board and self-service subscribe and unsubscribe pages."""
    from watcher.web import serve as run_server

    # serve only queues mail (the daemon or `watcher send` delivers it): no SMTP password here.
    run_server(context.config(), host=host, port=port)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def health(context: Context, as_json: bool) -> None:
    """Daemon heartbeat, each source's last success and failures, selector matches."""
    from watcher.health import format_health, health_report

    config = context.config()
    with context.store() as store:
        report = health_report(store, config, now=datetime.now(UTC))
    if as_json:
        _print_json(report)
    else:
        click.echo(format_health(report))
