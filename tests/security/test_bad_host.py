"""A request naming a host the site does not serve gets a plain 400, on every route.

Django refuses such a Host header (``DisallowedHost``) and renders the 400 page;
that page must not ask for the host again, or the refusal itself fails and
the visitor (or the load balancer probing ``/healthz``) gets a 500.
"""

import pytest
from django.test import Client

from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory

SITE = "mlqa.example.org"


@pytest.fixture
def production_hosts(settings):
    """The production settings that matter here: only the site's own host is
    allowed, debug is off, and plain HTTP is redirected but for the health check."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [SITE]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


@pytest.mark.django_db
@pytest.mark.usefixtures("production_hosts")
def test_a_bad_host_header_is_a_plain_400_on_every_kind_of_route():
    question = QuestionFactory()
    answer = AIAnswerFactory(question=question)
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    requests = [
        ("get", "/", True),
        ("get", "/healthz", True),
        ("get", "/healthz", False),  # the load balancer's probe, over plain HTTP
        ("get", question.get_absolute_url(), True),
        ("post", f"/answers/{answer.pk}/vote/", True),
    ]
    for method, path, secure in requests:
        for host in ["evil.example", "10.0.0.7:8000"]:  # a stranger; a probe by address
            response = getattr(client, method)(
                path, {"value": "up"} if method == "post" else {}, secure=secure, HTTP_HOST=host
            )
            where = f"{method.upper()} {path} with Host: {host}"
            assert response.status_code == 400, where
            text = response.content.decode()
            assert "Bad request" in text, where
            assert host not in text, where

        # The same request with the site's own host is served as usual.
        response = getattr(client, method)(
            path, {"value": "up"} if method == "post" else {}, secure=secure, HTTP_HOST=SITE
        )
        assert response.status_code == (302 if method == "post" else 200), f"{method} {path}"
