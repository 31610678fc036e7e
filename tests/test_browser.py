"""A real browser loads the exported HTML: the search box filters the glossary, and no request leaves.

Headless Chromium is driven through chromedriver's W3C WebDriver HTTP API with the standard library
only. Skipped (with the reason) where Chromium or chromedriver is missing, except under CI (the `CI`
environment variable), where that is a failure: `.ci/run` installs them. Screenshots are saved to
artifacts/ (git-ignored).
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("ICS_ARTIFACTS") or Path(__file__).resolve().parents[1] / "artifacts")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DRIVERS = ("chromedriver",)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def _find(names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    for extra in ("/usr/lib/chromium/chromedriver", "/usr/lib/chromium-browser/chromedriver"):
        if names is DRIVERS and os.path.exists(extra):
            return extra
    return None


@pytest.fixture(scope="module")
def tools():
    browser, driver = _find(BROWSERS), _find(DRIVERS)
    if not browser or not driver:
        missing = " and ".join(n for n, p in (("chromium", browser), ("chromedriver", driver)) if not p)
        message = (f"{missing} not installed: the browser test needs the Debian packages chromium and "
                   "chromium-driver (.ci/run installs them)")
        if os.environ.get("CI"):
            pytest.fail(message + "; under CI this test must run")
        pytest.skip(message)
    return browser, driver


class Driver:
    """The few WebDriver calls the test needs, over HTTP on localhost."""

    def __init__(self, driver, browser, tmp):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = open(os.path.join(tmp, "chromedriver.log"), "w")
        self.proc = subprocess.Popen([driver, f"--port={self.port}"], stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 20
        while True:
            try:
                if (self.call("GET", "/status") or {}).get("ready"):
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.time() > deadline or self.proc.poll() is not None:
                self.close()
                pytest.fail("chromedriver did not start; see chromedriver.log")
            time.sleep(0.1)
        profile = os.path.join(tmp, "profile")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": browser, "args": FLAGS + [f"--user-data-dir={profile}",
                                                                       "--window-size=1280,1000"]},
            "goog:loggingPrefs": {"performance": "ALL"},
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise AssertionError(f"WebDriver {method} {path} failed: {detail}") from None

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def script(self, source, *args):
        return self.s("POST", "/execute/sync", {"script": source, "args": list(args)})

    def screenshot(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.s("GET", "/screenshot")))

    def close(self):
        try:
            if getattr(self, "session", None):
                self.call("DELETE", f"/session/{self.session}")
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


VISIBLE_CARDS = """
return Array.prototype.slice.call(document.querySelectorAll('article.card'))
  .filter(function (el) { return el.offsetParent !== null; })
  .map(function (el) { return el.id; });
"""


def test_html_export_in_a_real_browser(run, tools, kb, tmp_path):
    browser, driver_path = tools
    page = tmp_path / "ics.html"
    result = run("export", "--format", "html", "-o", page)
    assert result.exit_code == 0, result
    tmp = tempfile.mkdtemp(prefix="ics-browser-")
    web = Driver(driver_path, browser, tmp)
    try:
        web.s("POST", "/url", {"url": page.as_uri()})
        total = len(kb.entities)
        assert len(web.script(VISIBLE_CARDS)) == total, "every card shows before any filtering"

        box = web.s("POST", "/element", {"using": "css selector", "value": "#glossary-search"})[ELEMENT]
        assert web.script("return document.getElementById('glossary-search').hidden") is False
        query = kb.entities["icb"]["name"].lower()  # 'integrated care board'
        web.s("POST", f"/element/{box}/value", {"text": query})
        visible = web.script(VISIBLE_CARDS)
        assert "entity-icb" in visible, "the match is shown"
        assert 0 < len(visible) < total, f"the glossary filters ({len(visible)} of {total} shown)"
        terms = web.script("return Array.prototype.slice.call(document.querySelectorAll('article.card'))"
                           ".filter(function (el) { return el.offsetParent !== null; })"
                           ".map(function (el) { return el.getAttribute('data-terms'); });")
        assert all(all(w in t for w in query.split()) for t in terms)
        count = web.script("return document.getElementById('glossary-count').textContent")
        assert count.startswith(f"{len(visible)} of {total}")
        web.script("window.scrollTo(0, document.getElementById('glossary').offsetTop)")
        web.screenshot(ARTIFACTS / "export-html-filtered.png")

        # No request left the page: no http(s) resource, and no network URL in the browser's network log
        # (chrome:// and file:// requests are local).
        resources = web.script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
        assert not [r for r in resources if r.startswith(("http:", "https:", "ws:", "wss:"))], resources
        entries = web.s("POST", "/se/log", {"type": "performance"})
        requested = []
        for entry in entries:
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requested.append(message["params"]["request"]["url"])
        assert page.as_uri() in requested, "the performance log records the page itself"
        network = [u for u in requested if u.split(":", 1)[0].lower() in ("http", "https", "ws", "wss", "ftp")]
        assert not network, f"the page made network requests: {network}"

        web.script("window.scrollTo(0, document.getElementById('timeline').offsetTop)")
        web.screenshot(ARTIFACTS / "export-html-timeline.png")

        # Readable on a phone: one column, no sideways scrolling of the page itself.
        web.s("POST", "/window/rect", {"width": 412, "height": 900})
        web.script("document.getElementById('glossary-search').value = '';"
                   "document.getElementById('glossary-search').dispatchEvent(new Event('input'));"
                   "window.scrollTo(0, 0);")
        overflow = web.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 2, f"the page scrolls sideways on a phone by {overflow}px"
        web.screenshot(ARTIFACTS / "export-html-phone.png")
        web.script("window.scrollTo(0, document.getElementById('structure').offsetTop)")
        web.screenshot(ARTIFACTS / "export-html-phone-structure.png")
    finally:
        web.close()
        shutil.rmtree(tmp, ignore_errors=True)
