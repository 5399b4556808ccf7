"""The API answers what its OpenAPI schema says, for requests Schemathesis makes from it.

The five sample transcripts are ingested; Schemathesis then sends requests generated from
the schema to every operation (through the WSGI application, no network) and checks each
answer: no server error, a documented status, a body and content type as documented.
"""

import atexit
import shutil
import tempfile
from io import StringIO

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from tests.search_support import FIXTURES, search_index  # noqa: F401 - a fixture


pytestmark = pytest.mark.django_db

# Hypothesis keeps its caches out of the working copy.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="archive-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, True)

# Django is set up before tests are collected; the schema view reads no table.
from archive.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def sample_archive(search_index):  # noqa: F811
    call_command("ingest", str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    # As Django's test client does: a request's end must not close the test's connection
    # (and with it the transaction that holds the sample archive).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,  # the same requests on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_answer_is_as_the_schema_says(case, sample_archive):
    case.call_and_validate()
