"""watcher serve in a real browser: headless Chromium fills the subscribe form, follows the
confirmation link from the email and presses its button.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
messages ending in NUL on file descriptors 3 and 4), so no driver package is needed. The
form is filled the way a person does it: focus a field, type, click; no script runs in the
page (its Content-Security-Policy forbids scripts anyway). Like test_board_browser, this
fails rather than skips when Chromium is missing.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.chromium import chromium, headless_flags
from tests.smtpsink import SmtpSink
from tests.test_web import CONFIRM_LINK, Web, web  # noqa: F401 -- the fixture
from watcher.store.subscriptions import list_subscriptions

STEP_TIMEOUT = 30  # seconds for one browser step; a cold start on a slow machine takes a few


class DevToolsError(Exception):
    """Chromium answered a command with an error, or did not answer in time."""


class Chromium:
    """A headless Chromium and one page of it, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # Above 4, so that putting one end on fd 3 cannot overwrite the other before it moves.
        to_browser_read = _move_above(to_browser_read, 10)
        from_browser_write = _move_above(from_browser_write, 10)
        # The protocol wants its pipe on fds 3 and 4 of the browser: bash puts them there.
        command = [
            "bash",
            "-c",
            f'exec "$0" "$@" 3<&{to_browser_read} 4>&{from_browser_write}',
            chromium(),
            *headless_flags(profile),
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            command,
            pass_fds=(to_browser_read, from_browser_write),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next_id = 0
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.console: list[str] = []  # console messages and log entries of the page
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="devtools", daemon=True)
        self._reader.start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=True)

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    self._dispatch(json.loads(raw))

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            with self._lock:
                waiting = self._replies.get(message["id"])
            if waiting is not None:
                waiting.put(message)
            return
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.console.append(str(params.get("exceptionDetails", {}).get("text", "")))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.console.append(f"{entry.get('level')}: {entry.get('text')}")
        self._events.put(message)

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and return its result."""
        with self._lock:
            self._next_id += 1
            command_id = self._next_id
            waiting: queue.Queue[dict[str, Any]] = queue.Queue()
            self._replies[command_id] = waiting
        message: dict[str, Any] = {"id": command_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode("utf-8") + b"\0")
        try:
            reply = waiting.get(timeout=STEP_TIMEOUT)
        except queue.Empty as error:
            raise DevToolsError(f"{method}: no answer in {STEP_TIMEOUT} s") from error
        if "error" in reply:
            raise DevToolsError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for_load(self) -> None:
        """Wait until the page fires its load event."""
        while True:
            try:
                event = self._events.get(timeout=STEP_TIMEOUT)
            except queue.Empty as error:
                raise DevToolsError(f"no page load in {STEP_TIMEOUT} s") from error
            if event.get("method") == "Page.loadEventFired":
                return

    def open(self, url: str) -> None:
        """Navigate to a URL and wait for it to load."""
        self._drain_events()
        result = self.call("Page.navigate", session=True, url=url)
        if result.get("errorText"):
            raise DevToolsError(f"{url}: {result['errorText']}")
        self.wait_for_load()

    def _drain_events(self) -> None:
        while not self._events.empty():
            self._events.get_nowait()

    def node(self, selector: str) -> int:
        """The node id of the element a CSS selector finds."""
        root = self.call("DOM.getDocument", session=True)["root"]["nodeId"]
        found = self.call("DOM.querySelector", session=True, nodeId=root, selector=selector)
        if not found.get("nodeId"):
            raise DevToolsError(f"nothing matches {selector!r}")
        return int(found["nodeId"])

    def type_into(self, selector: str, text: str) -> None:
        """Focus a field and type text into it, as a keyboard would."""
        self.call("DOM.focus", session=True, nodeId=self.node(selector))
        self.call("Input.insertText", session=True, text=text)

    def click(self, selector: str) -> None:
        """Click the middle of an element with the mouse."""
        node = self.node(selector)
        self.call("DOM.scrollIntoViewIfNeeded", session=True, nodeId=node)
        quad = self.call("DOM.getBoxModel", session=True, nodeId=node)["model"]["content"]
        x = sum(quad[0::2]) / 4
        y = sum(quad[1::2]) / 4
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                session=True,
                type=kind,
                x=x,
                y=y,
                button="left",
                clickCount=1,
            )

    def click_and_wait(self, selector: str) -> None:
        """Click something that loads a new page, and wait for it."""
        self._drain_events()
        self.click(selector)
        self.wait_for_load()

    def html(self) -> str:
        """The page's DOM as HTML now."""
        root = self.call("DOM.getDocument", session=True)["root"]["nodeId"]
        return str(self.call("DOM.getOuterHTML", session=True, nodeId=root)["outerHTML"])

    def close(self) -> None:
        """Ask the browser to quit; kill it if it does not."""
        try:
            self.call("Browser.close")
        except (DevToolsError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)


def _move_above(fd: int, lowest: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, lowest)
    os.close(fd)
    return moved


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    """A headless Chromium with a throwaway profile."""
    chrome = Chromium(tmp_path / "profile")
    try:
        yield chrome
    finally:
        chrome.close()


def test_a_person_subscribes_in_the_browser_and_confirms_from_the_email(
    web: Web,  # noqa: F811 -- the fixture imported above
    browser: Chromium,
    smtp_sink: SmtpSink,
) -> None:
    """Fill the form, follow the emailed link, press confirm: the page says so, and it is so."""
    browser.open(f"{web.url}/subscribe")
    browser.type_into("#email", "browser@example.org")
    browser.click('input[name="jurisdiction"][value="chicago-il"]')
    browser.type_into("#states", "Oregon")
    browser.click('input[name="status"][value="listed"]')
    browser.click('input[name="digest"][value="daily"]')
    browser.click_and_wait("#subscribe")
    sent = lxml.html.fromstring(browser.html())
    assert "Check your inbox" == sent.xpath("string(//h1)")

    web.send()
    [link] = [
        found
        for mail in web.mails_to("browser@example.org")
        for found in CONFIRM_LINK.findall(mail)
    ]
    browser.open(link)
    shown = lxml.html.fromstring(browser.html())
    assert "Confirm your subscription" == shown.xpath("string(//h1)")
    assert "Chicago, IL; all of Oregon" in shown.xpath("string(//dl)")
    assert [] == list_subscriptions(web.store)
    browser.click_and_wait("#confirm")
    confirmed = lxml.html.fromstring(browser.html())
    assert "Subscription confirmed" == confirmed.xpath("string(//h1)")

    [subscription] = list_subscriptions(web.store)
    assert ("browser@example.org", True) == (subscription.email, subscription.active)
    assert (("chicago-il",), ("or",), ("listed",), "daily") == (
        subscription.jurisdictions,
        subscription.states,
        subscription.statuses,
        subscription.digest,
    )
    assert [] == browser.console  # no CSP violation, no script, no failed load
    assert [] == confirmed.xpath("//script")
    assert {"csrf", "token"} <= set(form_fields_of(shown))


def form_fields_of(document: Any) -> dict[str, str]:
    return {i.get("name"): i.get("value") for i in document.xpath('//input[@type="hidden"]')}
