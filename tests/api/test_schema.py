"""The served OpenAPI schema is valid; schemathesis drives every operation
in-process (Django's WSGI application) with generated input and never gets a
5xx, nor an answer that contradicts the schema; the documentation page lists
every endpoint and loads nothing from elsewhere."""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api import tokens
from study import services as study
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"


def test_the_served_schema_is_valid_openapi(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    schema = response.json()
    validate(schema)  # raises on any violation of the OpenAPI 3.1 specification
    assert schema["openapi"].startswith("3.1")
    paths = set(schema["paths"])
    assert {
        "/api/v1/questions",
        "/api/v1/questions/{question_id}",
        "/api/v1/sources",
        "/api/v1/sources/{slug}",
        "/api/v1/topics",
        "/api/v1/topics/{slug}",
        "/api/v1/users/{username}",
        "/api/v1/models",
        "/api/v1/me/bookmarks",
        "/api/v1/me/reviews",
    } == paths
    me = schema["paths"]["/api/v1/me/bookmarks"]
    assert me["get"]["security"] == [{"TokenAuth": []}]
    assert "post" in me
    assert "security" not in schema["paths"]["/api/v1/questions"]["get"]


@pytest.fixture
def world(member):
    """Some of everything, and a token of ``member`` for /me/."""
    topic = TopicFactory(slug="statistics")
    question = QuestionFactory(topics=[topic])
    AIAnswerFactory(question=question)
    AnswerFactory(question=question, author=member)
    bookmark = study.toggle_bookmark(user=member, question=question)
    study.review(user=member, bookmark=bookmark, rating=2)
    return tokens.create_token(user=member, name="schemathesis").secret


def operations(secret: str):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, WSGIHandler())
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) == 11
    return found


@pytest.fixture
def keep_the_test_connection():
    """Django closes an obsolete database connection as each request starts and
    ends (the test client stops it; the WSGI handler itself does not): keep
    the test's connection, and its transaction, open across requests."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_no_generated_request_gets_a_server_error(world, settings, keep_the_test_connection):
    """Each operation with up to 15 generated requests (a few seconds in all);
    the token is sent everywhere (the public endpoints ignore it)."""
    settings.MLQA_RATE_LIMITS = {"api": (100_000, 60), "api-token": (100_000, 60)}
    for operation in operations(world):

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def run(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {world}"},
                checks=[not_a_server_error, response_schema_conformance],
            )

        run()


def test_the_docs_page_lists_every_endpoint_from_the_sites_own_files(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.text
    schema = client.get(SCHEMA_URL).json()
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()}</span> {path}</code>" in html
    assert "curl &#x27;http://testserver/api/v1/questions?q=overfitting&#x27;" in html
    assert "Authorization: Bearer $MLQA_TOKEN" in html
    assert "/settings/" in html
    # Nothing leaves the site: every script, style sheet and image is local.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")) or asset.startswith(
            "http://testserver/"
        ), asset
    assert "swagger" not in html.lower()
    assert "cdn" not in html.lower()
