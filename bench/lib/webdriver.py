"""A real browser for the benchmarks: Debian's chromedriver driving Debian's headless Chromium over
the W3C WebDriver protocol (plain HTTP and JSON, so the standard library is enough), with the same
flags as the dashboard's browser tests (no network beyond the machine, a fresh profile)."""
import json, os, shutil, socket, subprocess, tempfile, time, urllib.request

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
         "--disable-extensions", "--disable-default-apps", "--lang=en-US", "--window-size=1360,900"]


def available():
    return os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One Chromium: start it, open(url), find(css), type/click, js(script), close()."""

    def __init__(self, log):
        self.profile = tempfile.mkdtemp(prefix="mote-bench-chromium.")
        self.port = _free_port()
        self.driver = subprocess.Popen([DRIVER, "--port=%d" % self.port], stdout=log, stderr=log)
        self.base = "http://127.0.0.1:%d" % self.port
        end = time.time() + 30
        while True:
            try:
                self._call("GET", "/status")
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.1)
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": CHROMIUM, "args": FLAGS + ["--user-data-dir=" + self.profile]}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]
        self.pid = None

    def _call(self, method, path, body=None):
        req = urllib.request.Request(self.base + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())["value"]

    def _s(self, method, path, body=None):
        return self._call(method, "/session/%s%s" % (self.session, path), body)

    def open(self, url):
        self._s("POST", "/url", {"url": url})

    def find(self, css, timeout=20):
        end = time.time() + timeout
        while True:
            try:
                return self._s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]
            except urllib.error.HTTPError:
                if time.time() > end:
                    raise
                time.sleep(0.1)

    def type(self, css, text):
        self._s("POST", "/element/%s/value" % self.find(css), {"text": text})

    def click(self, css):
        self._s("POST", "/element/%s/click" % self.find(css), {})

    def js(self, script, *args):
        return self._s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, script, timeout, what):
        """Polls the script (a boolean expression's 'return ...') until true; SystemExit after timeout."""
        end = time.time() + timeout
        while not self.js(script):
            if time.time() > end:
                raise SystemExit("bench: the browser did not show %s within %d s" % (what, timeout))
            time.sleep(0.1)

    def close(self):
        try:
            self._call("DELETE", "/session/" + self.session)
        except OSError:
            pass
        self.driver.terminate()
        try:
            self.driver.wait(10)
        except subprocess.TimeoutExpired:
            self.driver.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
