"""Merging duplicates in the admin: the question that stays is found by
searching its title (Django's autocomplete), never typed as an id."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questions import services
from questions.models import (
    Question,
    Status,
)
from study import services as study_services
from study.models import Bookmark
from tests.factories import (
    AnswerFactory,
    BookmarkFactory,
    QuestionFactory,
    UserFactory,
)
from tests.questions.test_moderation import act

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:questions_question_changelist")
SELF_MERGE = "a question cannot be merged into itself"


def merge(client, duplicates, **data):
    return client.post(
        CHANGELIST,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [q.pk for q in duplicates], **data},
        follow=True,
    )


def test_the_merge_form_searches_questions_with_an_autocomplete(mod_client):
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    html = merge(mod_client, [duplicate]).content.decode()
    select = re.search(r'<select name="into"[^>]*>', html).group(0)
    assert "admin-autocomplete" in select
    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in select
    assert 'data-field-name="merged_into"' in select
    assert 'data-model-name="question"' in select
    assert 'name="into" type="number"' not in html  # no typed id
    # The widget's scripts and styles are on the page.
    for asset in ("select2.full", "autocomplete.js", "select2.min.css", "jquery"):
        assert asset in html


def test_the_search_offers_published_questions_that_were_not_merged_away(mod_client, moderator):
    kept = QuestionFactory(title="What is dropout?")
    QuestionFactory(title="Hidden dropout question", status=Status.HIDDEN)
    gone = QuestionFactory(title="Dropout, asked again")
    services.merge_questions(moderator=moderator, duplicate=gone, into=kept)
    QuestionFactory(title="What is batch norm?")
    params = {
        "app_label": "questions",
        "model_name": "question",
        "field_name": "merged_into",
        "term": "dropout",
    }
    response = mod_client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert results == [{"id": str(kept.pk), "text": "What is dropout?"}]


def test_the_picked_question_receives_the_duplicate(mod_client):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    answer = AnswerFactory(question=duplicate)
    page = merge(mod_client, [duplicate], apply="1", into=kept.pk).content.decode()
    assert "1 question merged into “What is dropout?”." in page
    answer.refresh_from_db()
    duplicate.refresh_from_db()
    assert answer.question == kept
    assert (duplicate.status, duplicate.merged_into) == (Status.HIDDEN, kept)


@pytest.mark.parametrize("others", [0, 2])
def test_merging_a_question_into_itself_is_refused_once(mod_client, others):
    target = QuestionFactory(title="What is dropout?")
    more = [QuestionFactory(title=f"Dropout duplicate {n}") for n in range(others)]
    response = merge(mod_client, [target, *more], apply="1", into=target.pk)
    html = response.content.decode()
    assert html.count(SELF_MERGE) == 1
    assert "merged into “" not in html  # nothing was merged, not even the others
    assert Question.objects.filter(status=Status.PUBLISHED).count() == 1 + others
    assert not Question.objects.filter(merged_into__isnull=False).exists()
    # The form is shown again with the selection kept, to choose another question.
    assert html.count(f'name="{ACTION_CHECKBOX_NAME}" value=') == 1 + others


def test_a_hidden_or_unknown_target_is_refused_with_a_reason(mod_client):
    duplicate = QuestionFactory(title="Its duplicate")
    hidden = QuestionFactory(title="A hidden question", status=Status.HIDDEN)
    for into in (hidden.pk, 999999, "abc", ""):
        html = merge(mod_client, [duplicate], apply="1", into=into).content.decode()
        assert "choose a published question" in html or "Choose the question that stays" in html
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.PUBLISHED, None)


def test_merging_a_duplicate_moves_everything_and_redirects(mod_client, client):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    moved = AnswerFactory(question=duplicate, body="Randomly zeroes activations.")
    services.cast_vote(user=UserFactory(), answer=moved, choice="up")
    both, only_dup = UserFactory(), UserFactory()
    BookmarkFactory(user=both, question=kept)
    BookmarkFactory(user=both, question=duplicate)
    BookmarkFactory(user=only_dup, question=duplicate)
    assert (kept.bookmark_count, duplicate.bookmark_count) == (1, 2)  # counted as made

    page = act(mod_client, Question, "merge_selected", [duplicate], reason="Same question")
    assert "Merge duplicate questions" in page.content.decode()
    assert 'value="Same question"' in page.content.decode()  # the action bar's reason
    act(mod_client, Question, "merge_selected", [duplicate], apply="1", into=kept.pk)

    moved.refresh_from_db()
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert moved.question == kept
    assert moved.score == 1
    assert kept.answer_count == 1
    assert Bookmark.objects.filter(question=kept).count() == 2
    assert kept.bookmark_count == 2
    assert (duplicate.status, duplicate.merged_into) == (Status.HIDDEN, kept)
    # The member who had both keeps one bookmark, on the kept question.
    assert duplicate.bookmark_count == 0
    assert Bookmark.objects.filter(user=both).count() == 1
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def _reviewed(user, question, *, note: str, ratings: list[int], start) -> Bookmark:
    bookmark = BookmarkFactory(user=user, question=question)
    study_services.save_note(user=user, bookmark=bookmark, note=note)
    for day, rating in enumerate(ratings):
        study_services.review(
            user=user, bookmark=bookmark, rating=rating, now=start + timedelta(days=day)
        )
    bookmark.refresh_from_db()
    return bookmark


def _bookmarks_page(member) -> str:
    client = Client()
    client.force_login(member)
    return client.get("/bookmarks/").content.decode()


def test_merging_moves_a_bookmark_with_its_note_and_practice_card(moderator, member):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    start = timezone.now() - timedelta(days=30)
    before = _reviewed(member, duplicate, note="Off at *test* time.", ratings=[3, 3], start=start)

    services.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)

    bookmark = Bookmark.objects.get(user=member)
    assert bookmark.pk == before.pk
    assert bookmark.question == kept
    assert (bookmark.note, bookmark.state, bookmark.due) == (before.note, before.state, before.due)
    assert bookmark.reviews.count() == 2
    page = _bookmarks_page(member)
    assert "<em>test</em>" in page
    assert kept.get_absolute_url() in page


def test_merging_when_a_member_bookmarked_both_joins_the_notes_and_keeps_the_busier_card(
    moderator, member, other_member
):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    start = timezone.now() - timedelta(days=30)
    # The member practised the duplicate more: its card wins, the logs are joined.
    mine = _reviewed(member, kept, note="Kept note.", ratings=[3], start=start)
    theirs = _reviewed(member, duplicate, note="Duplicate note.", ratings=[1, 3, 4], start=start)
    # Another member practised the kept question more: that card stays.
    other_kept = _reviewed(other_member, kept, note="", ratings=[3, 3], start=start)
    _reviewed(other_member, duplicate, note="Only here.", ratings=[], start=start)

    services.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)

    bookmark = Bookmark.objects.get(user=member)
    assert (bookmark.pk, bookmark.question) == (mine.pk, kept)
    assert bookmark.note == "Kept note.\n\n---\n\nDuplicate note."
    assert "<hr" in bookmark.note_html
    assert (bookmark.state, bookmark.due, bookmark.stability, bookmark.last_rating) == (
        theirs.state,
        theirs.due,
        theirs.stability,
        4,
    )
    assert bookmark.reviews.count() == 4
    other = Bookmark.objects.get(user=other_member)
    assert (other.pk, other.note, other.due) == (other_kept.pk, "Only here.", other_kept.due)
    assert other.reviews.count() == 2
    assert not Bookmark.objects.filter(question=duplicate).exists()
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert (kept.bookmark_count, duplicate.bookmark_count) == (2, 0)
    page = _bookmarks_page(member)
    assert "Kept note." in page
    assert "Duplicate note." in page


def test_merging_moves_removed_bookmarks_too_and_they_stay_recoverable(
    moderator, member, other_member
):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    start = timezone.now() - timedelta(days=30)
    # The member removed the kept question's bookmark and still has the duplicate's.
    _reviewed(member, kept, note="Removed note.", ratings=[3], start=start)
    study_services.toggle_bookmark(user=member, question=kept)
    _reviewed(member, duplicate, note="Active note.", ratings=[], start=start)
    # The other member removed their only one, on the duplicate.
    _reviewed(other_member, duplicate, note="Waiting.", ratings=[2], start=start)
    study_services.toggle_bookmark(user=other_member, question=duplicate)

    services.merge_questions(moderator=moderator, duplicate=duplicate, into=kept)

    mine = Bookmark.objects.get(user=member)
    assert (mine.question, mine.note) == (kept, "Removed note.\n\n---\n\nActive note.")
    assert not Bookmark.objects.filter(user=other_member).exists()
    kept.refresh_from_db()
    assert kept.bookmark_count == 1
    assert not Bookmark.all_objects.filter(question=duplicate).exists()
    restored = study_services.toggle_bookmark(user=other_member, question=kept)
    assert (restored.note, restored.reviews.count()) == ("Waiting.", 1)
    assert kept.bookmark_count == 2


def test_a_question_cannot_be_merged_into_a_hidden_one(mod_client, moderator):
    hidden = QuestionFactory(title="A hidden question", status=Status.HIDDEN)
    duplicate = QuestionFactory(title="Its duplicate")
    AnswerFactory(question=duplicate, body="Stays where it is.")

    page = act(mod_client, Question, "merge_selected", [duplicate], apply="1", into=hidden.pk)

    assert "is not published" in page.content.decode()
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.answer_count) == (
        Status.PUBLISHED,
        None,
        1,
    )
