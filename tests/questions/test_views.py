import re
from html import unescape

import pytest
from django.db import connection

from questions import services
from questions.models import Question, Status
from study import services as study_services
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_home_lists_published_questions_only(client):
    shown = QuestionFactory(title="Explain batch normalisation")
    QuestionFactory(title="A pending submission", status=Status.PENDING)
    QuestionFactory(title="A hidden question", status=Status.HIDDEN)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert shown.title in html
    assert "A pending submission" not in html
    assert "A hidden question" not in html
    assert shown.get_absolute_url() in html


def test_home_row_says_when_the_top_answer_is_ai(client):
    question = QuestionFactory(title="What is dropout?")
    AIAnswerFactory(question=question, ai_model="ChatGPT")
    response = client.get("/")
    assert "Top answer: AI (ChatGPT)" in response.content.decode()


def test_home_filters_by_search_topic_and_difficulty(client):
    nlp = TopicFactory(name="NLP", slug="nlp")
    questions = [
        QuestionFactory(title="How does attention work?", difficulty="hard", topics=[nlp]),
        QuestionFactory(title="What is a p-value?", difficulty="easy"),
    ]

    def titles(**params):
        html = client.get("/", params).content.decode()
        return {q.title for q in questions if q.get_absolute_url() in html}

    assert titles(q="ATTENTION") == {"How does attention work?"}
    assert titles(topic="nlp") == {"How does attention work?"}
    assert titles(difficulty="easy") == {"What is a p-value?"}
    assert titles(q="nothing-like-this") == set()


def test_home_with_htmx_returns_only_the_results_fragment(client):
    QuestionFactory(title="What is a ROC curve?", difficulty="easy")
    QuestionFactory(title="Explain beam search", difficulty="hard")
    full = client.get("/", {"difficulty": "easy"}).content.decode()
    fragment = client.get("/", {"difficulty": "easy"}, headers={"HX-Request": "true"})
    fragment = fragment.content.decode()
    assert "<html" in full
    assert "What is a ROC curve?" in full
    assert "<html" not in fragment
    assert "<header" not in fragment
    assert "What is a ROC curve?" in fragment
    assert "Explain beam search" not in fragment
    assert "1 question" in fragment


def next_link(html: str) -> str:
    """The href of the page's rel="next" link, as a browser would follow it."""
    match = re.search(r'<a href="([^"]*)"[^>]*rel="next"', html)
    assert match, "no Next link on the page"
    return unescape(match.group(1))


def test_following_next_reaches_page_two_and_keeps_the_search(client, settings):
    per_page = settings.MLQA_QUESTIONS_PER_PAGE
    newest_first = [QuestionFactory(title=f"Dropout question {n}") for n in range(per_page + 1)]
    newest_first.reverse()
    QuestionFactory(title="Something about k-means")  # not a match
    first = client.get("/", {"q": "dropout", "sort": "newest"})
    assert list(first.context["page"].object_list) == newest_first[:per_page]
    link = next_link(first.content.decode())
    assert link.startswith("?")
    assert not link.startswith("??")
    response = client.get("/" + link)
    page = response.context["page"]
    assert response.context["filters"].q == "dropout"
    assert (page.number, page.paginator.num_pages) == (2, 2)
    assert list(page.object_list) == [newest_first[per_page]]  # the 21st match
    assert newest_first[per_page].get_absolute_url() in response.content.decode()
    assert "Page 2 of 2" in response.content.decode()


def test_bad_page_numbers_fall_back_to_a_real_page(client, settings):
    per_page = settings.MLQA_QUESTIONS_PER_PAGE
    newest_first = [QuestionFactory() for _ in range(per_page + 1)][::-1]
    pages = {1: newest_first[:per_page], 2: newest_first[per_page:]}
    for number, expected in [("abc", 1), ("", 1), ("99999", 2), ("3", 2), ("-3", None)]:
        response = client.get("/", {"page": number})
        assert response.status_code == 200, number
        page = response.context["page"]
        assert page.number in pages, number
        if expected:
            assert page.number == expected, number
        assert list(page.object_list) == pages[page.number], number
        assert f"Page {page.number} of 2" in response.content.decode()


def test_question_page_shows_ranked_answers_with_the_ai_label(client):
    question = QuestionFactory(title="Why is my validation loss below my training loss?")
    ai = AIAnswerFactory(question=question, body="It is **overfitting**.")
    community = AnswerFactory(question=question, body="Dropout is off at evaluation time.")
    for voter in ("v1", "v2"):
        services.cast_vote(user=UserFactory(username=voter), answer=community, choice="up")
    CommentFactory(answer=ai, body="This is wrong: it is not overfitting.")

    response = client.get(question.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "AI-generated · ChatGPT" in html
    assert "<strong>overfitting</strong>" in html
    assert "This is wrong: it is not overfitting." in html
    # The community answer with two upvotes ranks above the AI answer.
    assert html.index("Dropout is off at evaluation time.") < html.index("overfitting</strong>")


def test_question_page_redirects_to_the_canonical_slug(client):
    question = QuestionFactory(title="What is L1 regularisation?")
    canonical = question.get_absolute_url()
    assert canonical == f"/questions/{question.pk}/what-is-l1-regularisation/"
    for wrong in (f"/questions/{question.pk}/", f"/questions/{question.pk}/old-title/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == canonical


def test_unknown_or_unpublished_question_is_a_404_page(client):
    pending = QuestionFactory(status=Status.PENDING)
    for url in ("/questions/999999/anything/", pending.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_hidden_answers_and_comments_are_not_shown(client):
    question = QuestionFactory()
    AnswerFactory(question=question, body="Visible answer")
    AnswerFactory(question=question, body="Hidden answer", status=Status.HIDDEN)
    visible = AIAnswerFactory(question=question)
    CommentFactory(answer=visible, body="Hidden comment", status="hidden")
    html = client.get(question.get_absolute_url()).content.decode()
    assert "Visible answer" in html
    assert "Hidden answer" not in html
    assert "Hidden comment" not in html


def test_post_to_a_read_only_page_is_405(client):
    question = QuestionFactory()
    assert client.post("/").status_code == 405
    assert client.post(question.get_absolute_url()).status_code == 405


def test_source_and_topic_pages_filter_the_list(client):
    topic = TopicFactory(name="Statistics", slug="statistics")
    inside = QuestionFactory(title="What is a confidence interval?", topics=[topic])
    outside = QuestionFactory(title="What is a convolution?")
    html = client.get("/topics/statistics/").content.decode()
    assert inside.title in html
    assert outside.title not in html
    html = client.get(outside.source.get_absolute_url()).content.decode()
    assert outside.title in html
    assert inside.title not in html
    assert client.get("/topics/unknown/").status_code == 404
    assert client.get("/sources/unknown/").status_code == 404


def test_home_source_filter_lists_only_that_sources_questions(client):
    book = SourceFactory(name="Machine Learning Interviews", slug="mli")
    site = SourceFactory(name="InterviewBit", slug="interviewbit")
    from_book = [QuestionFactory(source=book) for _ in range(2)]
    QuestionFactory(source=site)
    response = client.get("/", {"source": "mli"})
    assert {q.pk for q in response.context["page"].object_list} == {q.pk for q in from_book}
    assert "2 questions match" in response.content.decode()


@pytest.mark.parametrize("kind", ["source", "topic"])
def test_source_and_topic_pages_answer_htmx_with_the_results_fragment(client, kind):
    topic = TopicFactory(name="Statistics", slug="statistics")
    inside = QuestionFactory(title="What is a confidence interval?", topics=[topic])
    outside = QuestionFactory(title="What is a convolution?")
    url = inside.source.get_absolute_url() if kind == "source" else "/topics/statistics/"
    full = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in fragment["Vary"]
    full, fragment = full.content.decode(), fragment.content.decode()
    assert "<html" in full
    assert "<header" in full
    assert "<html" not in fragment
    assert "<header" not in fragment
    for html in (full, fragment):
        assert inside.title in html
        assert outside.title not in html
        assert "1 question" in html


def test_profile_shows_a_members_answers(client):
    answer = AnswerFactory(question=QuestionFactory(title="What is weight decay?"))
    html = client.get(f"/users/{answer.author.username}/").content.decode()
    assert answer.author.public_name in html
    assert "What is weight decay?" in html
    assert client.get("/users/nobody-here/").status_code == 404


def _build(member, questions: int, answers_each: int, comments_each: int):
    """Questions with topics, an AI answer and community answers that others and the
    member voted on, comments on answers and on the question, a bookmark of the
    member and of someone else on each question. Returns the first question."""
    topics = [TopicFactory() for _ in range(3)]
    first = None
    for _ in range(questions):
        question = QuestionFactory(topics=topics)
        first = first or question
        ai = AIAnswerFactory(question=question)
        services.cast_vote(user=member, answer=ai, choice="down")
        services.give_verdict(user=member, answer=ai, value="wrong", note="Off by one.")
        for _ in range(answers_each):
            answer = AnswerFactory(question=question)
            services.cast_vote(user=member, answer=answer, choice="up")
            services.give_verdict(user=UserFactory(), answer=answer, value="partly", note="Half.")
            services.give_verdict(user=member, answer=answer, value="correct")
            services.cast_vote(user=UserFactory(), answer=answer, choice="up")
            for _ in range(comments_each):
                CommentFactory(answer=answer)
        CommentFactory(answer=None, question=question)
        study_services.toggle_bookmark(user=member, question=question)
        study_services.toggle_bookmark(user=UserFactory(), question=question)
    return first


# Exact queries per page, the same on small and large data. The list: its count,
# its rows (each with its stored best answer), their topics, the filters' sources
# and topics, and the page's interview-report counts. A member adds the session,
# the user and, on the list, their bookmarks among the page's rows; on the
# question page one query reads all that is theirs (votes, verdicts, bookmark,
# reports, follow, unread notifications) with the page's interview-report
# counts. The question page reads verdict notes and correctors (two more).
VISITOR_LIST, VISITOR_QUESTION = 6, 10
# A member's list counts their unread notifications (the header) with their bookmarks.
MEMBER_LIST, MEMBER_QUESTION = 9, 12


def member_search_queries() -> int:
    """A search's candidates need no query of their own: their ids (at most
    MLQA_SEARCH_CANDIDATES; on PostgreSQL those whose title matches, then, when
    they are fewer, the other matches, ranked in the same query) stand for the
    count query, and their number is the count. The page's rows come with their
    interview-report counts (one query fewer) and, on PostgreSQL, with their
    highlighted snippets (``ts_headline``, for the 20 rows shown only) and
    their topics (one fewer again); SQLite reads the best answers' text for
    the snippets (one more)."""
    return MEMBER_LIST + (-2 if connection.vendor == "postgresql" else 0) + HYBRID_SEARCH


# Search by relevance also asks the vector index whether vectors changed
# (questions.embeddings.store); with vectors, one more query keeps the
# published ones among the nearest (questions.embeddings.hybrid).
HYBRID_SEARCH = 1


def _assert_queries(client, url, expected, django_assert_num_queries) -> str:
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_list_and_question_page_queries_for_a_visitor(client, member, django_assert_num_queries):
    for size in [(2, 1, 1), (25, 6, 4)]:
        question = _build(member, *size)
        html = _assert_queries(client, "/", VISITOR_LIST, django_assert_num_queries)
        assert f'<p class="count">{Question.objects.count()} questions' in html
        html = _assert_queries(
            client, question.get_absolute_url(), VISITOR_QUESTION, django_assert_num_queries
        )
        assert question.title in html


def test_list_and_question_page_queries_for_a_member(client, member, django_assert_num_queries):
    client.force_login(member)
    for size in [(2, 1, 1), (20, 5, 5)]:
        question = _build(member, *size)
        html = _assert_queries(client, "/", MEMBER_LIST, django_assert_num_queries)
        assert f'<p class="count">{Question.objects.count()} questions' in html
        html = _assert_queries(
            client, "/?q=case", member_search_queries(), django_assert_num_queries
        )
        assert f'<p class="count">{Question.objects.count()} questions' in html
        html = _assert_queries(
            client, question.get_absolute_url(), MEMBER_QUESTION, django_assert_num_queries
        )
        assert question.title in html


def test_list_filters_for_community_and_ai_only_answers_and_sorts(client):
    ai_only = QuestionFactory(title="Only the AI answered")
    AIAnswerFactory(question=ai_only)
    both = QuestionFactory(title="The community answered too")
    AIAnswerFactory(question=both)
    community = AnswerFactory(question=both)
    for voter in ("u1", "u2", "u3"):
        services.cast_vote(user=UserFactory(username=voter), answer=community, choice="up")

    def rows(**params):
        return [q.title for q in client.get("/", params).context["page"].object_list]

    assert rows(answers="community") == ["The community answered too"]
    assert rows(answers="ai-only") == ["Only the AI answered"]
    assert rows(sort="top") == ["The community answered too", "Only the AI answered"]
    assert rows(sort="community") == ["Only the AI answered", "The community answered too"]
    assert rows(sort="newest") == ["The community answered too", "Only the AI answered"]
    assert rows(sort="nonsense") == rows(sort="newest")


def test_sort_bookmarked_puts_the_most_bookmarked_first(client):
    most = QuestionFactory(title="Bookmarked three times")
    some = QuestionFactory(title="Bookmarked once")
    none = QuestionFactory(title="Never bookmarked")
    for question, times in [(most, 3), (some, 1)]:
        for _ in range(times):
            study_services.toggle_bookmark(user=UserFactory(), question=question)

    def rows(**params):
        return [q.pk for q in client.get("/", params).context["page"].object_list]

    assert rows(sort="newest") == [none.pk, some.pk, most.pk]
    assert rows(sort="bookmarked") == [most.pk, some.pk, none.pk]


def test_htmx_history_restore_gets_the_full_page_and_responses_vary(client):
    QuestionFactory(title="What is a ROC curve?")
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get("/", {"q": "ROC"}, headers=headers)
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
