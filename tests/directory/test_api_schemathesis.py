"""Property-based tests of the API from its own OpenAPI document (schemathesis, in-process).

For every operation, schemathesis generates requests (valid ones and, deliberately, invalid
ones) and checks that the API never fails with a server error and that every answer matches
the document: status code, content type, headers and the response schema. Bounded so the
run stays well under a minute.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from directory.models import Group
from tests.factories import GroupFactory, PostalCodeFactory, RegionFactory, ThemeFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _load_schema():
    """The document the site serves (built without a request), run against the WSGI app."""
    # Fuzzing only (bounded by max_examples below); the exhaustive "coverage" phase would
    # take minutes on the list endpoints' twenty parameters.
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {"phases": {"coverage": {"enabled": False}}}
    )
    loaded = schemathesis.openapi.from_dict(openapi_json_document(), config=config)
    loaded.app = get_wsgi_application()
    return loaded


def openapi_json_document() -> dict:
    from directory.api.docs import _developers_url
    from directory.api.openapi import document

    return document(_developers_url())


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Like Django's test client: the WSGI handler must not close the test's connection.

    At the end of each request Django closes connections that are "obsolete"; inside a
    test's transaction that would drop the transaction, and later writes would commit.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def api_data(db, settings, _keep_the_test_transaction):
    settings.API_RATE_LIMIT = 0  # hundreds of requests in a few seconds, from one "client"
    theme = ThemeFactory(slug="adhd")
    namur = PostalCodeFactory(code="5000", region=RegionFactory(code="NAM"))
    GroupFactory(published=True, themes=[theme], postal_code=namur)
    GroupFactory(published=True, format=Group.Format.HYBRID, postal_code=namur)
    GroupFactory(published=True, online=True, cycle=True)


def test_served_document_is_the_tested_one(client, db):
    assert client.get("/api/hsds/openapi.json").json() == openapi_json_document()


@schema.parametrize()
@hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi_document(case):
    # The WSGI test client does not decompress: ask for plain bodies.
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
