"""Visitors' pages come from the cache, and every write that changes them shows at once."""

import re
import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions import services
from questions.models import Question
from study import services as study_services
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # in the forms and in hx-headers
NONCE = re.compile(r' nonce="[^"]*"')  # members' pages are not cached whole


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def page(db):
    question = QuestionFactory(title="Why can validation loss sit below training loss?")
    answer = AIAnswerFactory(question=question, body="Because the model overfits.")
    return question, answer


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the services defer to the end of their transaction (the tests run
    inside one that never commits)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def visit(url: str, **headers) -> str:
    """A new visitor (no cookie), as most visitors and crawlers arrive."""
    response = Client().get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_is_served_from_the_cache_without_a_query(page, django_assert_num_queries):
    question, _ = page
    first = visit(question.get_absolute_url())
    with django_assert_num_queries(0):
        second = visit(question.get_absolute_url())
    assert ANY_TOKEN.sub("", first) == ANY_TOKEN.sub("", second)
    assert "Because the model overfits." in second


def test_a_cached_page_carries_no_csp_nonce(page):
    question, _ = page
    for _ in range(2):
        html = visit(question.get_absolute_url())
        assert "htmx-2.min.js" in html
        assert "nonce=" not in html


def test_a_visitors_page_has_no_token_and_no_form_that_posts(page):
    question, answer = page
    for _ in range(2):  # rendered, then from the cache
        response = Client(enforce_csrf_checks=True).get(question.get_absolute_url())
        html = response.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert "x-csrftoken" not in html
        assert 'method="post"' not in html
        assert "csrftoken" not in response.cookies
        # Voting, commenting and bookmarking lead to the log-in page and back.
        back = f"/accounts/login/?next={question.get_absolute_url()}%23answer-{answer.pk}"
        assert f'href="{back}"' in html
        assert "Log in to vote up" in html
        assert "Log in to comment" in html
        assert 'title="Log in to bookmark this question and practise it"' in html


def test_a_vote_shows_to_the_next_visitor(page, commit):
    question, answer = page
    assert 'aria-label="Score 0"' in visit(question.get_absolute_url())
    voter = UserFactory()
    commit(lambda: services.cast_vote(user=voter, answer=answer, choice="up"))
    assert 'aria-label="Score 1"' in visit(question.get_absolute_url())


def test_answers_edits_and_comments_show_to_the_next_visitor(page, commit):
    question, answer = page
    url = question.get_absolute_url()
    visit(url)
    member = UserFactory(display_name="Grace")
    commit(
        lambda: services.answer_question(
            user=member, question=question, body="Dropout is off at evaluation time."
        )
    )
    assert "Dropout is off at evaluation time." in visit(url)

    commit(lambda: services.add_comment(author=member, answer=answer, body="Not overfitting."))
    assert "Not overfitting." in visit(url)

    moderator = ModeratorFactory()
    commit(
        lambda: services.edit_answer(
            user=moderator, answer=answer, body="Regularisation acts only in training."
        )
    )
    html = visit(url)
    assert "Regularisation acts only in training." in html
    assert "Because the model overfits." not in html


def test_hiding_and_restoring_an_answer_shows_at_once(page, commit):
    question, _ = page
    community = AnswerFactory(question=question, body="A spam answer with a link.")
    url = question.get_absolute_url()
    assert "A spam answer with a link." in visit(url)
    moderator = ModeratorFactory()
    commit(lambda: services.hide(moderator=moderator, target=community))
    assert "A spam answer with a link." not in visit(url)
    commit(lambda: services.restore(moderator=moderator, target=community))
    assert "A spam answer with a link." in visit(url)


def test_hiding_a_question_takes_it_off_the_cached_list(page, commit):
    question, _ = page
    assert question.title in visit("/")
    commit(lambda: services.hide(moderator=ModeratorFactory(), target=question))
    assert question.title not in visit("/")
    assert Client().get(question.get_absolute_url()).status_code == 404


def test_a_report_and_a_bookmark_show_to_the_next_visitor(page, commit, settings, verified_member):
    question, _ = page
    url = question.get_absolute_url()
    assert "Nobody has reported being asked this" in visit(url)
    member = verified_member  # a report counts at once
    commit(lambda: study_services.report_asked(user=member, question=question, company="Acme"))
    assert "Asked in 1 interview" in visit(url)

    other = QuestionFactory(title="A question nobody bookmarked")
    start = time.time()
    html = visit("/?sort=bookmarked")
    assert html.index(other.title) < html.index(question.title)
    assert 'title="Members who bookmarked it">0<' in visit(url)
    commit(lambda: study_services.toggle_bookmark(user=member, question=question))
    # The question's page at once; the list, which does not follow every
    # bookmark, once its shorter timeout has passed.
    assert 'title="Members who bookmarked it">1<' in visit(url)
    html = visit("/?sort=bookmarked")
    assert html.index(other.title) < html.index(question.title)
    with mock.patch("time.time", return_value=start + settings.MLQA_LIST_CACHE_SECONDS + 1):
        html = visit("/?sort=bookmarked")
    assert html.index(question.title) < html.index(other.title)


def test_a_new_display_name_shows_on_every_cached_page(page, commit, client):
    question, _ = page
    member = UserFactory(username="ada", display_name="Ada")
    AnswerFactory(question=question, author=member, body="My own answer.")
    url = question.get_absolute_url()
    assert "Ada" in visit(url)
    client.force_login(member)
    commit(lambda: client.post("/settings/", {"display_name": "Ada Lovelace", "bio": ""}))
    assert "Ada Lovelace" in visit(url)


def test_an_admin_edit_shows_to_the_next_visitor(page, commit):
    question, _ = page
    visit("/")
    visit(question.get_absolute_url())
    moderator = Client()
    moderator.force_login(ModeratorFactory())
    change = f"/admin/questions/question/{question.pk}/change/"
    form = {
        "title": "Validation loss below training loss: why?",
        "body": "",
        "source": question.source_id,
        "source_reference": "",
        "difficulty": "hard",
        "topics": [],
        "submitted_by": "",
    }
    response = commit(lambda: moderator.post(change, form))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Validation loss below training loss: why?" in visit("/")
    question.refresh_from_db()
    assert "Validation loss below training loss: why?" in visit(question.get_absolute_url())


def test_members_never_get_or_fill_the_visitors_copy(page, client):
    question, _ = page
    member = UserFactory(display_name="Margaret")
    client.force_login(member)
    mine = client.get(question.get_absolute_url()).content.decode()
    assert "Margaret" in mine
    assert "Log out" in mine
    html = visit(question.get_absolute_url())
    assert "Margaret" not in html
    assert "Log out" not in html
    assert "Log out" in client.get(question.get_absolute_url()).content.decode()


def test_a_flash_message_is_not_lost_in_the_cache(page, client):
    visit("/")
    member = UserFactory()
    client.force_login(member)
    client.post("/accounts/logout/")
    assert "You have signed out" in client.get("/").content.decode()


def test_the_htmx_fragment_and_the_full_page_are_cached_apart(page):
    visit("/")
    fragment = visit("/", **{"HX-Request": "true"})
    assert "<html" not in fragment
    assert "<html" in visit("/")
    assert "<html" not in visit("/", **{"HX-Request": "true"})


def test_unknown_parameters_and_old_entries_bypass_the_cache(page, django_assert_max_num_queries):
    question, _ = page
    url = question.get_absolute_url()
    visit(url + "?utm_source=mail")
    with django_assert_max_num_queries(20) as queries:
        visit(url + "?utm_source=mail")
    assert len(queries) > 0
    # Nothing cached survives its timeout, even without a write.
    visit(url)
    Question.objects.filter(pk=question.pk).update(title="Changed behind the site's back")
    assert "Changed behind" not in visit(url)
    later = timezone.now() + timedelta(seconds=301)
    with mock.patch("time.time", return_value=later.timestamp()):
        assert "Changed behind" in visit(url)


def test_a_processs_own_copy_lives_no_longer_than_the_shared_one(page):
    question, _ = page
    url = question.get_absolute_url()
    start = time.time()
    visit(url)
    caches["pages"].clear()  # as in another process, which has not seen the page yet
    Question.objects.filter(pk=question.pk).update(title="Changed behind the site's back")
    with mock.patch("time.time", return_value=start + 250):
        assert "Changed behind" not in visit(url)  # the shared copy, now kept locally too
    with mock.patch("time.time", return_value=start + 301):
        assert "Changed behind" in visit(url)


def test_a_write_that_is_rolled_back_changes_nothing(page, django_capture_on_commit_callbacks):
    question, answer = page
    visit(question.get_absolute_url())
    voter = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cast_vote(user=voter, answer=answer, choice="up")
    assert len(callbacks) == 1  # runs only if the transaction commits


# --- Members' pages are built from cached fragments ---------------------------------


def member_page(member, url: str, **client_options) -> tuple[Client, str]:
    client = Client(**client_options)
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    return client, response.content.decode()


def test_members_see_their_own_comment_actions_on_cached_fragments(page, commit):
    question, answer = page
    author, reader = UserFactory(), UserFactory()
    comment = commit(lambda: services.add_comment(author=author, answer=answer, body="Mine."))
    edit_link = f"/comments/{comment.pk}/edit/"
    flag_link = f"target=comment&amp;id={comment.pk}"

    for _ in range(2):  # the second time from the cache
        _, theirs = member_page(author, question.get_absolute_url())
        assert edit_link in theirs
        _, others = member_page(reader, question.get_absolute_url())
        assert edit_link not in others
        assert flag_link in others
        _, moderators = member_page(ModeratorFactory(), question.get_absolute_url())
        assert edit_link in moderators
        assert edit_link not in visit(question.get_absolute_url())


def test_a_members_forms_carry_their_own_token_from_cached_fragments(page, commit):
    question, answer = page
    author = UserFactory()
    comment = commit(lambda: services.add_comment(author=author, answer=answer, body="Oops."))
    member_page(author, question.get_absolute_url())  # fills the fragments
    client, html = member_page(author, question.get_absolute_url(), enforce_csrf_checks=True)
    token = TOKEN.search(html).group(1)
    response = client.post(f"/comments/{comment.pk}/delete/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "deleted"


def test_members_see_an_edit_and_a_vote_at_once(page, commit):
    question, answer = page
    reader, voter = UserFactory(), UserFactory()
    _, before = member_page(reader, question.get_absolute_url())
    assert "Because the model overfits." in before
    commit(
        lambda: services.edit_answer(
            user=ModeratorFactory(), answer=answer, body="Dropout is off at evaluation."
        )
    )
    commit(lambda: services.cast_vote(user=voter, answer=answer, choice="up"))
    _, after = member_page(reader, question.get_absolute_url())
    assert "Dropout is off at evaluation." in after
    assert "edited (2 revisions)" in after
    assert 'aria-label="Score 1"' in after


def test_each_reader_sees_their_own_vote_answer_and_proposals(page, commit):
    question, answer = page
    url = question.get_absolute_url()
    voter, reader, proposer = UserFactory(), UserFactory(), UserFactory()
    commit(lambda: services.cast_vote(user=voter, answer=answer, choice="up"))
    commit(
        lambda: services.propose_answer(
            user=proposer, answer=answer, body="Dropout is off at evaluation.", reason="Wrong."
        )
    )
    own = commit(lambda: services.answer_question(user=reader, question=question, body="Mine."))
    active_up = 'class="vote vote-up active"'

    for _ in range(2):  # the second time from the cached fragments
        _, voters = member_page(voter, url)
        assert active_up in voters
        assert "proposal-pending" not in voters
        _, readers = member_page(reader, url)
        assert active_up not in readers
        assert "your answer" in readers  # their own answer has no vote buttons
        assert f"/answers/{own.pk}/edit/" in readers
        _, proposers = member_page(proposer, url)
        assert "View or withdraw" in proposers
        _, moderators = member_page(ModeratorFactory(), url)
        assert "Review the change" in moderators
        assert f"/answers/{own.pk}/edit/" in moderators
        html = visit(url)
        assert "proposal-pending" not in html
        assert f"/answers/{own.pk}/edit/" not in html


def test_a_warm_members_page_skips_the_comments_it_has_cached(page, commit):
    question, _ = page
    for number in range(3):
        other = AnswerFactory(question=question, body=f"Answer {number}.")
        for n in range(3):
            commit(
                lambda a=other, n=n: services.add_comment(
                    author=UserFactory(), answer=a, body=f"c{n}"
                )
            )
    reader = UserFactory()
    client = Client()
    client.force_login(reader)
    url = question.get_absolute_url()
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as warm:
        second = client.get(url).content.decode()
    # Warm, only the reader's own: the session, the user, and one query for
    # their votes, verdicts, bookmark, reports, follow and unread notifications
    # (the header), with the page's interview-report counts.
    assert len(warm) == 3
    assert len(cold) > len(warm)
    assert NONCE.sub("", ANY_TOKEN.sub("", first)) == NONCE.sub("", ANY_TOKEN.sub("", second))
    assert second.count('class="comment"') == 9


def test_a_fragment_gone_from_the_cache_since_still_shows_its_comments(page, commit):
    question, answer = page
    commit(lambda: services.add_comment(author=UserFactory(), answer=answer, body="Still here."))
    reader = UserFactory()
    member_page(reader, question.get_absolute_url())
    caches["objects"].clear()  # evicted, or another process: the answers go, not the page
    _, html = member_page(reader, question.get_absolute_url())
    assert "Still here." in html


@pytest.mark.parametrize("end", ["reject", "withdraw", "accept"])
def test_a_proposal_that_is_reviewed_or_withdrawn_leaves_the_page_at_once(page, commit, end):
    question, answer = page
    proposer, moderator = UserFactory(), ModeratorFactory()
    url = question.get_absolute_url()
    proposal = commit(
        lambda: services.propose_answer(
            user=proposer, answer=answer, body="Dropout is off at evaluation.", reason="Wrong."
        )
    )
    for _ in range(2):  # cached the second time
        assert "View or withdraw" in member_page(proposer, url)[1]
        assert "Review the change" in member_page(moderator, url)[1]
    match end:
        case "reject":
            commit(
                lambda: services.reject_proposal(
                    user=moderator, proposal=proposal, reason="Not an improvement."
                )
            )
        case "withdraw":
            commit(lambda: services.withdraw_proposal(user=proposer, proposal=proposal))
        case "accept":
            commit(lambda: services.accept_proposal(user=moderator, proposal=proposal))
    assert "proposal-pending" not in member_page(proposer, url)[1]
    assert "proposal-pending" not in member_page(moderator, url)[1]
    if end == "accept":
        assert "Dropout is off at evaluation." in visit(url)


def test_rerendered_markdown_shows_at_once(page, commit):
    question, answer = page
    url = question.get_absolute_url()
    member_page(UserFactory(), url)
    visit(url)
    # As if the markdown pipeline had rendered it differently before.
    type(answer).objects.filter(pk=answer.pk).update(body_html="<p>Old rendering.</p>")
    caches["fragments"].clear()
    caches["pages"].clear()
    cache.clear()
    assert "Old rendering." in visit(url)
    assert "Old rendering." in member_page(UserFactory(), url)[1]
    commit(lambda: call_command("rerender_markdown", stdout=StringIO()))
    assert "Old rendering." not in visit(url)
    assert "Because the model overfits." in member_page(UserFactory(), url)[1]
