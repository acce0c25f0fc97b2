"""watcher serve through real HTTP: the app on waitress in a thread, mail through aiosmtpd.

Each test gets its own database, a LocalSite serving a DOJ-style list (crawled for real to
make status changes), an SMTP sink, and a clock it can move (rate limits, link expiry).
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import requests
from waitress import wasyncore

from tests.configs import write_config
from tests.httpsite import LocalSite
from tests.smtpsink import SmtpSink
from watcher.config import Config, load_config
from watcher.delivery import send_pending
from watcher.pipeline import Crawler
from watcher.store import Store
from watcher.store.outbox import list_alerts
from watcher.store.subscriptions import list_subscriptions
from watcher.web import CONTENT_SECURITY_POLICY, client_key, make_server

START = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)
TIMEOUT = 10

LIST_V1 = """<!DOCTYPE html>
<html><head><title>Sanctuary Jurisdiction List</title>
<meta property="article:published_time" content="2025-08-05"></head>
<body><main><h1>Sanctuary Jurisdiction List</h1>
<p>The following have been identified as sanctuary jurisdictions:</p>
<h2>STATES:</h2><ul><li>Oregon</li></ul>
<h2>CITIES:</h2><ul><li>Chicago, IL</li></ul>
</main></body></html>
"""
LIST_V2 = LIST_V1.replace("2025-08-05", "2025-11-06").replace(
    "<li>Chicago, IL</li>", "<li>Chicago, IL</li><li>Boston, MA</li>"
)
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:\d+/confirm\?token=[A-Za-z0-9_%-]+")
UNSUBSCRIBE_LINK = re.compile(r"http://127\.0\.0\.1:\d+/unsubscribe\?token=[A-Za-z0-9_%-]+")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Web:
    """A running `watcher serve` and everything around it."""

    url: str
    config: Config
    clock: Clock
    sink: SmtpSink
    site: LocalSite
    store: Store
    browser: requests.Session

    def get(self, path: str, **options: object) -> requests.Response:
        return self.browser.get(self.url + path, timeout=TIMEOUT, **options)  # type: ignore[arg-type]

    def post(self, path: str, **options: object) -> requests.Response:
        return self.browser.post(self.url + path, timeout=TIMEOUT, **options)  # type: ignore[arg-type]

    def crawl(self, page: str) -> None:
        self.site.set("/list", page)
        Crawler(self.config, self.store, clock=self.clock).crawl()

    def send(self) -> None:
        send_pending(self.store, self.config, now=self.clock.now)

    def mails_to(self, address: str) -> list[str]:
        """Subject and text of every message the sink got for an address."""
        return [
            f"{m.message['Subject']}\n{_text_of(m.message)}"
            for m in self.sink.messages
            if address.lower() in (r.lower() for r in m.rcpt_tos)
        ]


def _text_of(message: object) -> str:
    part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
    return part.get_content() if part is not None else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def web(tmp_path, smtp_sink: SmtpSink) -> Iterator[Web]:
    """`watcher serve` on 127.0.0.1 with public_url pointing at it, a list source crawled once."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    clock = Clock(START)
    with LocalSite() as site:
        path = write_config(
            tmp_path,
            f'[[sources]]\nid = "list"\nurl = "{site.url("/list")}"\nkind = "list"\n',
            smtp_port=smtp_sink.port,
            extra_watcher=f'public_url = "{url}"\n',
        )
        config = load_config(path)
        server, app = make_server(config, "127.0.0.1", port, clock=clock)
        stopping = threading.Event()
        thread = threading.Thread(
            target=serve_until, args=(server, stopping), name="waitress", daemon=True
        )
        thread.start()
        store = Store(config.settings.database)
        browser = requests.Session()
        web = Web(url, config, clock, smtp_sink, site, store, browser)
        web.crawl(LIST_V1)
        try:
            yield web
        finally:
            browser.close()
            stopping.set()
            thread.join(timeout=5)
            assert not thread.is_alive(), "the server loop did not stop"
            wasyncore.close_all(server._map)  # the listener, the trigger, open connections
            server.task_dispatcher.shutdown()
            app.close()
            store.close()


def serve_until(server: Any, stopping: threading.Event) -> None:
    """Run waitress's loop a short turn at a time until told to stop.

    The loop is stopped by a flag it checks, not by waitress's trigger pipe: the test then
    closes the server once the loop has returned, so no socket is closed under a select()."""
    while not stopping.is_set():
        wasyncore.loop(timeout=0.05, map=server._map, count=1)


def form_fields(response: requests.Response) -> dict[str, str]:
    """The hidden fields of the first form on a page."""
    document = lxml.html.fromstring(response.text)
    [form] = document.xpath("//form")[:1]
    return {i.get("name"): i.get("value") for i in form.xpath('.//input[@type="hidden"]')}


def subscribe(
    web: Web, email: str, headers: dict[str, str] | None = None, **fields: str
) -> requests.Response:
    """Open the form, then send it as a browser would (cookie and CSRF token included)."""
    hidden = form_fields(web.get("/subscribe", headers=headers))
    data = {**hidden, "email": email, "digest": "immediate", **fields}
    return web.post("/subscribe", data=data, headers=headers)


def confirmation_link(web: Web, address: str) -> str:
    """Deliver the outbox; the confirmation link of the latest confirmation email."""
    web.send()
    links = [link for mail in web.mails_to(address) for link in CONFIRM_LINK.findall(mail)]
    assert links, web.mails_to(address)
    return links[-1]


def follow(web: Web, link: str) -> requests.Response:
    """Open a link from an email and press the page's button."""
    page = web.browser.get(link, timeout=TIMEOUT)
    assert 200 == page.status_code, page.text
    action = lxml.html.fromstring(page.text).xpath("//form/@action")[0]
    return web.post("/" + action, data=form_fields(page))


def subscribe_and_confirm(web: Web, email: str, **fields: Any) -> requests.Response:
    assert 200 == subscribe(web, email, **fields).status_code
    return follow(web, confirmation_link(web, email))


# --- the board ------------------------------------------------------------------------------


def test_board_atom_and_json_show_the_database_as_it_is_now(web: Web) -> None:
    """The board, changes.atom and statuses.json follow the database without a restart."""
    board = web.get("/")
    assert 200 == board.status_code
    rows = lxml.html.fromstring(board.text).xpath('//tr[@id="j-chicago-il"]')
    assert 1 == len(rows) and "listed" in rows[0].text_content()
    assert [] == lxml.html.fromstring(board.text).xpath('//tr[@id="j-boston-ma"]')
    assert "subscribe" in lxml.html.fromstring(board.text).xpath("//header//a/@href")
    web.crawl(LIST_V2)
    assert 1 == len(lxml.html.fromstring(web.get("/").text).xpath('//tr[@id="j-boston-ma"]'))
    atom = web.get("/changes.atom")
    assert "application/atom+xml; charset=utf-8" == atom.headers["Content-Type"]
    assert "Boston, MA: none -&gt; listed" in atom.text
    data = web.get("/statuses.json").json()
    assert {"boston-ma", "chicago-il", "or"} == {j["id"] for j in data["jurisdictions"]}


def test_every_response_carries_the_security_headers(web: Web) -> None:
    """CSP without scripts or framing, nosniff, no-referrer on pages, errors and refusals."""
    responses = [
        web.get("/"),
        web.get("/subscribe"),
        web.get("/changes.atom"),
        web.get("/nowhere"),
        web.post("/", data={}),
        web.post("/subscribe", data={"email": "a@example.org"}),
        web.get("/unsubscribe", params={"token": "x"}),
    ]
    assert [200, 200, 200, 404, 405, 403, 404] == [r.status_code for r in responses]
    for response in responses:
        assert CONTENT_SECURITY_POLICY == response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src" not in response.headers["Content-Security-Policy"]
        assert "DENY" == response.headers["X-Frame-Options"]
        assert "nosniff" == response.headers["X-Content-Type-Options"]
        assert "no-referrer" == response.headers["Referrer-Policy"]
    assert "GET" == responses[4].headers["Allow"]


# --- subscribe, confirm, alert, one-click unsubscribe --------------------------------------


def test_subscription_starts_on_confirmation_and_then_a_status_change_mails_it(web: Web) -> None:
    """subscribe -> confirmation email -> follow link -> active; a change then mails that person."""
    answer = subscribe(web, "reader@example.org", more="Boston, MA\nchicago-il", states="OR")
    assert 200 == answer.status_code
    assert "Check your inbox" in answer.text
    assert [] == list_subscriptions(web.store)  # not before the link is followed
    link = confirmation_link(web, "reader@example.org")
    [confirmation] = web.mails_to("reader@example.org")
    assert "Boston, MA; Chicago, IL; all of Oregon" in confirmation
    # Opening the link only shows a button: a mail scanner that opens links subscribes no one.
    opened = web.browser.get(link, timeout=TIMEOUT)
    assert "Confirm my subscription" in opened.text
    assert [] == list_subscriptions(web.store)
    confirmed = follow(web, link)
    assert 200 == confirmed.status_code
    assert "Subscription confirmed" in confirmed.text
    [subscription] = list_subscriptions(web.store)
    assert ("reader@example.org", True) == (subscription.email, subscription.active)
    assert ("boston-ma", "chicago-il") == subscription.jurisdictions
    assert ("or",) == subscription.states

    web.crawl(LIST_V2)  # Boston joins the list
    web.send()
    mails = web.mails_to("reader@example.org")
    assert 3 == len(mails)  # confirmation, welcome, alert
    assert "Boston, MA: none -> listed" in mails[2]
    [alert] = [m.message for m in web.sink.messages if "listed" in str(m.message["Subject"])]
    assert "List-Unsubscribe=One-Click" == alert["List-Unsubscribe-Post"]
    unsubscribe_url = alert["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url.startswith(web.url + "/unsubscribe?token=")


def test_welcome_email_lists_the_current_statuses_of_what_was_subscribed(web: Web) -> None:
    """After confirmation, a welcome email says where each subscribed place stands now."""
    subscribe_and_confirm(web, "il@example.org", states="Illinois", more="Boston, MA")
    web.send()
    welcome = web.mails_to("il@example.org")[-1]
    assert "[watcher] Subscribed" in welcome
    assert "Chicago, IL: federal status listed (evidence of 2025-08-05)" in welcome
    assert "Boston, MA: no status recorded yet" in welcome
    assert "Oregon:" not in welcome  # not subscribed to
    assert UNSUBSCRIBE_LINK.search(welcome)
    assert f"Status board: {web.url}/" in welcome


def test_one_click_post_unsubscribes_without_a_page_and_a_replay_is_refused(web: Web) -> None:
    """RFC 8058: a POST of List-Unsubscribe=One-Click to the header's URL ends the subscription."""
    subscribe_and_confirm(web, "click@example.org")
    web.crawl(LIST_V2)
    web.send()
    [alert] = [m.message for m in web.sink.messages if "listed" in str(m.message["Subject"])]
    url = alert["List-Unsubscribe"].strip("<>")
    stranger = requests.Session()  # a mail provider: no cookie, no CSRF token
    first = stranger.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=TIMEOUT)
    assert 200 == first.status_code
    assert [False] == [s.active for s in list_subscriptions(web.store)]
    replay = stranger.post(url, data={"List-Unsubscribe": "One-Click"}, timeout=TIMEOUT)
    assert 410 == replay.status_code


def test_one_click_post_may_come_as_multipart(web: Web) -> None:
    """RFC 8058 lets the one-click body be multipart/form-data: it unsubscribes too."""
    subscribe_and_confirm(web, "multi@example.org")
    web.send()
    [url] = UNSUBSCRIBE_LINK.findall(web.mails_to("multi@example.org")[-1])
    answer = requests.post(url, files={"List-Unsubscribe": (None, "One-Click")}, timeout=TIMEOUT)
    assert 200 == answer.status_code
    assert [False] == [s.active for s in list_subscriptions(web.store)]


def test_unsubscribe_page_asks_first_and_its_button_cancels_pending_alerts(web: Web) -> None:
    """GET shows a button and changes nothing; POSTing it unsubscribes and cancels alerts."""
    subscribe_and_confirm(web, "page@example.org")
    web.send()
    [url] = UNSUBSCRIBE_LINK.findall(web.mails_to("page@example.org")[-1])
    web.crawl(LIST_V2)  # an alert is now pending for the subscriber
    assert ["pending"] == [a["state"] for a in list_alerts(web.store) if a["kind"] == "status"]
    page = web.browser.get(url, timeout=TIMEOUT)
    assert 200 == page.status_code
    assert ["Unsubscribe"] == lxml.html.fromstring(page.text).xpath("//button/text()")
    assert [True] == [s.active for s in list_subscriptions(web.store)]
    done = web.post("/unsubscribe", data=form_fields(page))
    assert 200 == done.status_code
    assert "You are unsubscribed" in done.text
    assert [False] == [s.active for s in list_subscriptions(web.store)]
    assert ["cancelled"] == [a["state"] for a in list_alerts(web.store) if a["kind"] == "status"]
    assert "Already unsubscribed" in web.browser.get(url, timeout=TIMEOUT).text


def test_wrong_truncated_and_empty_tokens_are_refused(web: Web) -> None:
    """Unsubscribe and confirm refuse tokens that are wrong, cut short or missing."""
    subscribe_and_confirm(web, "tokens@example.org")
    web.send()
    [url] = UNSUBSCRIBE_LINK.findall(web.mails_to("tokens@example.org")[-1])
    token = url.split("token=", 1)[1]
    for bad in (token[:-1], token[:10], token + "A", "A" * len(token), "", "<script>"):
        one_click = requests.post(
            f"{web.url}/unsubscribe",
            params={"token": bad},
            data={"List-Unsubscribe": "One-Click"},
            timeout=TIMEOUT,
        )
        assert 404 == one_click.status_code, bad
        assert 404 == web.get("/unsubscribe", params={"token": bad}).status_code
        assert 404 == web.get("/confirm", params={"token": bad}).status_code
        assert "<script>" not in one_click.text
    assert [True] == [s.active for s in list_subscriptions(web.store)]


def test_confirming_twice_is_harmless_and_an_old_link_expires(web: Web) -> None:
    """A second confirmation changes nothing; a link older than its life is refused."""
    subscribe(web, "twice@example.org")
    link = confirmation_link(web, "twice@example.org")
    page = web.browser.get(link, timeout=TIMEOUT)
    assert "Subscription confirmed" in web.post("/confirm", data=form_fields(page)).text
    again = web.post("/confirm", data=form_fields(page))
    assert 200 == again.status_code
    assert "Already confirmed" in again.text
    assert "twice@example.org" not in again.text
    assert 1 == len(list_subscriptions(web.store))
    web.send()
    assert 2 == len(web.mails_to("twice@example.org"))  # confirmation and one welcome

    subscribe(web, "late@example.org")
    late = confirmation_link(web, "late@example.org")
    web.clock.advance(timedelta(days=2, minutes=1))
    assert 404 == web.browser.get(late, timeout=TIMEOUT).status_code
    assert ["twice@example.org"] == [s.email for s in list_subscriptions(web.store)]


def test_the_same_scope_confirmed_again_does_not_double_the_alerts(web: Web) -> None:
    """Asking twice for the same subscription, and confirming both, keeps one subscription."""
    subscribe_and_confirm(web, "same@example.org", more="Boston, MA")
    subscribe_and_confirm(web, "Same@Example.org", more="boston-ma")
    assert 1 == len(list_subscriptions(web.store))


# --- CSRF, rate limits, privacy, escaping ------------------------------------------------


def test_posts_without_a_valid_csrf_token_are_refused(web: Web) -> None:
    """Subscribe, confirm and the unsubscribe form refuse a POST without the cookie's token."""
    hidden = form_fields(web.get("/subscribe"))
    data = {"email": "victim@example.org", "digest": "immediate"}
    outsider = requests.Session()  # another site's form: no cookie of ours
    assert 403 == outsider.post(f"{web.url}/subscribe", data={**hidden, **data}).status_code
    assert 403 == web.post("/subscribe", data=data).status_code
    assert 403 == web.post("/subscribe", data={**data, "csrf": hidden["csrf"][:-2]}).status_code
    web.send()
    assert [] == web.mails_to("victim@example.org")

    subscribe(web, "csrf@example.org")
    link = confirmation_link(web, "csrf@example.org")
    token = link.split("token=", 1)[1]
    assert 403 == outsider.post(f"{web.url}/confirm", data={"token": token}).status_code
    assert [] == list_subscriptions(web.store)
    follow(web, link)
    web.send()
    [url] = UNSUBSCRIBE_LINK.findall(web.mails_to("csrf@example.org")[-1])
    form = form_fields(web.browser.get(url, timeout=TIMEOUT))
    assert 403 == outsider.post(f"{web.url}/unsubscribe", data={"token": form["token"]}).status_code
    assert [True] == [s.active for s in list_subscriptions(web.store)]


def test_one_client_may_send_ten_requests_an_hour(web: Web) -> None:
    """The eleventh subscribe POST within an hour gets 429; an hour later it passes."""
    codes = [subscribe(web, f"n{i}@example.org").status_code for i in range(10)]
    assert [200] * 10 == codes
    refused = subscribe(web, "n10@example.org")
    assert 429 == refused.status_code
    assert "3600" == refused.headers["Retry-After"]
    web.send()
    assert [] == web.mails_to("n10@example.org")
    web.clock.advance(timedelta(minutes=61))
    assert 200 == subscribe(web, "n11@example.org").status_code


def test_clients_behind_the_local_proxy_are_counted_apart(web: Web) -> None:
    """Behind a reverse proxy on loopback, X-Forwarded-For names the client that is limited."""
    for i in range(10):
        answer = subscribe(web, f"p{i}@example.org", headers={"X-Forwarded-For": "203.0.113.7"})
        assert 200 == answer.status_code
    assert (
        429
        == subscribe(web, "p@example.org", headers={"X-Forwarded-For": "203.0.113.7"}).status_code
    )
    assert (
        200
        == subscribe(web, "q@example.org", headers={"X-Forwarded-For": "198.51.100.2"}).status_code
    )


def test_an_address_gets_at_most_three_confirmations_a_day_with_the_same_answer(
    web: Web,
) -> None:
    """Five requests for one address send three emails; all five get the same page."""
    pages = []
    for spelling in ("target@example.org", "Target@example.org", "TARGET@example.org") * 2:
        answer = subscribe(web, spelling)
        pages.append((answer.status_code, _main_text(answer)))
    assert 1 == len(set(pages))
    web.send()
    assert 3 == len(web.mails_to("target@example.org"))
    web.clock.advance(timedelta(days=1, minutes=1))
    subscribe(web, "target@example.org")
    web.send()
    assert 4 == len(web.mails_to("target@example.org"))


def _main_text(response: requests.Response) -> str:
    return " ".join(lxml.html.fromstring(response.text).xpath("string(//main)").split())


def test_the_answer_never_says_whether_an_address_is_subscribed(web: Web) -> None:
    """Subscribing a subscribed address and a new one get the very same page."""
    subscribe_and_confirm(web, "known@example.org")
    known = subscribe(web, "known@example.org")
    unknown = subscribe(web, "unknown@example.org")
    assert (known.status_code, _main_text(known)) == (unknown.status_code, _main_text(unknown))
    for response in (known, unknown, web.get("/"), web.get("/statuses.json")):
        assert "known@example.org" not in response.text


def test_form_errors_show_what_was_typed_escaped(web: Web) -> None:
    """Bad input comes back as messages with the input escaped, never as markup."""
    answer = subscribe(
        web,
        '"><script>alert(1)</script>@x',
        more="<img src=x onerror=alert(1)>",
        states="Atlantis",
        status="<b>bold</b>",
    )
    assert 400 == answer.status_code
    document = lxml.html.fromstring(answer.text)
    assert [] == document.xpath("//script | //img | //b")
    errors = " ".join(document.xpath('//div[@class="errors"]//li/text()'))
    assert "Unknown jurisdiction: “<img src=x onerror=alert(1)>”." in errors
    assert "Unknown state: “Atlantis”." in errors
    assert "Enter an email address" in errors
    assert '"><script>alert(1)</script>@x' == document.xpath('//input[@name="email"]/@value')[0]
    assert [] == list_alerts(web.store)


def test_unconfirmed_addresses_are_forgotten_once_their_link_expires(web: Web) -> None:
    """A pending subscription nobody confirmed leaves the database after its link's life."""
    subscribe(web, "stranger@example.org")
    web.clock.advance(timedelta(days=3))
    subscribe(web, "later@example.org")
    emails = [row["email"] for row in web.store.query("SELECT email FROM pending_subscriptions")]
    assert ["later@example.org"] == emails


def test_a_body_over_the_limit_is_refused(web: Web) -> None:
    """A POST body over 16 KiB is refused before the application reads it."""
    hidden = form_fields(web.get("/subscribe"))
    answer = web.post(
        "/subscribe", data={**hidden, "email": "big@example.org", "more": "x" * 20000}
    )
    assert 413 == answer.status_code


def test_client_key_groups_an_ipv6_host_by_its_network() -> None:
    """IPv4 clients count one by one; IPv6 by /64, as one host may own the whole of it."""
    assert "203.0.113.7" == client_key("203.0.113.7")
    assert "203.0.113.7" == client_key("::ffff:203.0.113.7")
    assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert "2001:db8:1:2::/64" == client_key("2001:db8:1:2::1")


def test_serve_answers_until_sigterm_then_exits_cleanly(tmp_path) -> None:
    """serve() in its own process answers HTTP, and SIGTERM (systemd's stop) ends it with 0."""
    port = _free_port()
    path = write_config(tmp_path, "", extra_watcher=f'public_url = "http://127.0.0.1:{port}"\n')
    code = (
        "import logging, sys; logging.basicConfig(level=logging.INFO, stream=sys.stderr)\n"
        "from watcher.config import load_config\nfrom watcher.web import serve\n"
        f"serve(load_config({str(path)!r}), '127.0.0.1', {port})\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "serve did not start in 30 s"
                assert process.poll() is None, process.communicate()[1]
                time.sleep(0.05)
        assert 200 == answer.status_code
        assert "watcher" == answer.headers["Server"]
        process.send_signal(signal.SIGTERM)
        _out, errors = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert 0 == process.returncode, errors
    assert f"serving on 127.0.0.1:{port}" in errors
