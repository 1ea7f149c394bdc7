"""Browser tests: Debian's Chromium driven by Playwright, the app served by uvicorn on
loopback, and a page that records every request and lets none leave.

Chromium: ``/usr/bin/chromium`` (``apt-get install chromium chromium-driver``);
Playwright's own browser download is never used. Without Chromium (or the playwright
package) the browser tests are skipped with the reason, unless
``FORCEGEN_REQUIRE_BROWSER=1`` (``.ci/run``): then they fail.

Screenshots go to the folder named by ``FORCEGEN_TEST_ARTIFACTS`` (default
``tests/artifacts/``, git-ignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_VARIABLE = "FORCEGEN_REQUIRE_BROWSER"
ARTIFACTS_VARIABLE = "FORCEGEN_TEST_ARTIFACTS"
NO_CHROMIUM = "no Chromium: apt-get install chromium chromium-driver"
TIMEOUT_MS = 15_000
"""Longest wait for a page, a chart or a what-if [ms]."""


def artifacts_dir() -> Path:
    """The folder for screenshots (created)."""
    default = Path(__file__).resolve().parents[1] / "artifacts"
    folder = Path(os.environ.get(ARTIFACTS_VARIABLE) or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _missing(reason: str) -> None:
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{reason} ({REQUIRE_VARIABLE}=1: the browser tests must run)")
    pytest.skip(reason)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium (Playwright ``Browser``); skips (or fails, see the
    module) when it or the playwright package is missing."""
    if not CHROMIUM.exists():
        _missing(f"{NO_CHROMIUM} ({CHROMIUM} not found)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("no playwright package: pip install -e '.[test]' (and " + NO_CHROMIUM + ")")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> socket.socket:
    """A listening-ready socket bound to a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a background thread on 127.0.0.1 (a free port);
    yields its origin, e.g. ``http://127.0.0.1:40123``."""
    import uvicorn

    sock = free_port()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@dataclass
class Watched:
    """What a page did: every request URL, those refused (not on the allowed origin),
    console errors, console warnings (Vega's "WARN ..." among them: the dashboard's
    browser tests require none; they are not in :meth:`problems`) and page errors."""

    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that should not have happened, one line each."""
        return (
            [f"request left the allowed origin: {url}" for url in self.refused]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
        )


def watch(page: Any, allowed: str) -> Watched:
    """Record ``page``'s requests, console errors and warnings (Vega's "WARN ..." among
    them) and page errors; abort every request
    whose URL does not start with ``allowed`` (an origin such as
    ``http://127.0.0.1:40123/``, or ``file://``) and note it as refused."""
    seen = Watched()
    page.on("request", lambda request: seen.requests.append(request.url))

    def console(message: Any) -> None:
        if message.type == "error":
            seen.console_errors.append(message.text)
        elif message.type == "warning":
            seen.console_warnings.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(allowed):
            route.continue_()
        else:
            seen.refused.append(url)
            route.abort()

    page.route("**/*", route)
    return seen


def wait_for_body_state(
    page: Any, key: str, waiting: tuple[str, ...], timeout_ms: int = TIMEOUT_MS
) -> str:
    """Poll ``document.body.dataset[key]`` (page.evaluate: the app's CSP forbids the eval
    that ``wait_for_function`` needs) until it is set and not one of ``waiting``; returns
    it. Fails the test, naming the attribute and its last value, after ``timeout_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    script = f"document.body ? (document.body.dataset[{key!r}] ?? null) : null"
    while True:
        value = page.evaluate(script)
        if value is not None and value not in waiting:
            return str(value)
        if time.monotonic() > deadline:
            pytest.fail(
                f"body[data-{key}] still {value!r} after {timeout_ms} ms "
                f"(waiting for a value other than {', '.join(waiting) or 'unset'})"
            )
        time.sleep(0.025)


def wait_for_charts(page: Any) -> str:
    """Wait until the page's charts are drawn: ``body[data-charts]`` is "pending" (base.html)
    until app.js sets it (see docs/web.md); returns the new value ("drawn" or "error")."""
    return wait_for_body_state(page, "charts", ("pending",))


def wait_for_whatif(page: Any) -> str:
    """Wait until the explorer's what-if is settled: ``body[data-whatif]`` neither
    "busy" nor "" (the test's own mark); returns "ready" or "error"."""
    return wait_for_body_state(page, "whatif", ("busy", ""))


CHART_CHECK = """
() => Array.from(document.querySelectorAll('figure.chart')).map((figure) => {
  const svg = figure.querySelector('svg');
  if (figure.dataset.empty === 'true') {
    return {id: figure.id || figure.dataset.spec, svg: !!svg, empty: figure.textContent.trim()};
  }
  if (!svg) return {id: figure.id || figure.dataset.spec, svg: false};
  const box = svg.getBoundingClientRect();
  return {
    id: figure.id || figure.dataset.spec,
    svg: true,
    width: box.width,
    height: box.height,
    marks: svg.querySelectorAll('path, rect, line, circle, text').length,
    paths: svg.querySelectorAll('.mark-rect path, .mark-line path, .mark-area path, '
      + '.mark-symbol path, .mark-arc path, .mark-shape path, .mark-rule line, '
      + '.mark-geoshape path, .mark-trail path, .mark-image image').length,
  };
})
"""
"""One entry per ``figure.chart``: has an SVG, its size [CSS px], its elements, and the
marks Vega drew (bars, lines, areas, points, arcs, shapes, rules)."""


def chart_problems(page: Any) -> list[str]:
    """Why a chart on the page is not drawn (empty if all are): no SVG, zero size, or
    no marks. A chart without data (``data-empty``) must say "nothing to show" instead."""
    problems = []
    for chart in page.evaluate(CHART_CHECK):
        name = chart["id"]
        if "empty" in chart:
            if chart["empty"] != "nothing to show" or chart["svg"]:
                problems.append(
                    f"{name}: empty, but shows {chart['empty']!r} (svg: {chart['svg']})"
                )
        elif not chart["svg"]:
            problems.append(f"{name}: no <svg>")
        elif chart["width"] <= 0 or chart["height"] <= 0:
            problems.append(f"{name}: svg of size {chart['width']}x{chart['height']}")
        elif chart["paths"] == 0:
            problems.append(f"{name}: svg without marks ({chart['marks']} elements)")
    return problems
