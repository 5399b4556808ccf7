"""Suite-wide set-up: no test ever writes to the real search index under var/."""

import shutil
import tempfile

import pytest


@pytest.fixture(autouse=True, scope="session")
def temporary_search_index(django_test_environment):
    """Point haystack at a throw-away index for the whole run; tests that need a clean
    index of their own (``search_support.search_index``) replace it per test."""
    from django.conf import settings
    from haystack import connections

    from archive.search.store import forget_searchers

    folder = tempfile.mkdtemp(prefix="archive-test-index-")
    original = connections.connections_info
    settings.HAYSTACK_CONNECTIONS = {"default": {**original["default"], "PATH": folder}}
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")
    forget_searchers()
    yield folder
    forget_searchers()
    connections.connections_info = original
    connections.reload("default")
    shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    """Tests of the Whoosh folder itself (its builds, locks, searchers) run when Whoosh is the
    engine; tests of the PostgreSQL engine's own guarantees run when it is."""
    from django.conf import settings

    engine = settings.SEARCH_ENGINE_NAME
    for item in items:
        for name in ("whoosh", "postgres_engine"):
            wanted = "whoosh" if name == "whoosh" else "postgres"
            if item.get_closest_marker(name) and engine != wanted:
                item.add_marker(pytest.mark.skip(reason=f"only with ARCHIVE_SEARCH_ENGINE={wanted}"))
