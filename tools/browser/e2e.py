#!/usr/bin/env python3
"""Drive Gazette's browser app in headless Chromium, as a person would.

Usage:
    tools/browser/e2e.py --url http://127.0.0.1:8080/ --query militias
                         [--facet IRN] [--screenshots DIR] [--chromium PATH]

Starts Debian's `chromium` headless and talks to it over the DevTools
protocol on a pipe (--remote-debugging-pipe: commands on the child's fd 3,
answers on its fd 4, each message JSON ended by a NUL byte), so it needs
nothing but Python's standard library. Then it:

  1. loads the app and waits until it says it is ready (body[data-state]);
  2. presses "/" and types the query, then Enter;
  3. clicks an actor facet (--facet ID, or the first), with the mouse;
  4. presses "j" and Enter to open the first result, then Escape;
  5. opens a result by its link, to read the document view;
  6. narrows the window to a phone's width (390 px) and checks that
     nothing is wider than the screen;
  7. with --paging-query, searches it and clicks "Next".

It prints one JSON object of what the page showed at each step (result
paths, facets, filters, the chart's months, the document's marked actor
mentions, page errors) for a test to check against the CLI. With
--screenshots it also saves results.png, document.png and phone.png.
Exits 2 if a step times out, naming it.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    """A headless Chromium and one page, over the DevTools pipe."""

    def __init__(self, chromium):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="gazette-chromium-")

        def child_fds():
            # The child reads commands on fd 3 and writes answers on fd 4.
            # Duplicate first, so that neither end is overwritten by the other.
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.process = subprocess.Popen(
            [
                chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--mute-audio",
                "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                "--window-size=1280,900", "about:blank",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # pass_fds keeps 3 and 4 open: the rest is closed after preexec_fn runs.
            preexec_fn=child_fds, pass_fds=(3, 4),
            # Its own process group, so that close() can stop every process it starts.
            start_new_session=True,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer = b""
        self.next_id = 0
        self.errors = []
        self.session = None

    def attach(self):
        """Attaches to the browser's page (opening one if there is none)."""
        targets = self.call("Target.getTargets")["targetInfos"]
        pages = [t for t in targets if t["type"] == "page"]
        target = pages[0]["targetId"] if pages else self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def close(self):
        try:
            self.session = None
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, 9)  # renderers and helpers too
        except ProcessLookupError:
            pass
        self.process.wait()
        for fd in (self.to_browser, self.from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        import select

        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if ready:
                chunk = os.read(self.from_browser, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe (did it start?)")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, timeout=30, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self._note_event(answer)

    def _note_event(self, event):
        method = event.get("method")
        params = event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(details.get("exception", {}).get("description") or details.get("text"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.errors.append(params["entry"].get("text"))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, step, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.05)
        state = self.evaluate("document.body ? document.body.dataset.state + ' ' + location.hash : 'no body'")
        raise TimeoutError(f"step '{step}': waited {timeout} s for {expression} (page: {state})")

    def key(self, key, code=None, text=None, keycode=0):
        params = {"key": key, "code": code or key, "windowsVirtualKeyCode": keycode}
        if text is not None:
            self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **params)
        else:
            self.call("Input.dispatchKeyEvent", type="rawKeyDown", **params)
        self.call("Input.dispatchKeyEvent", type="keyUp", **params)

    def click(self, selector):
        box = self.evaluate(
            f"""(() => {{
                const node = document.querySelector({json.dumps(selector)});
                if (!node) return null;
                node.scrollIntoView({{block: 'center'}});
                const r = node.getBoundingClientRect();
                return {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
            }})()"""
        )
        if box is None:
            raise RuntimeError(f"nothing on the page matches {selector}")
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=box["x"], y=box["y"])
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def viewport(self, width, height, mobile=False):
        self.call(
            "Emulation.setDeviceMetricsOverride", width=width, height=height,
            deviceScaleFactor=2 if mobile else 1, mobile=mobile,
        )


READY = "document.body && document.body.dataset.state === 'ready'"

RESULTS = """(() => ({
    hash: location.hash,
    status: document.getElementById('status').textContent,
    paths: [...document.querySelectorAll('#results .hit a.title')]
        .map(a => new URLSearchParams(a.hash.slice(1)).get('doc')),
    marks: document.querySelectorAll('#results .snippet mark').length,
    facets: [...document.querySelectorAll('#actor-list .facet')].map(b => ({
        id: b.dataset.actor, name: b.querySelector('.name').textContent,
        articles: parseInt(b.querySelector('.count').textContent.replace(/,/g, ''), 10)})),
    filters: [...document.querySelectorAll('#filters .chip')].map(b => b.dataset.actor),
    buckets: [...document.querySelectorAll('#chart .bar')].map(b => b.dataset.key),
    pages: document.querySelectorAll('#pager a').length,
    focused: document.activeElement ? document.activeElement.className : null,
}))()"""

DOCUMENT = """(() => ({
    hash: location.hash,
    visible: !document.getElementById('document').hidden,
    title: (document.querySelector('#document h1') || {}).textContent,
    marks: [...document.querySelectorAll('#document mark.actor')].map(m => [m.dataset.actor, m.textContent]),
    legend: [...document.querySelectorAll('#document .legend a')].length,
}))()"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--query", required=True)
    parser.add_argument("--facet", help="the actor id of the facet to click (default: the first)")
    parser.add_argument("--paging-query", help="a query with more than ten hits, to turn to its second page")
    parser.add_argument("--screenshots", help="a folder for results.png, document.png and phone.png")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()

    observed = {}
    browser = Browser(args.chromium)
    try:
        browser.attach()
        browser.viewport(1280, 900)
        browser.call("Page.navigate", url=args.url)
        browser.wait_for(READY, "load")
        observed["start"] = browser.evaluate(RESULTS)

        # The query, typed: "/" focuses the box.
        browser.key("/", code="Slash", text="/", keycode=191)
        browser.wait_for("document.activeElement.id === 'q'", "/ focuses the query box")
        browser.call("Input.insertText", text=args.query)
        browser.key("Enter", text="\r", keycode=13)
        browser.wait_for(f"{READY} && location.hash.includes('q=')", "query")
        observed["query"] = browser.evaluate(RESULTS)

        # An actor facet, clicked.
        facets = [f["id"] for f in observed["query"]["facets"]]
        facet = args.facet if args.facet else (facets[0] if facets else None)
        observed["clicked"] = facet
        if facet:
            browser.click(f"#actor-list .facet[data-actor='{facet}']")
            browser.wait_for(f"{READY} && location.hash.includes('actor=')", "facet click")
            observed["facet"] = browser.evaluate(RESULTS)
            if args.screenshots:
                browser.screenshot(os.path.join(args.screenshots, "results.png"))

        # Keyboard: j focuses the first result, Enter opens it, Escape returns.
        browser.key("j", code="KeyJ", text="j", keycode=74)
        browser.wait_for("document.activeElement.classList.contains('title')", "j focuses a result")
        browser.key("Enter", text="\r", keycode=13)
        browser.wait_for(f"{READY} && location.hash.includes('doc=')", "Enter opens the result")
        observed["keyboard"] = browser.evaluate(DOCUMENT)
        browser.key("Escape", keycode=27)
        browser.wait_for(f"{READY} && !location.hash.includes('doc=')", "Escape goes back")
        observed["back"] = browser.evaluate(RESULTS)

        # A result opened by its link: the document view.
        browser.click("#results .hit a.title")
        browser.wait_for(f"{READY} && location.hash.includes('doc=')", "open a document")
        observed["document"] = browser.evaluate(DOCUMENT)
        if args.screenshots:
            browser.screenshot(os.path.join(args.screenshots, "document.png"))

        # A phone's width.
        browser.viewport(390, 844, mobile=True)
        # The browser's back button: loading until the app has drawn the page.
        browser.evaluate("document.body.dataset.state = 'loading'; history.back()")
        browser.wait_for(f"{READY} && !location.hash.includes('doc=')", "back to the results on a phone")
        observed["phone"] = {
            "width": browser.evaluate("window.innerWidth"),
            "scroll_width": browser.evaluate("document.documentElement.scrollWidth"),
            "results": len(browser.evaluate(RESULTS)["paths"]),
        }
        if args.screenshots:
            browser.screenshot(os.path.join(args.screenshots, "phone.png"))

        # Paging: the second page of a longer list.
        if args.paging_query:
            browser.viewport(1280, 900)
            browser.evaluate(
                "document.body.dataset.state = 'loading'; "
                "location.hash = 'q=' + encodeURIComponent(%s)" % json.dumps(args.paging_query)
            )
            browser.wait_for(f"{READY} && location.hash.includes('q=') && !location.hash.includes('actor=')", "paging query")
            observed["page1"] = browser.evaluate(RESULTS)
            browser.click("#pager a[aria-label='Next page']")
            browser.wait_for(f"{READY} && location.hash.includes('page=2')", "next page")
            observed["page2"] = browser.evaluate(RESULTS)
    except Exception as failure:  # reported in the JSON, for the test to show
        observed["failed"] = f"{type(failure).__name__}: {failure}"
    finally:
        observed["errors"] = [e for e in browser.errors if e]
        browser.close()
    json.dump(observed, sys.stdout)
    print()
    sys.exit(2 if "failed" in observed else 0)


if __name__ == "__main__":
    main()
