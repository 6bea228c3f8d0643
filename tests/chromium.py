"""What every browser test needs, in one place: Debian's chromium and its flags, the screenshot folder,
the phone's size, and the rule that CI runs these tests (a missing browser fails there, skips elsewhere)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}


def require_chromium():
    """Call at a browser test module's top: Playwright's sync API, or the module fails (CI) or skips."""
    if not CHROMIUM.exists() and os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {CHROMIUM} is missing: .ci/run installs Debian's chromium",
                    pytrace=False)
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install -y chromium "
                    "(.ci/run does this before the tests)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright: pip install -e '.[test]'")


@contextlib.contextmanager
def launched(sync_api):
    """Headless Debian chromium through Playwright, closed afterwards; the screenshot folder made."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page, name: str) -> None:
    """Save the whole page (lazy images loaded first); a phone page must never scroll sideways."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width}px)"
