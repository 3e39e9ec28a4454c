"""Load an HTML file in headless Chromium and report what happened: console messages, errors, a screenshot.

Talks the Chrome DevTools Protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4,
NUL-terminated JSON messages), so it needs nothing beyond the standard library and a Chromium binary.
Used by the report test and by scripts/screenshot_report.py.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else a known system path, else None."""
    env = os.environ.get("CHROMIUM")
    if env and Path(env).is_file():
        return env
    for path in CHROMIUM_CANDIDATES:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium")
    return found


@dataclass
class PageResult:
    """What loading a page produced."""

    console: list[dict[str, Any]] = field(default_factory=list)  # {"type": "log"|"error"|..., "text": ...}
    exceptions: list[str] = field(default_factory=list)  # uncaught JS exceptions
    log_entries: list[dict[str, Any]] = field(default_factory=list)  # browser log (CSP, network, ...)
    evaluated: dict[str, Any] = field(default_factory=dict)  # expression -> JSON value
    screenshot: Path | None = None
    height: int = 0

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error-level browser log entries."""
        out = [m["text"] for m in self.console if m.get("type") in ("error", "assert")]
        out += self.exceptions
        out += [e.get("text", "") for e in self.log_entries if e.get("level") == "error"]
        return out


class _Pipe:
    def __init__(self, proc: subprocess.Popen, write_fd: int, read_fd: int, timeout: float):
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.deadline = time.monotonic() + timeout
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.write_fd, json.dumps(msg).encode("utf-8") + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> dict:
        for i, ev in enumerate(self.events):
            if ev.get("method") == method:
                return self.events.pop(i)
        while True:
            ev = self._read()
            if ev.get("method") == method:
                return ev
            self.events.append(ev)

    def _read(self) -> dict:
        import select

        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("headless Chromium did not answer in time")
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("headless Chromium closed the DevTools pipe (did it crash?)")
                self.buffer += chunk
            elif self.proc.poll() is not None:
                raise RuntimeError(f"headless Chromium exited with code {self.proc.returncode}")
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)


def load_page(
    html_path: str | Path,
    *,
    screenshot: str | Path | None = None,
    width: int = 1400,
    evaluate: tuple[str, ...] = (),
    chromium: str | None = None,
    timeout: float = 60.0,
    max_height: int = 16000,
) -> PageResult:
    """Open a local HTML file in headless Chromium (no network), collect console output, evaluate
    expressions, and optionally save a full-page PNG screenshot at the given CSS width."""
    binary = chromium or find_chromium()
    if not binary:
        raise FileNotFoundError(
            "Chromium not found (install it with scripts/install_chromium.sh or set $CHROMIUM)"
        )
    url = Path(html_path).resolve().as_uri()
    result = PageResult()
    with tempfile.TemporaryDirectory(prefix="im-chromium-") as profile:
        # fd 3: Chromium reads commands; fd 4: Chromium writes replies.
        cmd_r, cmd_w = os.pipe()
        rep_r, rep_w = os.pipe()

        def child_fds() -> None:  # runs in the child before exec: put the pipe ends on fds 3 and 4
            import fcntl

            high_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)  # via high numbers, so neither clobbers the other
            high_w = fcntl.fcntl(rep_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)  # dup2 leaves the copies inheritable across exec
            os.dup2(high_w, 4)

        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",  # nothing leaves the machine
            f"--user-data-dir={profile}", "--remote-debugging-pipe", f"--window-size={width},900",
            "about:blank",
        ]  # fmt: skip
        proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False,
        )  # fmt: skip
        os.close(cmd_r)
        os.close(rep_w)
        pipe = _Pipe(proc, cmd_w, rep_r, timeout)
        try:
            target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            pipe.send("Page.navigate", {"url": url}, session=session)
            pipe.wait_event("Page.loadEventFired")
            time.sleep(0.3)  # let late console messages arrive
            for expr in evaluate:
                value = pipe.send(
                    "Runtime.evaluate",
                    # promises resolve before the next expression; as a user gesture, so media may play
                    {"expression": expr, "returnByValue": True, "awaitPromise": True, "userGesture": True},
                    session=session,
                )
                result.evaluated[expr] = value.get("result", {}).get("value")
            metrics = pipe.send("Page.getLayoutMetrics", session=session)
            size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
            result.height = int(math_ceil(size.get("height", 900)))
            if screenshot is not None:
                height = min(max(result.height, 300), max_height)
                pipe.send(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                    session=session,
                )
                shot = pipe.send(
                    "Page.captureScreenshot",
                    {"format": "png", "captureBeyondViewport": True,
                     "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
                    session=session,
                )  # fmt: skip
                out = Path(screenshot)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(base64.b64decode(shot["data"]))
                result.screenshot = out
            # Drain whatever events are already buffered.
            for ev in pipe.events:
                _collect(ev, result)
            try:
                pipe.send("Browser.close")
            except (RuntimeError, TimeoutError):
                pass
        finally:
            os.close(cmd_w)
            os.close(rep_r)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return result


def math_ceil(x: float) -> int:
    return int(-(-float(x) // 1))


def _collect(ev: dict, result: PageResult) -> None:
    method = ev.get("method")
    params = ev.get("params", {})
    if method == "Runtime.consoleAPICalled":
        text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
        result.console.append({"type": params.get("type", ""), "text": text})
    elif method == "Runtime.exceptionThrown":
        details = params.get("exceptionDetails", {})
        desc = (details.get("exception") or {}).get("description") or details.get("text", "exception")
        result.exceptions.append(str(desc))
    elif method == "Log.entryAdded":
        entry = params.get("entry", {})
        result.log_entries.append(
            {"level": entry.get("level"), "text": entry.get("text", ""), "url": entry.get("url")}
        )
