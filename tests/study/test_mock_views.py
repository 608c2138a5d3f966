"""Mock interviews over HTTP: start one from /mock/, answer through the pages'
own forms (plain posts and htmx), the summary and grading, privacy (404 for
other members), readable 400s for bad input, and query counts that do not grow
with the data."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from accounts.models import User
from study import mock as mock_interviews
from study import views
from study.models import Bookmark, MockInterview, MockQuestion, Review
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, TopicFactory
from tests.study.test_views import HTMX, T0, html, is_fragment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_fuzz():
    with mock.patch("fsrs.scheduler.random", return_value=0.5):
        yield


def at(moment):
    """Freeze the site's clock."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _topic_with(n: int, name="Statistics", slug="statistics"):
    topic = TopicFactory(name=name, slug=slug)
    questions = [QuestionFactory(title=f"{name} question {i}", topics=[topic]) for i in range(n)]
    return topic, questions


def _form_action(body: str, css_class: str) -> str:
    match = re.search(rf'<form[^>]*class="{css_class}"[^>]*action="([^"]+)"', body)
    assert match, f"no {css_class} form"
    return match.group(1)


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/mock/", views.mock_home),
        ("/mock/start/", views.mock_start),
        ("/mock/7/", views.mock_detail),
        ("/mock/7/answer/", views.mock_answer),
        ("/mock/7/grade/", views.mock_grade),
    ],
)
def test_the_mock_paths_reach_their_views(path, view):
    assert resolve(path).func == view


@pytest.mark.parametrize("path", ["/mock/", "/mock/1/"])
def test_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_reaches_mock_interviews_from_the_header(client, alice):
    assert 'href="/mock/"' in html(client.get("/practice/"))
    body = html(client.get("/mock/"))
    assert "No mock interviews yet" in body
    assert 'action="/mock/start/"' in body


def test_a_whole_mock_interview_through_plain_forms(client, alice):
    _topic, questions = _topic_with(3)
    AIAnswerFactory(question=questions[0], body="Low **bias**, high variance.", ai_model="ChatGPT")
    AnswerFactory(question=questions[1], body="A *community* answer.")
    with at(T0):
        response = client.post(
            "/mock/start/", {"topics": ["statistics"], "questions": "3", "minutes": "2"}
        )
    interview = MockInterview.objects.get(user=alice)
    assert (response.status_code, response["Location"]) == (302, f"/mock/{interview.pk}/")
    shown = []
    spent = [60, 400, 90]  # seconds on each question: the second takes too long
    typed_answers = ["Trade <b>bias</b> for variance", "", "Regularise"]
    for position, typed in enumerate(typed_answers, start=1):
        with at(T0 + timedelta(seconds=sum(spent[: position - 1]))):
            page = client.get(interview.get_absolute_url())
        body = html(page)
        assert f"Question {position} of 3" in body
        late = "Question 2 answered after its time: marked over time."
        assert (late in body) == (position == 3)
        assert "Think aloud." in body
        assert 'data-deadline="' in body
        assert 'src="/static/js/mock.js"' in body
        assert "<script>" not in body
        assert 'style="' not in body
        title = re.search(r'id="mock-title"[^>]*>([^<]+)<', body).group(1)
        shown.append(title)
        with at(T0 + timedelta(seconds=sum(spent[:position]))):
            response = client.post(
                _form_action(body, "mock-answer-form"),
                {"position": str(position), "answer": typed},
            )
        assert (response.status_code, response["Location"]) == (302, f"/mock/{interview.pk}/")
    assert sorted(shown) == sorted(q.title for q in questions)

    with at(T0 + timedelta(minutes=10)):
        body = html(client.get(interview.get_absolute_url(), follow=True))
    assert "Summary" in body
    assert re.search(r'id="total-time">9:10<', body)
    assert re.search(r'id="within-time">2 of 3<', body)
    assert body.count("Over time") == 1
    assert "Trade &lt;b&gt;bias&lt;/b&gt; for variance" in body  # escaped, never markup
    assert "Nothing typed: you answered aloud." in body
    assert "Low <strong>bias</strong>, high variance." in body
    assert "AI-generated · ChatGPT" in body
    assert "A <em>community</em> answer." in body
    assert "No answer yet." in body

    grades = {f"grade-{n}": str(grade) for n, grade in ((1, 4), (2, 1), (3, 3))}
    with at(T0 + timedelta(minutes=11)):
        response = client.post(_form_action(body, "mock-grade-form"), grades)
    assert response.status_code == 302
    body = html(client.get(response["Location"]))
    assert "Graded: 3 reviews added to your practice." in body
    assert body.count("Back in practice in") == 3
    assert "mock-grade-form" not in body
    assert Review.objects.filter(bookmark__user=alice).count() == 3
    assert Bookmark.objects.filter(user=alice).count() == 3
    body = html(client.get("/mock/"))
    assert "Graded" in body
    assert "9:10 in all, 1 over time" in body


def _started(client, n=3, minutes=3):
    with at(T0):
        client.post(
            "/mock/start/", {"topics": ["statistics"], "questions": str(n), "minutes": minutes}
        )
    return MockInterview.objects.latest("pk")


def test_answering_with_htmx_swaps_in_the_next_question_then_the_summary(client, alice):
    _topic_with(3)
    interview = _started(client)
    url = f"/mock/{interview.pk}/answer/"
    for position in (1, 2):
        response = client.post(url, {"position": position, "answer": "x"}, headers=HTMX)
        assert response.status_code == 200
        assert is_fragment(response)
        assert 'id="mock-stage"' in html(response)
        assert f"Question {position + 1} of 3" in html(response)
    response = client.post(url, {"position": 3, "answer": "x"}, headers=HTMX)
    assert is_fragment(response)
    assert "Summary" in html(response)
    response = client.post(
        f"/mock/{interview.pk}/grade/", {"grade-1": 3, "grade-2": 3, "grade-3": 3}, headers=HTMX
    )
    assert is_fragment(response)
    assert "Graded: 3 reviews added to your practice." in html(response)


def test_the_interview_page_both_ways(client, alice):
    _topic_with(3)
    interview = _started(client)
    full = client.get(interview.get_absolute_url())
    assert not is_fragment(full)
    fragment = client.get(interview.get_absolute_url(), headers=HTMX)
    assert is_fragment(fragment)
    assert "Question 1 of 3" in html(fragment)
    assert "HX-Request" in fragment["Vary"]


def test_an_answer_sent_twice_moves_nothing_and_says_so(client, alice):
    _topic_with(3)
    interview = _started(client)
    url = f"/mock/{interview.pk}/answer/"
    client.post(url, {"position": 1, "answer": "first"})
    response = client.post(url, {"position": 1, "answer": "second"}, follow=True)
    assert "That question was answered already" in html(response)
    assert "Question 2 of 3" in html(response)
    assert interview.items.get(position=1).answer == "first"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"position": 1, "answer": "x" * 5001}, "A typed answer can be at most 5000 characters"),
        ({"position": "one"}, "This form names no question"),
        ({"position": 12}, "This mock interview has no such question."),
    ],
)
def test_a_bad_answer_is_a_readable_400(client, alice, data, message):
    _topic_with(3)
    interview = _started(client)
    response = client.post(f"/mock/{interview.pk}/answer/", data)
    assert response.status_code == 400
    assert message in html(response)
    response = client.post(f"/mock/{interview.pk}/answer/", data, headers=HTMX)
    assert response.status_code == 400
    assert message in html(response)
    assert "Question 1 of 3" in html(response)  # the question stays, with the message
    assert not interview.items.filter(answered_at__isnull=False).exists()


def test_missing_grades_are_a_readable_400_and_change_nothing(client, alice):
    _topic_with(3)
    interview = _started(client)
    for position in (1, 2, 3):
        client.post(f"/mock/{interview.pk}/answer/", {"position": position})
    response = client.post(f"/mock/{interview.pk}/grade/", {"grade-1": "3", "grade-2": "9"})
    assert response.status_code == 400
    assert "questions 2, 3 need a grade" in html(response)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"questions": "2", "minutes": "3"}, "Choose between 3 and 10 questions."),
        ({"questions": "11", "minutes": "3"}, "Choose between 3 and 10 questions."),
        ({"questions": "three", "minutes": "3"}, "Choose between 3 and 10 questions."),
        ({"minutes": "3"}, "Choose between 3 and 10 questions."),
        ({"questions": "3", "minutes": "0"}, "Allow between 1 and 30 minutes per question."),
        ({"questions": "3", "minutes": "31"}, "Allow between 1 and 30 minutes per question."),
        ({"questions": "3", "minutes": "2.5"}, "Allow between 1 and 30 minutes per question."),
        (
            {"topics": ["statistics", "astrology"], "questions": "3", "minutes": "3"},
            "There is no topic “astrology”: choose topics from the list.",
        ),
        (
            {"topics": ["statistics"], "questions": "5", "minutes": "3"},
            "There are only 4 published questions in Statistics: "
            "choose at most 4 questions, or add topics.",
        ),
    ],
)
def test_bad_start_settings_are_a_400_with_a_message_and_the_form_again(
    client, alice, data, message
):
    _topic_with(4)
    response = client.post("/mock/start/", data)
    assert response.status_code == 400
    body = html(response)
    assert message in body
    assert 'action="/mock/start/"' in body
    if "statistics" in data.get("topics", []):
        assert re.search(r'value="statistics" checked', body)  # the choice is kept
    assert not MockInterview.objects.exists()


def test_mock_interviews_and_typed_answers_are_private(client, alice, other_member):
    _topic_with(3)
    interview = _started(client)
    client.post(f"/mock/{interview.pk}/answer/", {"position": 1, "answer": "my secret notes"})
    client.force_login(other_member)
    assert client.get(f"/mock/{interview.pk}/").status_code == 404
    assert client.get(f"/mock/{interview.pk}/", headers=HTMX).status_code == 404
    answer = client.post(f"/mock/{interview.pk}/answer/", {"position": 2, "answer": "hijack"})
    assert answer.status_code == 404
    grade = client.post(f"/mock/{interview.pk}/grade/", {"grade-1": "3"})
    assert grade.status_code == 404
    assert "my secret notes" not in html(client.get("/mock/"))
    assert "No mock interviews yet" in html(client.get("/mock/"))
    assert interview.items.get(position=2).answered_at is None


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _mock_data(user, interviews: int, topics: int):
    """Finished, graded and running mock interviews over several topics."""
    chosen = [TopicFactory() for _ in range(topics)]
    for _ in range(4):
        question = QuestionFactory(topics=chosen)
        AIAnswerFactory(question=question)
    made = []
    for n in range(interviews):
        interview = mock_interviews.start_mock_interview(
            user=user, topics=chosen, question_count=3, minutes=2, now=T0 + timedelta(hours=n)
        )
        if n % 3:
            for position in (1, 2, 3):
                mock_interviews.answer_mock_question(
                    user=user, interview=interview, position=position, answer="typed " * 20
                )
        if n % 3 == 2:
            mock_interviews.grade_mock_interview(
                user=user, interview=interview, grades={1: 1, 2: 3, 3: 4}
            )
        made.append(interview)
    return made


def test_mock_page_queries_do_not_grow_with_data(client, alice):
    small = _mock_data(alice, 3, 1)
    question_page, summary_page, graded_page = (f"/mock/{i.pk}/" for i in small)
    counts = [_queries(client, url) for url in ("/mock/", question_page, summary_page, graded_page)]
    large = _mock_data(alice, 30, 5)  # a second page of past interviews, more topics
    question_page, summary_page, graded_page = (f"/mock/{i.pk}/" for i in large[-3:])
    again = [_queries(client, url) for url in ("/mock/", question_page, summary_page, graded_page)]
    assert counts == again
    assert _queries(client, "/mock/?page=2") == counts[0]
    assert counts[0] <= 7  # with the header's unread count and the topics to choose from
    assert counts[1] <= 6


def test_the_demo_member_has_a_mock_interview_to_grade(client, demo_data):
    client.force_login(User.objects.get(username="demo"))
    body = html(client.get("/mock/"))
    assert "To grade" in body
    interview = MockInterview.objects.get(user__username="demo")
    body = html(client.get(interview.get_absolute_url()))
    assert "Start from the definition, then an example." in body
    assert 'class="mock-grade-form"' in body


def test_deleting_the_account_deletes_the_mock_interviews_and_typed_answers(client, alice):
    _topic_with(3)
    interview = _started(client)
    client.post(f"/mock/{interview.pk}/answer/", {"position": 1, "answer": "private words"})
    response = client.post("/settings/delete/", {"confirm": alice.username})
    assert response.status_code == 302
    assert not MockInterview.objects.exists()
    assert not MockQuestion.objects.filter(answer="private words").exists()
