"""Browser tests: headless Chromium driven by Playwright against a live test server.

They are skipped, with the reason given, on a machine without /usr/bin/chromium; where it
exists they run. Nothing is downloaded: Playwright drives the system Chromium, and axe-core
comes inside the axe-playwright-python package.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; Django refuses database access
# from a thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM}, which is not installed")
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server's address, with the sample transcripts ingested and indexed.

    The suite's session-wide temporary index (tests/conftest.py) serves the live server
    too; it is rebuilt from the database here so that no earlier test's turns linger.
    """
    from haystack import connections

    from archive.search.store import forget_searchers
    from tests.browser.data import load_archive

    # The live server's thread opens the index the connection table names; this thread's
    # connection is reopened from the same table so both use one index.
    connections.reload("default")
    forget_searchers()
    load_archive()
    return live_server.url


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"
