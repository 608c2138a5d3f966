"""A NUL character anywhere in a request is a 400, on SQLite and PostgreSQL alike
(PostgreSQL refuses NUL in text, so it would otherwise surface as a 500 wherever
the value first reaches a query)."""

import pytest
from django.test import Client

from tests.security.conftest import snapshot


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/?q=a%00b", None),
        ("get", "/?source=%00", None),
        ("get", "/users/%00/", None),
        ("get", "/questions/similar/?title=%00", None),
        ("get", "/bookmarks/?topic=%00", None),
        ("post", "/practice/start/", {"topic": "statistics\x00"}),
        ("post", "/flag/", {"target": "answer", "id": "1", "reason": "spam\x00"}),
        ("post", "/preview/", {"body\x00": "x"}),
    ],
)
def test_a_nul_in_the_path_query_or_form_is_a_400(world, method, path, data):
    client = Client()
    client.force_login(world.member)
    before = snapshot()
    response = getattr(client, method)(path, data or {})
    assert response.status_code == 400
    assert snapshot() == before


def test_a_nul_in_a_cookie_is_a_400_before_the_session_is_looked_up(world):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get("/").status_code == 400
