"""/api/v1/me/: a member's own bookmarks and reviews with a personal access
token; who may read what, hidden content, adding a bookmark, rate limits."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import suspend_member
from api import tokens
from api.models import AccessToken
from questions.models import Status
from study import services as study
from study.models import Bookmark
from tests.api.conftest import bearer
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
ENDPOINTS = [f"{ME}/bookmarks", f"{ME}/reviews"]


def post_bookmark(client, secret, **body):
    return client.post(
        f"{ME}/bookmarks", json.dumps(body), content_type="application/json", **bearer(secret)
    )


@pytest.mark.parametrize("url", ENDPOINTS)
def test_no_token_is_a_401_that_says_what_is_needed(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "personal access token" in response.json()["detail"]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    "header",
    [
        "Bearer mlqa_not-a-real-token",
        "Bearer ",
        "Basic YWxpY2U6c2VjcmV0",
        "mlqa_x",
        "Bearer " + "x" * 500,
    ],
)
def test_an_unknown_token_is_a_401(client, url, header):
    assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_revoked_token_no_longer_works(client, member, token, url):
    assert client.get(url, **bearer(token)).status_code == 200
    tokens.revoke_token(user=member, token=AccessToken.objects.get(user=member))
    assert client.get(url, **bearer(token)).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_suspended_members_token_does_not_work(client, member, moderator, token, url):
    suspend_member(
        moderator=moderator, member=member, until=timezone.now() + timedelta(days=2), reason="Spam."
    )
    assert client.get(url, **bearer(token)).status_code == 401


def test_a_token_reads_only_its_own_members_data(client, member, other_member, token, other_token):
    mine, theirs = QuestionFactory(title="Mine"), QuestionFactory(title="Theirs")
    study.toggle_bookmark(user=member, question=mine)
    study.toggle_bookmark(user=other_member, question=theirs)
    assert [
        b["question"]["title"]
        for b in client.get(f"{ME}/bookmarks", **bearer(token)).json()["items"]
    ] == ["Mine"]
    other = client.get(f"{ME}/bookmarks", **bearer(other_token)).json()["items"]
    assert [b["question"]["title"] for b in other] == ["Theirs"]


def test_a_token_reads_only_its_own_members_reviews(
    client, member, other_member, token, other_token
):
    for user, title in ((member, "Mine"), (other_member, "Theirs")):
        bookmark = study.toggle_bookmark(user=user, question=QuestionFactory(title=title))
        study.review(user=user, bookmark=bookmark, rating=4)
    mine = client.get(f"{ME}/reviews", **bearer(token)).json()["items"]
    assert [r["question"]["title"] for r in mine] == ["Mine"]
    theirs = client.get(f"{ME}/reviews", **bearer(other_token)).json()["items"]
    assert [r["question"]["title"] for r in theirs] == ["Theirs"]


def test_a_token_signs_nobody_in_to_the_site(client, token):
    response = client.get("/settings/", **bearer(token))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/bookmarks/", **bearer(token)).status_code == 302


def test_bookmarks_carry_notes_and_practice_state(client, member, token):
    question = QuestionFactory(title="Explain dropout")
    bookmark = study.toggle_bookmark(user=member, question=question)
    study.save_note(user=member, bookmark=bookmark, note="Mention *inverted* dropout.")
    study.review(user=member, bookmark=bookmark, rating=3)
    response = client.get(f"{ME}/bookmarks", **bearer(token))
    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert "Authorization" in response["Vary"]
    (item,) = response.json()["items"]
    assert item["question"] == {
        "id": question.pk,
        "title": "Explain dropout",
        "url": f"http://testserver{question.get_absolute_url()}",
    }
    assert item["note"] == "Mention *inverted* dropout."
    assert "<em>inverted</em>" in item["note_html"]
    assert item["practice"]["label"] == "Learning"
    assert item["practice"]["last_rating"] == 3
    assert item["practice"]["due"] is not None


def test_bookmarks_filter_like_the_bookmarks_page(client, member, token):
    stats = TopicFactory(slug="stats")
    study.toggle_bookmark(user=member, question=QuestionFactory(title="Stats", topics=[stats]))
    study.toggle_bookmark(user=member, question=QuestionFactory(title="Other"))
    items = client.get(f"{ME}/bookmarks?topic=stats", **bearer(token)).json()["items"]
    assert [b["question"]["title"] for b in items] == ["Stats"]
    items = client.get(f"{ME}/bookmarks?state=new&sort=due", **bearer(token)).json()["items"]
    assert len(items) == 2
    assert client.get(f"{ME}/bookmarks?state=bogus", **bearer(token)).status_code == 422


def test_hidden_questions_and_removed_bookmarks_leave_the_lists(client, member, token):
    shown, hidden, removed = (QuestionFactory(title=t) for t in ("Shown", "Hidden", "Removed"))
    for question in (shown, hidden, removed):
        bookmark = study.toggle_bookmark(user=member, question=question)
        study.review(user=member, bookmark=bookmark, rating=3)
    study.toggle_bookmark(user=member, question=removed)
    QuestionFactory._meta.model.objects.filter(pk=hidden.pk).update(status=Status.HIDDEN)
    bookmarks = client.get(f"{ME}/bookmarks", **bearer(token)).json()["items"]
    assert [b["question"]["title"] for b in bookmarks] == ["Shown"]
    reviews = client.get(f"{ME}/reviews", **bearer(token)).json()["items"]
    assert [r["question"]["title"] for r in reviews] == ["Shown"]


def test_reviews_list_newest_first_and_page(client, member, token):
    bookmark = study.toggle_bookmark(user=member, question=QuestionFactory(title="Q"))
    start = timezone.now()
    for n, rating in enumerate([1, 3, 4]):
        study.review(user=member, bookmark=bookmark, rating=rating, now=start + timedelta(days=n))
    page = client.get(f"{ME}/reviews?page_size=2", **bearer(token)).json()
    assert [r["rating"] for r in page["items"]] == [4, 3]
    assert page["items"][0]["rating_label"] == "Easy"
    assert page["items"][0]["bookmark_id"] == bookmark.pk
    assert (page["count"], page["pages"]) == (3, 2)
    second = client.get(page["next"], **bearer(token)).json()
    assert [r["rating"] for r in second["items"]] == [1]


def test_bookmarks_page(client, member, token):
    for n in range(3):
        study.toggle_bookmark(user=member, question=QuestionFactory(title=f"Q{n}"))
    page = client.get(f"{ME}/bookmarks?page_size=2&page=2", **bearer(token)).json()
    assert [b["question"]["title"] for b in page["items"]] == ["Q0"]
    assert page["previous"].endswith("page_size=2&page=1")


def test_post_bookmark_adds_one_then_finds_it(client, member, token):
    question = QuestionFactory()
    response = post_bookmark(client, token, question_id=question.pk, note="Revise *this*.")
    assert response.status_code == 201
    assert response.json()["note"] == "Revise *this*."
    assert "ETag" not in response
    bookmark = Bookmark.objects.get(user=member, question=question)
    assert bookmark.note_html.strip() == "<p>Revise <em>this</em>.</p>"
    question.refresh_from_db()
    assert question.bookmark_count == 1
    again = post_bookmark(client, token, question_id=question.pk)
    assert again.status_code == 200
    assert again.json()["note"] == "Revise *this*."  # kept: no note given
    question.refresh_from_db()
    assert question.bookmark_count == 1


def test_post_bookmark_brings_back_a_removed_one_with_its_note(client, member, token):
    question = QuestionFactory()
    bookmark = study.toggle_bookmark(user=member, question=question)
    study.save_note(user=member, bookmark=bookmark, note="Old note")
    study.toggle_bookmark(user=member, question=question)
    response = post_bookmark(client, token, question_id=question.pk)
    assert response.status_code == 201
    assert response.json()["id"] == bookmark.pk
    assert response.json()["note"] == "Old note"


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.PENDING])
def test_post_bookmark_refuses_unpublished_questions(client, member, token, status):
    question = QuestionFactory(status=status)
    response = post_bookmark(client, token, question_id=question.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "No published question with this id."}
    assert not Bookmark.all_objects.filter(user=member).exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"question_id": "x"}, {"question_id": 0}, {"question_id": 1, "note": "n" * 5001}],
)
def test_post_bookmark_with_bad_input_is_a_422(client, member, token, body):
    QuestionFactory()
    assert post_bookmark(client, token, **body).status_code == 422
    assert not Bookmark.all_objects.filter(user=member).exists()


def test_post_bookmark_needs_a_live_token(client, member, token):
    question = QuestionFactory()
    response = client.post(
        f"{ME}/bookmarks", json.dumps({"question_id": question.pk}), content_type="application/json"
    )
    assert response.status_code == 401
    tokens.revoke_token(user=member, token=AccessToken.objects.get(user=member))
    assert post_bookmark(client, token, question_id=question.pk).status_code == 401
    assert not Bookmark.all_objects.exists()


def test_post_bookmark_from_another_members_token_bookmarks_for_them(
    client, member, other_member, other_token
):
    question = QuestionFactory()
    assert post_bookmark(client, other_token, question_id=question.pk).status_code == 201
    assert list(Bookmark.objects.values_list("user", flat=True)) == [other_member.pk]


def test_the_token_records_when_it_was_last_used(client, member, token):
    record = AccessToken.objects.get(user=member)
    assert record.last_used_at is None
    client.get(f"{ME}/reviews", **bearer(token))
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_per_token_rate_limit_answers_429_with_retry_after(client, token, other_token, settings):
    settings.MLQA_RATE_LIMITS = {"api-token": (2, 3600), "api": (100, 60)}
    for _ in range(2):
        assert client.get(f"{ME}/reviews", **bearer(token)).status_code == 200
    response = client.get(f"{ME}/reviews", **bearer(token))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "2 API requests with this token per hour" in response.json()["detail"]
    assert client.get(f"{ME}/reviews", **bearer(other_token)).status_code == 200


def test_per_address_rate_limit_counts_token_requests_too(client, token, settings):
    settings.MLQA_RATE_LIMITS = {"api": (2, 60)}
    client.get(f"{ME}/reviews", **bearer(token))
    client.get(f"{ME}/reviews", HTTP_AUTHORIZATION="Bearer mlqa_guess")
    response = client.get(f"{ME}/reviews", **bearer(token))
    assert response.status_code == 429
    assert "Retry-After" in response


def test_me_answers_carry_an_etag(client, member, token):
    study.toggle_bookmark(user=member, question=QuestionFactory())
    first = client.get(f"{ME}/bookmarks", **bearer(token))
    again = client.get(f"{ME}/bookmarks", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(token))
    assert again.status_code == 304
    other = UserFactory()
    other_secret = tokens.create_token(user=other, name="x").secret
    # The same ETag from someone else's data does not match theirs.
    theirs = client.get(f"{ME}/bookmarks", HTTP_IF_NONE_MATCH=first["ETag"], **bearer(other_secret))
    assert theirs.status_code == 200
