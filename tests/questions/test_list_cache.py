"""Members' lists and searches: the rows every reader sees come from the cache
(questions/listing.py), the reader's own marks are read for the page's rows."""

import re

import pytest
from django.test import Client

from questions import pagecache, services
from study import services as study_services
from tests.factories import AIAnswerFactory, ModeratorFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HTMX = {"HX-Request": "true"}
# A warm member's list: the session, the user, and their bookmarks among the
# page's rows, with the rows' counts and their unread notifications (the header).
WARM_MEMBER_LIST = 3


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


@pytest.fixture
def questions(db):
    made = []
    for n in range(3):
        question = QuestionFactory(title=f"How does weight decay regularise model {n}?")
        AIAnswerFactory(question=question, body=f"It shrinks the weights of model {n}.")
        made.append(question)
    return made


def member(**kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(UserFactory())
    return client


def toggle_of(html: str, question) -> str:
    """The bookmark form of one row."""
    start = html.index(f'action="/questions/{question.pk}/bookmark/"')
    return html[start : html.index("</form>", start)]


@pytest.mark.parametrize("url", ["/", "/?q=weight+decay", "/?sort=bookmarked&page=1"])
def test_a_warm_members_list_reads_only_their_own_marks(questions, url, django_assert_num_queries):
    client = member()
    first = client.get(url)
    assert first.status_code == 200
    for question in questions[1:]:
        study_services.toggle_bookmark(user=UserFactory(), question=question)
    with django_assert_num_queries(WARM_MEMBER_LIST):
        second = client.get(url)
    assert "private" in second["Cache-Control"]
    html = second.content.decode()
    for question in questions:
        assert question.get_absolute_url() in html
    assert "Log out" in html
    # The counts beside the member's own marks are current, whatever the cache holds.
    assert 'title="Members who bookmarked it">1<' in toggle_of(html, questions[1])
    assert 'title="Members who bookmarked it">0<' in toggle_of(html, questions[0])


def test_each_member_sees_their_own_bookmarks_and_token_on_a_cached_list(questions):
    ada, bob = member(enforce_csrf_checks=True), member(enforce_csrf_checks=True)
    marked = questions[0]
    ada.get("/")  # fills the cache
    response = ada.post(
        f"/questions/{marked.pk}/bookmark/",
        {"csrfmiddlewaretoken": TOKEN.search(ada.get("/").text).group(1), "next": "/"},
    )
    assert response.status_code == 302
    mine = toggle_of(ada.get("/").text, marked)
    assert "Bookmarked" in mine
    assert ">1<" in mine
    theirs = bob.get("/").text
    assert "Bookmarked" not in toggle_of(theirs, marked)
    assert ">1<" in toggle_of(theirs, marked)
    # Each form carries its reader's own token, which the site accepts.
    ada_token = TOKEN.search(ada.get("/").text).group(1)
    bob_token = TOKEN.search(theirs).group(1)
    assert ada_token != bob_token
    response = bob.post(
        f"/questions/{marked.pk}/bookmark/", {"csrfmiddlewaretoken": bob_token, "next": "/"}
    )
    assert response.status_code == 302
    assert ">2<" in toggle_of(bob.get("/").text, marked)
    assert "Log in to bookmark" in Client().get("/").text


def test_votes_and_bookmarks_keep_the_lists_warm_and_new_content_shows_at_once(questions, commit):
    generation = pagecache.list_generation()
    answer = questions[0].answers.get()
    voter = UserFactory()
    commit(lambda: services.cast_vote(user=voter, answer=answer, choice="up"))
    commit(lambda: study_services.toggle_bookmark(user=voter, question=questions[0]))
    assert pagecache.list_generation() == generation
    client = member()
    assert "model 2" in client.get("/?q=regularise").text
    commit(
        lambda: services.answer_question(
            user=voter, question=questions[2], body="Zebra-striped weights."
        )
    )
    assert pagecache.list_generation() != generation
    html = client.get("/?q=zebra").text
    assert questions[2].get_absolute_url() in html
    assert '<p class="count">1 question matches' in html
    moderator = ModeratorFactory()
    commit(lambda: services.hide(moderator=moderator, target=questions[1]))
    assert questions[1].get_absolute_url() not in client.get("/").text


def test_the_htmx_results_of_a_cached_list_carry_the_members_marks(questions):
    client = member()
    client.get("/?q=weight")
    study = questions[0]
    client.post(f"/questions/{study.pk}/bookmark/", {"next": "/"})
    fragment = client.get("/?q=weight", headers=HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html
    assert '<p class="count">3 questions match' in html
    assert "Bookmarked" in toggle_of(html, study)
    assert "<mark>weight</mark>" in html


def test_unknown_parameters_are_served_but_not_kept(questions, django_assert_max_num_queries):
    client = member()
    client.get("/?utm_source=mail")
    with django_assert_max_num_queries(20) as queries:
        response = client.get("/?utm_source=mail")
    assert response.status_code == 200
    assert len(queries) > WARM_MEMBER_LIST  # built again
