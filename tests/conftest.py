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
