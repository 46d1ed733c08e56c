"""Map pages in a real headless Chromium, for the tests (``browser`` fixture in conftest.py).

The browser is Debian's ``/usr/bin/chromium`` (``bash scripts/setup.sh --test`` installs it; another
one can be named with ``KOTAKU_CHROMIUM``), driven by Playwright with ``executable_path``: no browser
is ever downloaded. Every request a page makes is routed here and any that is not ``data:`` or
``file:`` is recorded (``Page.check_clean`` fails on it).
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("KOTAKU_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
BROWSER_HINT = "run `bash scripts/setup.sh --test` (installs Debian's chromium and the playwright package)"


class Page:
    """A map page opened in Chromium, recording console errors and every outside request."""

    def __init__(self, browser, path: Path):
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri(), wait_until="load")
        self.page.wait_for_function("window.KotakuMap && window.KotakuMap.last")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "file:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def check_clean(self):
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside

    def close(self):
        self.page.close()
