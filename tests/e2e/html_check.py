#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Load an HTML page in headless Chromium and say what happened, as JSON.

Chromium is driven over its DevTools protocol on a pipe
(--remote-debugging-pipe: fd 3 in, fd 4 out, NUL-terminated JSON), so no
port is opened and nothing but Python's standard library is needed.  The
browser runs with no network at all (every host resolves nowhere, a proxy
that does not exist, no background networking), and every request the page
makes is recorded anyway: the page itself (a file: URL) is the only one a
self-contained page may make.  As root the browser also runs in an empty
network namespace of its own.

    html_check.py PAGE.html SCREENSHOT.png [PDF] [--eval JS]... [--at ID]

prints {"requests": [...], "console": [...], "exceptions": [...],
"headings": [...], "evals": [...], "focus": [...], "screenshot": bytes,
"pdf": bytes} on stdout.  "console" holds every console message of level
error or warning and every browser log entry (a blocked load is logged
there); "focus" the elements Tab reaches, in order, for the first 12 presses.
With a PDF path, "closed_after_beforeprint" counts the <details> still
closed once the page got the beforeprint event a browser's print fires.
--at ID scrolls to the element ID (opening it, if it is a <details>) before
the screenshot.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="netscope-chromium-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def fds():
            # Chromium reads commands on fd 3 and writes replies on fd 4.  dup2()
            # makes them inheritable (the pipes are close-on-exec, and close_fds
            # would close 3 and 4 after this runs); copies first, as the pipes
            # themselves may be fds 3 or 4 already
            cmd, reply = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(cmd, 3)
            os.dup2(reply, 4)

        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--disable-background-networking",
                "--disable-component-update", "--disable-default-apps", "--disable-sync",
                "--disable-extensions", "--no-first-run", "--no-default-browser-check",
                "--metrics-recording-only", "--disable-domain-reliability",
                "--disable-features=Translate,OptimizationHints,MediaRouter",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--user-data-dir=" + self.profile, "--window-size=1280,900", "about:blank"]
        # as root, in a network namespace of its own: no interface but a loopback
        # that is down, so nothing can leave whatever the page or the browser tries
        if os.geteuid() == 0 and shutil.which("unshare"):
            args = ["unshare", "--net"] + args
        self.proc = subprocess.Popen(args, preexec_fn=fds, close_fds=False,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=None if os.environ.get("HTML_CHECK_DEBUG") else subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.w = os.fdopen(to_child_w, "wb", buffering=0)
        self.r = os.fdopen(from_child_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = self.r.read(65536)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name, timeout=30):
        deadline = time.time() + timeout
        for i, m in enumerate(self.events):
            if m.get("method") == name:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == name:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    argv = sys.argv[1:]
    evals = []
    at = None
    if "--at" in argv:
        i = argv.index("--at")
        at = argv[i + 1]
        del argv[i:i + 2]
    while "--eval" in argv:
        i = argv.index("--eval")
        evals.append(argv[i + 1])
        del argv[i:i + 2]
    page, shot = argv[0], argv[1]
    pdf = argv[2] if len(argv) > 2 else None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("html_check: no chromium")
    b = Browser(chromium)
    out = {"requests": [], "console": [], "exceptions": []}
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            b.call(domain + ".enable", session=s)
        b.call("Emulation.setDeviceMetricsOverride",
               {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=s)
        url = "file://" + os.path.abspath(page)
        b.call("Page.navigate", {"url": url}, session=s)
        b.wait_event("Page.loadEventFired")
        time.sleep(0.5)     # late requests and messages, if any, arrive now

        def value(expr):
            r = b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                            "awaitPromise": True}, session=s)
            if "exceptionDetails" in r:
                raise RuntimeError(f"evaluate {expr}: {r['exceptionDetails']}")
            return r["result"].get("value")

        out["headings"] = value("[...document.querySelectorAll('h1,h2')].map(h => h.textContent)")
        focus = []
        for _ in range(12):
            for kind in ("rawKeyDown", "keyUp"):
                b.call("Input.dispatchKeyEvent", {"type": kind, "key": "Tab", "code": "Tab",
                                                  "windowsVirtualKeyCode": 9}, session=s)
            focus.append(value("(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' '"
                               " + (e.textContent || '').trim().slice(0, 40))"
                               "(document.activeElement)"))
        out["focus"] = focus
        # after the Tab presses, which start from the top of the page as loaded
        out["evals"] = [value(e) for e in evals]
        if at:
            value(f"location.hash = {json.dumps(at)}; document.getElementById({json.dumps(at)})"
                  ".scrollIntoView(); 1")
            time.sleep(0.3)
        shot_data = b.call("Page.captureScreenshot", {"format": "png"}, session=s)["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(shot_data))
        out["screenshot"] = os.path.getsize(shot)
        if pdf:
            # a browser's print command fires beforeprint; the protocol's print does not
            out["closed_after_beforeprint"] = value(
                "window.dispatchEvent(new Event('beforeprint')); "
                "document.querySelectorAll('details:not([open])').length")
            data = b.call("Page.printToPDF", {"printBackground": True}, session=s, timeout=60)
            with open(pdf, "wb") as f:
                f.write(base64.b64decode(data["data"]))
            out["pdf"] = os.path.getsize(pdf)
        time.sleep(0.2)
        b.call("Runtime.evaluate", {"expression": "1"}, session=s)  # drain pending events
    finally:
        events = b.events
        b.close()
    for m in events:
        method, p = m.get("method"), m.get("params", {})
        if method == "Network.requestWillBeSent":
            out["requests"].append(p["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            out["console"].append(" ".join(str(a.get("value", a.get("description", "")))
                                           for a in p.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            out["exceptions"].append(p["exceptionDetails"].get("text", "?"))
        elif method == "Log.entryAdded":
            out["console"].append(f"{p['entry']['level']}: {p['entry']['text']}")
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
