#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Opens an HTML report in headless Chromium and checks that it is self-contained.

    chromium_test.py [--chromium PATH] [--expect CLASS=N ...] [--screenshot FILE] PAGE.html
    chromium_test.py [--chromium PATH] --self-test

Fails (exit status 1) when the page logs a console error or warning, throws, makes any network
request other than for the page itself (the browser's own view, and the page's
performance.getEntriesByType("resource") as a second witness), when an <svg class="chart"> has
no <title> or <desc>, or is not laid out, or when the count of <svg class="chart CLASS"> differs
from --expect. --screenshot writes a PNG of the page (1200 CSS pixels wide).

--self-test proves that the checks can fail: it writes pages with an <img> from 127.0.0.1:9, a
console.error, an uncaught exception, a chart without a title, a missing chart, and an <img> that
the page's own Content-Security-Policy blocks, and requires each to fail with the problem it was
made to have (and a clean page to pass).

The browser is driven over the Chrome DevTools Protocol on a pipe (--remote-debugging-pipe: the
browser reads commands on fd 3 and writes replies and events on fd 4, each a JSON text followed by
a NUL byte), so no WebSocket library is needed: Python 3's standard library only.
"""

import argparse
import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 30.0  # seconds for any one step; a page of ours loads in well under one
SETTLE = 1.0  # seconds to keep listening after the load event, for late requests and messages
WIDTH = 1200


class BrowserError(Exception):
    pass


class Browser:
    """One headless Chromium with a fresh profile, driven over the DevTools pipe."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="ec2bench-chromium-")
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # Above 9, so that placing them at 3 and 4 in the child cannot overwrite one another.
        high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def place_pipes():  # in the child: dup2 leaves 3 and 4 open across exec, the rest close
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        args = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--mute-audio",
            "--user-data-dir=" + self.profile,
            "--remote-debugging-pipe",
            "--window-size=%d,900" % WIDTH,
            "about:blank",
        ]
        self.log = open(os.path.join(self.profile, "chromium.log"), "w+b")
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            close_fds=False,
            preexec_fn=place_pipes,
        )
        os.close(high_r)
        os.close(high_w)
        self.out = to_browser_w
        self.inp = from_browser_r
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            if self.proc.poll() is None:
                self.send("Browser.close")
                self.proc.wait(timeout=10)
        except (BrowserError, OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.out, self.inp):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def log_tail(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-2000:]

    def send(self, method, params=None, session=None, wait=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        if not wait:
            return None
        return self.wait_reply(self.next_id, method)

    def read_message(self, deadline):
        """The next message, or None at the deadline."""
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.inp], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.inp, 1 << 20)
            if not chunk:
                raise BrowserError("the browser closed the DevTools pipe:\n" + self.log_tail())
            self.buffer += chunk
        text, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(text)

    def wait_reply(self, id_, method):
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self.read_message(deadline)
            if m is None:
                raise BrowserError("no reply to %s within %.0f s:\n%s" % (method, TIMEOUT, self.log_tail()))
            if m.get("id") == id_:
                if "error" in m:
                    raise BrowserError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, session, name):
        deadline = time.monotonic() + TIMEOUT
        while True:
            for e in self.events:
                if e.get("sessionId") == session and e["method"] == name:
                    return
            m = self.read_message(deadline)
            if m is None:
                raise BrowserError("no %s within %.0f s" % (name, TIMEOUT))
            if "method" in m:
                self.events.append(m)

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while True:
            m = self.read_message(deadline)
            if m is None:
                return
            if "method" in m:
                self.events.append(m)


# Counts the charts, checks each one's title, description and layout, and lists what the page
# itself says it fetched: run inside the page after it loaded.
INSPECT = r"""
(() => {
  const charts = [...document.querySelectorAll("svg.chart")].map(svg => {
    const title = svg.querySelector(":scope > title");
    const desc = svg.querySelector(":scope > desc");
    const box = svg.getBoundingClientRect();
    return {classes: [...svg.classList], id: svg.id,
            title: title ? title.textContent : null, desc: desc ? desc.textContent : null,
            labelled: svg.getAttribute("aria-labelledby") || "",
            width: box.width, height: box.height};
  });
  return JSON.stringify({
    title: document.title,
    charts,
    resources: performance.getEntriesByType("resource").map(e => e.name),
    scripts: document.scripts.length,
    overflow: document.documentElement.scrollWidth > document.documentElement.clientWidth,
  });
})()
"""


def check_page(browser, page, expect, screenshot=None, max_height=None):
    """Loads `page` in a fresh tab; returns the list of problems found (empty: it passed)."""
    url = pathlib.Path(page).resolve().as_uri()
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Network", "Page"):
        browser.send(domain + ".enable", session=session)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    browser.events.clear()  # what about:blank did is not the page's
    nav = browser.send("Page.navigate", {"url": url}, session=session)
    problems = []
    if nav.get("errorText"):
        problems.append("navigation failed: %s" % nav["errorText"])
    else:
        browser.wait_event(session, "Page.loadEventFired")
        browser.drain(SETTLE)
    result = browser.send(
        "Runtime.evaluate", {"expression": INSPECT, "returnByValue": True}, session=session
    )
    facts = json.loads(result["result"]["value"])

    for e in browser.events:
        if e.get("sessionId") != session:
            continue
        p = e["params"]
        if e["method"] == "Network.requestWillBeSent":
            if p["request"]["url"] != url:
                problems.append("network request: %s" % p["request"]["url"])
        elif e["method"] == "Runtime.consoleAPICalled":
            if p["type"] in ("error", "assert", "warning"):
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                problems.append("console %s: %s" % (p["type"], text))
        elif e["method"] == "Log.entryAdded":
            if p["entry"]["level"] in ("error", "warning"):
                problems.append("console %s (%s): %s" % (p["entry"]["level"], p["entry"].get("source"),
                                                         p["entry"].get("text")))
        elif e["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            problems.append("exception: %s" % (d.get("exception", {}).get("description") or d.get("text")))
    for name in facts["resources"]:
        problems.append("the page fetched: %s" % name)
    for c in facts["charts"]:
        what = "chart %s (%s)" % (c["id"], " ".join(c["classes"]))
        if not c["title"] or not c["title"].strip():
            problems.append("%s has no <title>" % what)
        if not c["desc"] or not c["desc"].strip():
            problems.append("%s has no <desc>" % what)
        if c["id"] and c["labelled"] != "%s-title %s-desc" % (c["id"], c["id"]):
            problems.append("%s: aria-labelledby is %r" % (what, c["labelled"]))
        if c["width"] < 200 or c["height"] < 100:
            problems.append("%s is laid out %.0f x %.0f" % (what, c["width"], c["height"]))
    if facts["overflow"]:
        problems.append("the page is wider than the %d px window" % WIDTH)
    counts = {}
    for c in facts["charts"]:
        for cls in c["classes"]:
            counts[cls] = counts.get(cls, 0) + 1
    if not expect and not facts["charts"]:
        problems.append("no <svg class=\"chart\"> at all")
    for cls, n in expect:
        if counts.get(cls, 0) != n:
            problems.append("expected %d svg.%s, found %d" % (n, cls, counts.get(cls, 0)))

    if screenshot:
        metrics = browser.send("Page.getLayoutMetrics", session=session)
        height = int(metrics["cssContentSize"]["height"])
        if max_height:
            height = min(height, max_height)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        shot = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": False,
             "clip": {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}},
            session=session,
        )
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    browser.send("Target.closeTarget", {"targetId": target})
    return problems, facts


CLEAN = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
%(csp)s<title>self-test</title></head><body>
<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-x" id="c1" viewBox="0 0 400 200" width="400"
 height="200" role="img" aria-labelledby="c1-title c1-desc">%(title)s<desc id="c1-desc">a rectangle</desc>
<rect x="10" y="10" width="100" height="50" fill="#0072B2"/></svg>
%(extra)s
</body></html>
"""
CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; img-src data:\">\n")
TITLE = '<title id="c1-title">a chart</title>'

# name, page parts, expectations, what one of the problems found must say (None: must pass)
SELF_TESTS = [
    ("clean", {"csp": CSP, "title": TITLE, "extra": ""}, [("chart-x", 1)], None),
    ("image", {"csp": "", "title": TITLE, "extra": '<img src="http://127.0.0.1:9/x.png" alt="">'},
     [("chart-x", 1)], "network request: http://127.0.0.1:9/x.png"),
    ("console", {"csp": "", "title": TITLE, "extra": '<script>console.error("self-test boom")</script>'},
     [("chart-x", 1)], "console error: self-test boom"),
    ("exception", {"csp": "", "title": TITLE, "extra": '<script>throw new Error("self-test throw")</script>'},
     [("chart-x", 1)], "exception: Error: self-test throw"),
    ("no-title", {"csp": CSP, "title": "", "extra": ""}, [("chart-x", 1)], "has no <title>"),
    ("missing-chart", {"csp": CSP, "title": TITLE, "extra": ""}, [("chart-x", 2)], "expected 2 svg.chart-x"),
    ("blocked-image", {"csp": CSP, "title": TITLE, "extra": '<img src="http://127.0.0.1:9/y.png" alt="">'},
     [("chart-x", 1)], "127.0.0.1:9/y.png"),
]


def self_test(browser):
    failed = 0
    with tempfile.TemporaryDirectory(prefix="ec2bench-html-self-test-") as d:
        for name, parts, expect, word in SELF_TESTS:
            path = os.path.join(d, name + ".html")
            with open(path, "w") as f:
                f.write(CLEAN % parts)
            problems, _ = check_page(browser, path, expect)
            if word is None:
                ok = not problems
                verdict = "passes" if ok else "fails: %s" % "; ".join(problems)
            else:
                ok = any(word in p for p in problems)
                verdict = ("fails as it must: %s" % "; ".join(problems)) if ok else (
                    "should fail with %r, problems: %s" % (word, problems or "none"))
            print("self-test %-14s %s %s" % (name, "ok  " if ok else "FAIL", verdict))
            failed += 0 if ok else 1
    return failed


def parse_expect(text):
    cls, _, n = text.partition("=")
    if not cls or not n.isdigit():
        raise argparse.ArgumentTypeError("%r: expected CLASS=COUNT, such as chart-bars=6" % text)
    return cls, int(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("page", nargs="?", help="the HTML file to open")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    ap.add_argument("--expect", action="append", type=parse_expect, default=[],
                    help="CLASS=N: exactly N <svg class=\"chart CLASS\"> (repeatable)")
    ap.add_argument("--screenshot", metavar="FILE", help="write a PNG of the page")
    ap.add_argument("--screenshot-max-height", type=int, metavar="PX", help="cut the PNG at this height")
    ap.add_argument("--self-test", action="store_true", help="prove that bad pages fail")
    args = ap.parse_args()
    if bool(args.page) == args.self_test:
        ap.error("give a PAGE or --self-test")
    if args.page and not os.path.isfile(args.page):
        ap.error("%s: no such file" % args.page)

    browser = Browser(args.chromium)
    try:
        if args.self_test:
            failed = self_test(browser)
            print("self-test: %s" % ("%d case(s) wrong" % failed if failed else "every check fails when it must"))
            return 1 if failed else 0
        problems, facts = check_page(browser, args.page, args.expect, args.screenshot,
                                     args.screenshot_max_height)
    except BrowserError as e:
        print("chromium_test: %s" % e, file=sys.stderr)
        return 1
    finally:
        browser.close()
    counts = {}
    for c in facts["charts"]:
        for cls in c["classes"]:
            if cls != "chart":
                counts[cls] = counts.get(cls, 0) + 1
    print("%s: %r, %d charts (%s)" % (args.page, facts["title"], len(facts["charts"]),
                                      ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    for p in problems:
        print("FAIL: %s" % p)
    if not problems:
        print("ok: no console message, no request but the page, every chart titled and laid out")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
