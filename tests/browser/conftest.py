"""Browser fixtures: the demo page (scripts/serve_web.py), Debian's Chromium driven by Playwright,
and the session's bot (tests/conftest.py), whose `--cors` lets the page's origin in.

Chromium is /usr/bin/chromium (`make browser-deps`); Playwright's own browser download is never
used. Without Chromium or the widget bundle (`make web/node_modules`) the tests skip locally and
fail with CI=true.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, List, Optional
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import require_service
from tests.servers import ROOT, Bot

if TYPE_CHECKING:  # types only: the browser fixture imports Playwright itself, when a browser test runs
    from playwright.sync_api import Browser, BrowserContext, Dialog, Locator, Page, Request, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUNDLE = ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
REPORTS = ROOT / "reports"
TIMEOUT_MS = 30_000  # one bot turn, widget pause included, is about a second; this is the ceiling
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def require_browser() -> None:
    if not CHROMIUM.exists():
        require_service(f"{CHROMIUM} missing: run `make browser-deps` (apt-get install chromium)")
    if not BUNDLE.is_file():
        require_service(f"widget bundle missing: {BUNDLE} (run `make web/node_modules`, i.e. npm ci --prefix web)")


@pytest.fixture(scope="session")
def browser_ready() -> None:
    """First thing every browser test asks for, so a missing browser skips before the bot starts."""
    require_browser()


@pytest.fixture(scope="session")
def page_server(browser_ready: None, bot: Bot, page_origin: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """scripts/serve_web.py, as `make run` starts it, pointing the widget at the test bot."""
    port = str(urlsplit(page_origin).port)
    log = tmp_path_factory.mktemp("web") / "serve_web.log"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "scripts.serve_web", "--host", "127.0.0.1", "--port", port),
            *("--socket-url", bot.url, "--message-delay-ms", "300"),  # short: the pause is cosmetic
        ],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve_web.py exited:\n{log.read_text()}")
            try:
                if requests.get(page_origin + "/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"serve_web.py not up after 30 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield page_origin
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(browser_ready: None) -> Iterator[Browser]:  # module scope: Playwright's loop must not outlive it
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageGuards:
    """What must never happen on the page: a dialog (alert...), a script error, a request leaving the machine."""

    dialogs: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    external: List[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.dialogs == [], f"a dialog opened: {self.dialogs}"
        assert self.errors == [], f"script errors: {self.errors}"
        assert self.external == [], f"requests left the machine (no CDN at run time): {self.external}"


class Chat:
    """The widget as a person uses it: read the bot, type, tap a reply."""

    BOT_TEXT = ".rw-from-response .rw-message-text"
    USER_TEXT = ".rw-from-client .rw-message-text"
    INPUT = ".rw-new-message"
    TYPING = ".rw-typing-indication"

    def __init__(self, page: Page, guards: PageGuards) -> None:
        self.page = page
        self.guards = guards

    def bot_count(self) -> int:
        return self.page.locator(self.BOT_TEXT).count()

    def bot_texts(self) -> List[str]:
        return self.page.locator(self.BOT_TEXT).all_inner_texts()

    def wait_for_bot(self, text: str) -> None:
        self.page.locator(self.BOT_TEXT).filter(has_text=text).first.wait_for(timeout=TIMEOUT_MS)

    def wait_for_more_bot_messages(self, than: int) -> None:
        self.page.wait_for_function(
            "([selector, count]) => document.querySelectorAll(selector).length > count",
            arg=[self.BOT_TEXT, than],
            timeout=TIMEOUT_MS,
        )

    def wait_until_idle(self) -> None:
        """No message held back by the widget's typing delay."""
        self.page.wait_for_selector(self.TYPING, state="detached", timeout=TIMEOUT_MS)

    def type_message(self, text: str) -> None:
        self.page.locator(self.INPUT).fill(text)
        self.page.locator(self.INPUT).press("Enter")

    def reply_button(self, title: str) -> Locator:
        return self.page.locator(".rw-replies .rw-reply").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))

    def session_id(self) -> Optional[str]:
        return self.page.evaluate("() => (JSON.parse(localStorage.getItem('chat_session') || '{}') || {}).session_id || null")


OpenChat = Callable[..., Chat]  # open_chat(viewport=..., fake_clock=..., **context_options)


@pytest.fixture()
def open_chat(browser: Browser, page_server: str) -> Iterator[OpenChat]:
    """Open the demo page in a fresh browser context (empty storage: a new conversation)."""
    contexts: List[BrowserContext] = []
    guards: List[PageGuards] = []

    def open_(viewport: Optional[ViewportSize] = None, fake_clock: bool = False, **context_options: Any) -> Chat:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, **context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        if fake_clock:  # Playwright's clock: time flows until the test pauses it and runs it on by hand
            page.clock.install()
        guard = PageGuards()
        guards.append(guard)

        def on_dialog(dialog: Dialog) -> None:
            guard.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_request_finished(request: Request) -> None:
            host = urlsplit(request.url).hostname or ""
            if request.url.startswith("http") and host not in LOOPBACK:
                guard.external.append(request.url)

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: guard.errors.append(str(error)))
        page.on("requestfinished", on_request_finished)
        page.goto(page_server + "/")
        chat = Chat(page, guard)
        chat.wait_for_bot("Tell me where it feels tight")  # the greeting: connected, session confirmed
        return chat

    try:
        yield open_
        for guard in guards:
            guard.check()
    finally:
        for context in contexts:
            context.close()


@pytest.fixture(scope="session")
def reports_dir() -> Path:
    REPORTS.mkdir(exist_ok=True)
    return REPORTS
