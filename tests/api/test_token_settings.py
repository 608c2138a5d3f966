"""Personal access tokens on the settings page: made, named, shown once,
stored hashed, revoked; only by their member."""

import hashlib

import pytest

from api import tokens
from api.models import AccessToken
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

CREATE = "/settings/tokens/"


def revoke_url(token: AccessToken) -> str:
    return f"/settings/tokens/{token.pk}/revoke/"


def test_a_member_makes_a_token_and_sees_it_once(client, member):
    client.force_login(member)
    response = client.post(CREATE, {"name": "  my   flashcards  "})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    record = AccessToken.objects.get(user=member)
    assert record.name == "my flashcards"
    secret = response.context["new_token"].secret
    assert secret.startswith("mlqa_")
    assert len(secret) > 40
    html = response.text
    assert f'value="{secret}"' in html
    assert "shown only this once" in html
    # Stored as a SHA-256 digest, never in clear.
    assert record.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {record.token_hash, record.prefix, record.name}
    assert secret.startswith(record.prefix)
    # Listed by its prefix afterwards, the secret gone.
    page = client.get("/settings/").text
    assert f"{record.prefix}…" in page
    assert secret not in page
    assert client.get("/api/v1/me/bookmarks", **bearer(secret)).status_code == 200


def test_a_token_needs_a_name(client, member):
    client.force_login(member)
    response = client.post(CREATE, {"name": "   "})
    assert response.status_code == 400
    assert "Give the token a name" in response.text
    assert not AccessToken.objects.exists()


def test_too_many_live_tokens_are_refused(client, member):
    for n in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.create_token(user=member, name=f"t{n}")
    client.force_login(member)
    response = client.post(CREATE, {"name": "one more"})
    assert response.status_code == 400
    assert "revoke one" in response.text
    assert AccessToken.objects.count() == tokens.MAX_ACTIVE_TOKENS


def test_a_member_revokes_their_token(client, member, token):
    record = AccessToken.objects.get(user=member)
    client.force_login(member)
    response = client.post(revoke_url(record), follow=True)
    assert response.redirect_chain[-1][0] == "/settings/"
    assert "is revoked" in response.text
    assert "revoked" in response.text
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert client.get("/api/v1/me/bookmarks", **bearer(token)).status_code == 401


def test_nobody_revokes_someone_elses_token(client, other_member, token, member):
    record = AccessToken.objects.get(user=member)
    client.force_login(other_member)
    assert client.post(revoke_url(record)).status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None


def test_visitors_are_sent_to_log_in(client, member, token):
    record = AccessToken.objects.get(user=member)
    assert client.post(CREATE, {"name": "x"}).status_code == 302
    assert client.post(revoke_url(record)).status_code == 302
    assert AccessToken.objects.count() == 1
    assert client.get(CREATE).status_code == 405


def test_the_token_forms_need_csrf(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(CREATE, {"name": "x"}).status_code == 403
    assert not AccessToken.objects.exists()


def test_deleting_the_account_deletes_its_tokens(client, member, token):
    from accounts.services import delete_account

    delete_account(user=member)
    assert not AccessToken.objects.exists()
    assert client.get("/api/v1/me/bookmarks", **bearer(token)).status_code == 401
