"""Browser tests of the sandbox's page: Playwright driving the machine's Chromium (Debian's package).

One browser for the whole session; each test gets its own emulated workspace with Truce (on the
test database, SQLite or PostgreSQL), the page served for it on a free port, and a fresh browser
context. Without Chromium the tests are skipped on a developer's machine, and fail in CI
(`CI=true`), where `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import clock
from bot.sandbox.stack import SandboxStack
from bot.sandbox.web.app import PageServer, WebSandbox

CHROMIUM = os.environ.get("TRUCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1360, "height": 820}


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not at {CHROMIUM}: `apt-get install chromium` (or set TRUCE_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def workspace(db) -> Iterator[tuple[SandboxStack, str]]:
    """The emulated workspace with Truce, and the page's address."""
    stack = SandboxStack(engine=db)
    server = PageServer(WebSandbox(stack), host="127.0.0.1", port=0).start()
    try:
        yield stack, server.url
    finally:
        server.stop()
        stack.stop()
        clock.reset()


@pytest.fixture
def page(browser, workspace):
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the page's JavaScript failed: {errors}"


@pytest.fixture
def shot(tmp_path):
    """Take a screenshot of the story's moment. With TRUCE_SCREENSHOTS=1 (`make screenshots`) it is
    saved into docs/screenshots/ (the README shows them); otherwise into the test's temporary folder,
    so a test run leaves the checkout as it was."""
    folder = SHOTS if os.environ.get("TRUCE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, *, toast: bool = False) -> Path:
        path = folder / f"{name}.png"
        page.mouse.move(1, 1)  # no hover toolbar in the picture, no text caret
        page.evaluate("document.activeElement && document.activeElement.blur()")
        if not toast:
            page.evaluate("document.getElementById('toast').hidden = true")
        page.wait_for_timeout(150)
        page.screenshot(path=str(path))
        return path

    return take
