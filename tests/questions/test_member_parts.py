"""A member's question page from the pieces this process keeps (the page's facts,
the answers section, the parts with forms kept per view): the same page the
templates render, never another member's, current after a write, and the reader
marks' one statement prepared on PostgreSQL."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mlqa_site.objectcache import frozen
from notifications import events
from questions import reader_marks, services
from questions.models import Comment
from questions.templatetags import reader_parts
from questions.views import answer_section, page_shell, question_page, render_sources
from study import services as study_services
from study.models import InterviewReport
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the CSRF token, masked anew per request
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def page_of(django_capture_on_commit_callbacks):
    """A question where ``member`` voted, judged, bookmarked, follows, reported
    being asked and commented (on the question and an answer)."""
    member = UserFactory()
    question = QuestionFactory(title="Why warm up the learning rate?")
    ai = AIAnswerFactory(question=question, body="Adam's early steps are noisy.")
    community = AnswerFactory(question=question, body="It keeps the loss from spiking.")
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(user=member, answer=community, choice="up")
        services.give_verdict(user=member, answer=ai, value="wrong", note="Not only Adam.")
        study_services.toggle_bookmark(user=member, question=question)
        services.add_comment(author=member, question=question, body="Mine on the question.")
        services.add_comment(author=member, answer=ai, body="Mine on the answer.")
        services.add_comment(author=UserFactory(), answer=ai, body="Someone else's.")
    events.follow(member.pk, question.pk)
    InterviewReport.objects.create(user=member, question=question, year=2024, company="Acme")
    return member, question, ai, community


def text(response) -> str:
    assert response.status_code == 200
    return ANY_TOKEN.sub("TOKEN", response.content.decode())


@pytest.mark.parametrize("who", ["author", "member", "moderator"])
def test_the_kept_parts_are_the_parts_the_templates_render(page_of, who, monkeypatch):
    member, question, _, _ = page_of
    reader = {"author": member, "member": UserFactory(), "moderator": ModeratorFactory()}[who]
    client = Client()
    client.force_login(reader)
    url = question.get_absolute_url()
    for address in (url, url + "?comments=all"):
        text(client.get(address))  # the pieces are kept
        kept = text(client.get(address))
        assert "Log out" in kept
        with monkeypatch.context() as patched:
            patched.setattr(reader_parts, "_RENDERERS", {})
            patched.setattr(page_shell, "_shell", lambda request, context: None)
            assert text(client.get(address)) == kept


def test_no_member_sees_another_members_verdict_follow_report_or_edit_links(page_of):
    member, question, _, _ = page_of
    url = question.get_absolute_url()
    own = Client()
    own.force_login(member)
    other = Client()
    other.force_login(UserFactory())
    for _ in range(2):  # each in turn, from what the other left kept
        mine = own.get(url).text
        assert "Your verdict: wrong" in mine
        assert "Unfollow" in mine
        assert "is-bookmarked" in mine
        assert "you reported it" in mine
        assert 'class="vote vote-up active"' in mine
        assert mine.count("/edit/") >= 2  # their two comments
        theirs = other.get(url).text
        for shown in ("Your verdict:", "Unfollow", "is-bookmarked", "you reported it", "up active"):
            assert shown not in theirs, shown
        assert "/edit/" not in theirs
        assert "Is this answer right?" in theirs


def test_the_answers_change_at_once_after_a_vote_and_a_comment(
    page_of, django_capture_on_commit_callbacks
):
    _, question, ai, _ = page_of
    url = question.get_absolute_url()
    client = Client()
    client.force_login(UserFactory())
    before = client.get(url).text
    assert 'class="vote vote-up active"' not in before
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vote", args=[ai.pk]), {"value": "up"}, headers=HTMX)
    assert response.status_code == 200
    after = client.get(url).text
    assert 'class="vote vote-up active"' in after
    assert 'aria-label="Score 1"' in after
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("answer_comments", args=[ai.pk]), {"body": "A fresh comment."}, headers=HTMX
        )
    assert response.status_code == 200
    assert "A fresh comment." in client.get(url).text
    # Another member sees the new score and comment, not the vote.
    second = Client()
    second.force_login(UserFactory())
    theirs = second.get(url).text
    assert "A fresh comment." in theirs
    assert 'aria-label="Score 1"' in theirs
    assert 'class="vote vote-up active"' not in theirs


def test_a_member_who_wrote_nothing_shares_the_answers_of_any_such_member(page_of):
    _, question, _, _ = page_of
    url = question.get_absolute_url()
    pages = []
    for _ in range(2):
        client = Client()
        client.force_login(UserFactory())
        html = text(client.get(url))
        pages.append(html[html.index('id="answers-heading"') : html.index('id="your-answer"')])
    assert pages[0] == pages[1]
    sections = [key for key in caches["objects"]._cache if ":qanswers:" in key]
    assert len(sections) == 1


def test_a_members_own_answers_are_those_made_whole(
    page_of, django_capture_on_commit_callbacks, monkeypatch
):
    """A member's views start from those of a member who wrote nothing and
    are made anew only where they voted, judged or wrote: their answers are
    the ones made whole, answer by answer, for each kind of reader."""
    member, question, ai, community = page_of
    proposer, late = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_answer(
            user=proposer, answer=ai, body="Warm-up helps SGD too.", reason="Not only Adam."
        )
        for n in range(answer_section.COMMENTS_SHOWN + 1):  # the last one is past those shown
            author = late if n == answer_section.COMMENTS_SHOWN else UserFactory()
            services.add_comment(author=author, answer=community, body=f"Comment {n}.")
    readers = [member, proposer, late, community.author, UserFactory(), ModeratorFactory()]
    url = question.get_absolute_url()
    for address in (url, url + "?comments=all"):
        made = {}
        for reader in readers:
            client = Client()
            client.force_login(reader)
            made[reader.pk] = answers_of(text(client.get(address)))
        with monkeypatch.context() as patched:
            patched.setattr(answer_section, "_differs", lambda *args: True)
            for reader in readers:
                client = Client()
                client.force_login(reader)
                assert answers_of(text(client.get(address))) == made[reader.pk]
    assert "View or withdraw" in made[proposer.pk]
    assert "Proposed improvement" not in made[late.pk]


def answers_of(html: str) -> str:
    return html[html.index('id="answers-heading"') : html.index('id="your-answer"')]


def test_each_member_gets_their_own_token_in_every_form(page_of):
    member, question, _, _ = page_of
    client = Client()
    client.force_login(member)
    url = question.get_absolute_url()
    client.get(url)
    html = client.get(url).text
    token = re.search(r'"x-csrftoken": "([^"]+)"', html).group(1)
    inputs = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    # The study tools' bookmark and report forms, follow, the question's comment
    # form, the answer form, log out; per answer (neither is theirs) its vote,
    # verdict and comment forms.
    assert len(inputs) == 2 + 1 + 1 + 1 + 1 + 2 * 3
    # Each is a masking of the member's one secret, as the header's is.
    secrets = {_unmask_cipher_token(value) for value in [*inputs, token]}
    assert secrets == {client.cookies[django_settings.CSRF_COOKIE_NAME].value}
    visitor = Client().get(url).text
    assert "csrfmiddlewaretoken" not in visitor


def test_kept_objects_are_immutable_and_shared():
    objects = caches["objects"]
    with pytest.raises(TypeError):
        objects.set("a list", [1, 2])
    with pytest.raises(TypeError):
        objects.set("a tuple holding a dict", ("x", {"y": 1}))
    value = ("text", 1, frozenset({2}))
    objects.set("kept", value)
    assert objects.get("kept") is value
    assert objects.get_many(["kept", "missing"]) == {"kept": value}
    assert frozen(value)
    assert not frozen(object())


def test_the_reader_marks_statement_is_short_and_prepared_on_postgresql(page_of):
    member, question, _, _ = page_of
    for shape in (True, False):
        statement = reader_marks._statement(shape)
        assert statement is not None
        # psycopg converts a statement with more parameters anew on every request.
        assert len(statement.params) <= 30
    first = reader_marks.reader_marks(member, question)
    second = reader_marks.reader_marks(member, question)
    assert first == second
    assert (len(first.votes), len(first.verdicts), first.follows) == (1, 1, True)
    assert first.bookmark is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%mark_kind%"],
            )
            assert cursor.fetchone()[0] >= 1  # the member's (a visitor's too, if one came)


def test_an_address_with_parameters_the_page_does_not_read_keeps_no_parts(page_of):
    member, question, _, _ = page_of
    client = Client()
    client.force_login(member)
    url = question.get_absolute_url()
    client.get(url)
    parts = {key for key in caches["objects"]._cache if ":part:" in key}
    assert parts
    for n in range(3):
        html = client.get(f"{url}?utm_source=n{n}").text
        assert f"utm_source=n{n}" in html  # where the bookmark form sends them back
    assert {key for key in caches["objects"]._cache if ":part:" in key} == parts


def test_a_warm_members_page_needs_nothing_of_the_pickled_shared_page(page_of, monkeypatch):
    member, question, _, _ = page_of
    client = Client()
    client.force_login(member)
    url = question.get_absolute_url()
    warm = text(client.get(url))

    def not_needed(*args, **kwargs):
        raise AssertionError("the shared page was loaded")

    monkeypatch.setattr(question_page, "shared_page", not_needed)
    assert text(client.get(url)) == warm


def test_readers_new_to_the_process_are_rendered_without_loading_the_answers_again(
    page_of, django_capture_on_commit_callbacks
):
    _, question, ai, _ = page_of
    commenters = [UserFactory(display_name=f"Commenter {n}") for n in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        for n, commenter in enumerate(commenters):
            services.add_comment(author=commenter, answer=ai, body=f"Comment number {n}.")
            services.add_comment(author=commenter, question=question, body=f"On the question {n}.")
    url = question.get_absolute_url()
    pages = []
    for n, commenter in enumerate(commenters):
        client = Client()
        client.force_login(commenter)
        with CaptureQueriesContext(connection) as queries:
            pages.append(client.get(url).text)
        loaded = [q["sql"] for q in queries.captured_queries if "questions_comment" in q["sql"]]
        # The first reader's fragments load the answers and comments once; the
        # second, whose edit links differ, is rendered from what was kept.
        assert bool(loaded) == (n == 0)
    for n, html in enumerate(pages):
        for m in range(2):
            edit = reverse("comment_edit", args=[comment_id(f"Comment number {m}.")])
            assert (f'href="{edit}"' in html) == (m == n)
            edit = reverse("comment_edit", args=[comment_id(f"On the question {m}.")])
            assert (f'href="{edit}"' in html) == (m == n)
    # What is kept is shared by the process's threads: a render marks copies.
    kept = render_sources._kept.values()
    answers = [a for value in kept if isinstance(value, dict) for a in value.values()]
    comments = [c for value in kept if isinstance(value, list) for c in value]
    comments += [c for answer in answers for c in answer.comments.all()]
    assert answers
    assert comments
    assert not any(hasattr(comment, "can_edit") for comment in comments)


def comment_id(body: str) -> int:
    return Comment.objects.get(body=body).pk


def test_a_fragment_one_process_rendered_is_read_by_another(page_of, monkeypatch):
    member, question, _, _ = page_of
    client = Client()
    client.force_login(member)
    url = question.get_absolute_url()
    first = text(client.get(url))
    caches["objects"].clear()  # another process: nothing of this page in its memory

    def not_rendered(*args, **kwargs):
        raise AssertionError("an answer was rendered again")

    monkeypatch.setattr(answer_section, "render_answer", not_rendered)
    assert text(client.get(url)) == first


def test_a_page_reads_the_members_row_with_its_generations(page_of, settings, monkeypatch):
    """One round trip to the shared cache for both, on a question page and a
    list; what the row says is still current on the next page."""
    settings.MLQA_USER_CACHE_SECONDS = 120
    member, question, _, _ = page_of
    client = Client()
    client.force_login(member)
    row = f"user:{member.pk}"
    for url, scope in (
        (question.get_absolute_url(), f"pagegen:q:{question.pk}"),
        (reverse("home"), "pagegen:lists"),
    ):
        assert client.get(url).status_code == 200
        reads = shared_cache_reads(client, url, monkeypatch)
        assert [read for read in reads if row in read] == [(row, "pagegen:site", scope)]
    member.display_name = "Renamed Member"
    member.save()
    assert ">Renamed Member</a>" in client.get(question.get_absolute_url()).text


def shared_cache_reads(client: Client, url: str, monkeypatch) -> list:
    """The keys a member's request reads from the shared cache, a read at a time."""
    shared = caches["default"]
    real_get, real_many = shared.get, shared.get_many
    reads = []

    def get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(tuple(keys))
        with monkeypatch.context() as inner:  # a memory cache's get_many calls get
            inner.setattr(shared, "get", real_get)
            return real_many(keys, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(shared, "get", get)
        patched.setattr(shared, "get_many", get_many)
        assert "Log out" in client.get(url).text
    return reads
