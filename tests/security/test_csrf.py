"""Every route refuses a post without a valid CSRF token, and the refusal changes nothing.

Routes come from the URL configuration (admin and allauth included), not from a
list kept by hand. Each post carries a body that would work (a vote, a comment,
the member's own username to delete the account, ...): the control test shows
that the same posts with a token do change data, so "nothing changed" means the
token check stopped them.
"""

import secrets
import string

import pytest
from django.test import Client

from tests.security.conftest import changes, in_rollback, snapshot
from tests.security.params import candidates
from tests.security.routes import all_routes

# The only views allowed to skip Django's CSRF check, and why.
CSRF_EXEMPT = {
    # allauth's Google One Tap endpoint: Google posts the ID token cross-site, so
    # allauth checks Google's own double-submit cookie (g_csrf_token) instead.
    # It answers 404 unless a Google client is configured.
    "/accounts/google/login/token/",
    # The unsubscribe link of an e-mail: mail clients post it with no cookie
    # (RFC 8058 one-click); the signed token in the address is the credential.
    "/unsubscribe/{token}/",
    # The read API (api/, django-ninja): it never reads the session cookie, so a
    # cross-site form has nothing to ride on. Its one write, POST /api/v1/me/bookmarks,
    # needs a personal access token in the Authorization header; the rest is GET only.
    "/api/v1/me/bookmarks",
    "/api/v1/me/reviews",
    "/api/v1/models",
    "/api/v1/questions",
    "/api/v1/questions/{question_id}",
    "/api/v1/sources",
    "/api/v1/sources/{slug}",
    "/api/v1/topics",
    "/api/v1/topics/{slug}",
    "/api/v1/users/{username}",
}


def working_body(world) -> dict:
    """Fields that make most actions succeed, if the post gets past CSRF."""
    member = world.member
    return {
        "value": "up",
        "body": "Dropout is off at evaluation time, so the validation loss is lower. " * 2,
        "summary": "Clearer",
        "reason": "other",
        "note": "Remember the easy-validation-set case.",
        "title": "How would you detect data leakage between training and test sets?",
        "rating": "3",
        "company": "Acme",
        "level": "senior",
        "year": "2024",
        "target": "answer",
        "id": str(world.other_answer.pk),
        "topic": world.topic.slug,
        "revision": "1",
        "seen_revision": "",
        "confirm": member.username,
        # a mock interview: start one, answer its first question
        "questions": "3",
        "minutes": "3",
        "position": "1",
        "answer": "Dropout is off at evaluation time.",
        "display_name": "Alice Changed",
        "bio": "Changed bio",
        # allauth's forms
        "login": member.username,
        "password": "correct horse battery staple",
        "email": "new-address@example.com",
        "username": "mallory",
        "password1": "an entirely new passphrase 42",
        "password2": "an entirely new passphrase 42",
        "oldpassword": "correct horse battery staple",
        # the admin's delete confirmations and changelist actions
        "post": "yes",
        "action": "delete_selected",
        "_selected_action": [str(world.other_answer.pk), str(world.question.pk)],
    }


ROLES = ("visitor", "member", "moderator")


def signed_in(world, role: str, **client_options) -> Client:
    client = Client(enforce_csrf_checks=True, **client_options)
    if role != "visitor":
        client.force_login(getattr(world, role))
    return client


def _random_token() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def _posts(world, role: str, token: str):
    """Every route with every useful set of ids: (url, client, headers)."""
    for route in all_routes():
        for values in candidates(route, world):
            headers = {}
            if token == "forged":
                # A token the attacker made up: in the header, with no matching cookie.
                headers = {"X-CSRFToken": _random_token(), "HX-Request": "true"}
            yield route, route.url(values), headers


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("token", ["none", "forged"])
def test_every_route_refuses_a_post_without_a_valid_csrf_token(world, role, token):
    body = working_body(world)
    refused, exempt_seen = 0, set()
    before = snapshot()
    for route, url, headers in _posts(world, role, token):
        response = signed_in(world, role).post(url, body, headers=headers)
        if route.label in CSRF_EXEMPT:
            assert route.csrf_exempt
            exempt_seen.add(route.label)
            assert response.status_code < 500, url
            continue
        assert response.status_code == 403, f"{role} POST {url}: {response.status_code}"
        refused += 1
    after = snapshot()
    if after != before:  # find the post that did it (slow, so only on failure)
        for _route, url, headers in _posts(world, role, token):
            step = snapshot()
            signed_in(world, role).post(url, body, headers=headers)
            assert snapshot() == step, f"{role} POST {url} changed {changes(step, snapshot())}"
        pytest.fail(f"data changed: {changes(before, after)}")
    assert exempt_seen == CSRF_EXEMPT
    assert refused > 100  # the walk really covered the site, admin included


def test_only_the_known_views_skip_the_csrf_check():
    exempt = {route.label for route in all_routes() if route.csrf_exempt}
    assert exempt == CSRF_EXEMPT


def test_the_same_posts_with_a_token_do_change_data(world):
    """The control: the refused bodies above are ones that would have worked."""
    token = _random_token()
    body = working_body(world)
    worked = set()
    for route in all_routes():
        if not route.is_project:
            continue
        for values in candidates(route, world):
            client = signed_in(world, "member")
            client.cookies["csrftoken"] = token
            before = snapshot()

            def post(client=client, url=route.url(values)):
                client.post(url, body, headers={"X-CSRFToken": token})
                return snapshot()

            if in_rollback(post) != before:
                worked.add(route.name)
                break
    expected = {
        "vote",
        "answer_create",
        "answer_comments",
        "question_comments",
        "answer_edit",
        "propose",
        "proposal_accept",
        "proposal_reject",
        "proposal_withdraw",
        "comment_edit",
        "comment_delete",
        "flag",
        "ask",
        "bookmark_toggle",
        "question_asked",
        "bookmark_note",
        "practice_review",
        "practice_start",
        "profile_settings",
        "delete_account",
    }
    assert expected <= worked, f"these posts did nothing even with a token: {expected - worked}"
