"""Headless Chromium, driven over the DevTools protocol on a pipe: PNGs, screenshots, checks.

No websocket and no extra package: Chromium started with `--remote-debugging-pipe`
reads protocol commands on file descriptor 3 and writes answers on 4, each a JSON
message ended by a NUL byte. The browser is only ever given local files; it is
started with everything that could reach the network switched off.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adcensus.errors import AdcensusError
from adcensus.write import temporary_folder

BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "msedge",
)
_KNOWN_PATHS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)
TIMEOUT = 30.0  # seconds for one protocol answer; a report loads in well under one

# Run inside the page: what a person would notice is wrong (None when all is well).
_CHECK_PAGE = """(() => {
  const broken = [];
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) broken.push('image not loaded: ' + img.src.slice(0, 80));
  }
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    const label = svg.getAttribute('aria-label') || svg.id || 'svg';
    if (box.width < 1 || box.height < 1) broken.push('chart with no size: ' + label);
    if (/NaN|Infinity|undefined/.test(svg.outerHTML)) broken.push('chart with NaN: ' + label);
    const names = [...svg.querySelectorAll('text.place')].map(t => [t.textContent, t.getBBox()]);
    const dots = [...svg.querySelectorAll('circle')].map(
      c => [c.cx.baseVal.value, c.cy.baseVal.value, c.r.baseVal.value]);
    names.forEach(([a, p], i) => {
      for (const [b, q] of names.slice(i + 1)) {
        if (p.x < q.x + q.width - 1 && q.x < p.x + p.width - 1 &&
            p.y < q.y + q.height - 1 && q.y < p.y + p.height - 1) {
          broken.push('names overlap on ' + label + ': ' + a + ' / ' + b);
        }
      }
      for (const [x, y, r] of dots) {
        const dx = x - Math.min(Math.max(x, p.x), p.x + p.width);
        const dy = y - Math.min(Math.max(y, p.y), p.y + p.height);
        if (Math.hypot(dx, dy) < r - 1) broken.push('name over a circle on ' + label + ': ' + a);
      }
    });
  }
  for (const el of document.querySelectorAll('[src],[href]')) {
    const url = el.getAttribute('src') || el.getAttribute('href');
    if (/^(https?:)?\\/\\//i.test(url)) broken.push('external link: ' + url.slice(0, 80));
  }
  return JSON.stringify({broken: broken, charts: document.querySelectorAll('figure svg').length,
                         title: document.title, lang: document.documentElement.lang});
})()"""


class BrowserError(AdcensusError):
    """Chromium is missing, or did not answer (exit code 1)."""


@dataclass
class PageCheck:
    """What a look at a page found: console errors, broken elements, network requests."""

    console_errors: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: int = 0
    title: str = ""
    lang: str = ""

    @property
    def problems(self) -> list[str]:
        """Everything that should not be there, one line each (empty when the page is sound)."""
        outside = [f"network request: {url}" for url in self.requests]
        return [*self.console_errors, *self.broken, *outside]


def find_browser() -> str | None:
    """The path of Chromium, Chrome or Edge: $ADCENSUS_BROWSER, then the PATH, then usual places."""
    given = os.environ.get("ADCENSUS_BROWSER")
    if given:
        return given if Path(given).is_file() else shutil.which(given)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in _KNOWN_PATHS if Path(path).is_file()), None)


def require_browser() -> str:
    """`find_browser()`, or a BrowserError that says how to get one."""
    if os.name == "nt":
        raise BrowserError(
            "--png needs a POSIX system (Linux, macOS, WSL) to drive Chromium; "
            "leave out --png and take the charts from the HTML report"
        )
    found = find_browser()
    if found is None:
        raise BrowserError(
            "PNG charts are drawn by Chromium, which was not found: install it "
            "(Debian/Ubuntu: apt-get install chromium), or set ADCENSUS_BROWSER to the "
            "path of Chrome or Edge, or leave out --png"
        )
    return found


class Browser:
    """One headless Chromium process and one page, spoken to over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path, width: int = 1200, height: int = 900):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:  # pragma: no cover - runs in the child
            # Chromium reads on fd 3 and writes on fd 4; move them out of the way first.
            high_r, high_w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [
                executable,
                *_FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds,
            close_fds=False,  # the pipes are moved to 3 and 4 after the close would happen
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, False
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def call(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> Any:
        """Send one command and wait for its answer; events met meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(
                        f"Chromium refused {method}: {reply['error'].get('message')}"
                    )
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        """Wait for an event (or return it if it already came)."""
        while True:
            for index, event in enumerate(self.events):
                if event["method"] == method:
                    return self.events.pop(index)
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError(f"Chromium did not answer within {TIMEOUT:.0f} s")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium stopped unexpectedly; try again, or leave out --png")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        result: dict[str, Any] = json.loads(message)
        return result

    def open(self, path: Path) -> None:
        """Load a local file and wait until it has loaded."""
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": path.resolve().as_uri()})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        answer = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in answer:
            raise BrowserError(f"page script failed: {answer['exceptionDetails'].get('text')}")
        return answer["result"].get("value")

    def screenshot(self, clip: dict[str, float] | None = None, scale: float = 1.0) -> bytes:
        """A PNG of the page area `clip` (x, y, width, height in CSS pixels), or of the whole page."""
        if clip is None:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}
        params = {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {**clip, "scale": scale},
        }
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])

    def close(self) -> None:
        """Stop the browser (politely, then for sure)."""
        with suppress(BrowserError, OSError):
            self.call("Browser.close", session=False)
        for fd in (self._to_child, self._from_child):
            with suppress(OSError):
                os.close(fd)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def open_browser(executable: str | None = None, width: int = 1200) -> Iterator[Browser]:
    """A headless browser with a throw-away profile, closed on exit."""
    with temporary_folder("chromium") as profile:
        browser = Browser(executable or require_browser(), Path(profile), width=width)
        try:
            yield browser
        finally:
            browser.close()


def check_page(path: Path, executable: str | None = None) -> PageCheck:
    """Open a local HTML file as a person would and list what is wrong with it.

    Console errors and warnings of level error, uncaught exceptions, failed loads,
    any request that is not a `file:` or `data:` URL, images that did not load,
    charts with no size or with NaN in them.
    """
    with open_browser(executable) as browser:
        browser.open(path)
        found = json.loads(browser.evaluate(_CHECK_PAGE))
        check = PageCheck(
            broken=list(found["broken"]),
            charts=int(found["charts"]),
            title=found["title"],
            lang=found["lang"],
        )
        for event in browser.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                args = params.get("args", [])
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in args)
                check.console_errors.append(f"console.{params['type']}: {text}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                text = details.get("exception", {}).get("description") or details.get("text")
                check.console_errors.append(f"uncaught exception: {text}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                check.console_errors.append(
                    f"console ({params['entry'].get('source')}): {params['entry'].get('text')}"
                )
            elif method == "Network.loadingFailed":
                check.broken.append(f"failed to load: {params.get('errorText')}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    check.requests.append(url)
        return check


def screenshot_page(path: Path, width: int = 1200, executable: str | None = None) -> bytes:
    """A PNG of the whole page at `width` CSS pixels (for the README)."""
    with open_browser(executable, width=width) as browser:
        browser.open(path)
        return browser.screenshot()


def render_elements(
    path: Path, element_ids: list[str], scale: float = 2.0, executable: str | None = None
) -> dict[str, bytes]:
    """PNG pictures of the page elements with these ids, at `scale` × their CSS size."""
    pictures: dict[str, bytes] = {}
    with open_browser(executable) as browser:
        browser.open(path)
        for element_id in element_ids:
            box = browser.evaluate(
                f"(() => {{ const e = document.getElementById({json.dumps(element_id)});"
                " if (!e) return null; const r = e.getBoundingClientRect();"
                " return {x: r.left + window.scrollX, y: r.top + window.scrollY,"
                " width: r.width, height: r.height}; })()"
            )
            if box and box["width"] >= 1 and box["height"] >= 1:
                pictures[element_id] = browser.screenshot(box, scale)
    return pictures
