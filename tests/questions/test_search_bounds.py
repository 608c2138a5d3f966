"""A search lists a bounded set of candidates (``MLQA_SEARCH_CANDIDATES``),
ranks only those and highlights only the page shown, on every database."""

import pytest
from django.db import connection

from questions import search
from questions.models import Question
from study import services as study_services
from study.models import InterviewReport
from tests.factories import AIAnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db
WORDS = ["alpaca", "bison", "camel", "dingo", "emu", "ferret"]


@pytest.fixture
def capped(settings):
    settings.MLQA_SEARCH_CANDIDATES = 4
    settings.MLQA_QUESTIONS_PER_PAGE = 2
    # The oldest: beyond the cap for a broad query, in the newest-first order.
    rare = QuestionFactory(title="How do you tune a model for production?")
    AIAnswerFactory(question=rare, body="Use dropout, and a zebra-striped calibration set.")
    broad = []
    for n in range(6):
        question = QuestionFactory(title=f"Question {n} on regularising networks")
        AIAnswerFactory(question=question, body=f"Dropout, weight decay and {WORDS[n]}.")
        broad.append(question)
    return rare, broad


def rows(client, **params) -> list[Question]:
    return list(client.get("/", params).context["page"].object_list)


def test_a_broad_query_lists_the_cap_and_says_so(client, capped):
    response = client.get("/", {"q": "dropout"})
    page = response.context["page"]
    assert page.paginator.count == 4
    assert page.paginator.num_pages == 2
    html = response.content.decode()
    assert "4 questions or more match: the best 4 are listed." in html
    # Page 2 continues the same candidates: nothing shown twice, nothing lost.
    seen = [q.pk for q in rows(client, q="dropout")] + [
        q.pk for q in rows(client, q="dropout", page=2)
    ]
    assert len(set(seen)) == 4


def test_a_document_beyond_the_cap_is_found_by_a_specific_query(client, capped):
    rare, broad = capped
    listed = {q.pk for q in rows(client, q="dropout") + rows(client, q="dropout", page=2)}
    left_out = {rare.pk, *(q.pk for q in broad)} - listed
    assert len(left_out) == 3  # 7 matches, 4 candidates
    words = {rare.pk: "zebra", **{q.pk: WORDS[n] for n, q in enumerate(broad)}}
    for pk in left_out:
        response = client.get("/", {"q": f"dropout {words[pk]}"})
        assert [q.pk for q in response.context["page"].object_list] == [pk]
        html = response.content.decode()
        assert "1 question match" in html
        assert "or more" not in html


def test_highlights_are_made_for_the_page_only(client, capped, django_assert_num_queries):
    shown = rows(client, q="dropout")
    assert all("<mark>" in str(q.snippet_html).lower() for q in shown)
    # One query for the page's snippets, whatever the number of matches.
    questions = list(Question.objects.filter(pk__in=[q.pk for q in shown]))
    with django_assert_num_queries(1):
        search.highlight_results(questions, "dropout")
    assert all(q.title_html and q.snippet_html for q in questions)


@pytest.mark.postgres
def test_postgres_candidates_prefer_title_matches_over_newer_ones(client, settings, capped):
    settings.MLQA_SEARCH_CANDIDATES = 3
    oldest_title_match = QuestionFactory(title="Why does dropout work?")
    Question.objects.filter(pk=oldest_title_match.pk).update(
        created_at=Question.objects.order_by("created_at").first().created_at.replace(year=2001)
    )
    found = rows(client, q="dropout")
    assert found[0].pk == oldest_title_match.pk


def test_the_api_lists_the_candidates_in_the_order_of_the_pages(client, capped):
    for params in ({"q": "dropout"}, {"q": "dropout", "sort": "top"}):
        site = rows(client, **params) + rows(client, **params, page=2)
        api = client.get("/api/v1/questions", params).json()["items"]
        assert [item["title"] for item in api] == [q.title for q in site]


def test_a_page_of_candidates_reads_only_its_own_rows(capped, django_assert_num_queries):
    with django_assert_num_queries(1):  # the ranked ids, and no count query
        candidates = search.bounded(
            search.matching(Question.objects.published(), "dropout"),
            "dropout",
            order=("-created_at", "-id"),
            by_relevance=True,
        )
    assert candidates.count() == len(candidates) == 4
    # One query for the page's two rows (on PostgreSQL with their highlights).
    with django_assert_num_queries(1):
        page = candidates[2:4]
    assert [q.pk for q in page] == candidates.ids[2:4]
    assert [q.pk for q in candidates.as_queryset()] == candidates.ids
    if connection.vendor == "postgresql":
        with django_assert_num_queries(0):
            search.highlight_results(page, "dropout")
        assert all("<mark>" in str(q.snippet_html).lower() for q in page)


def test_a_searchs_rows_say_how_often_they_were_reported_asked(client, member, other_member):
    twice = QuestionFactory(title="How does dropout regularise?")
    QuestionFactory(title="Is dropout used at inference?")
    for user in (member, other_member):
        study_services.report_asked(user=user, question=twice)
    study_services.report_asked(user=member, question=twice, year=2015)  # too long ago
    InterviewReport.objects.update(is_held=False)  # as a moderator would
    for sort in ("", "asked", "newest"):
        html = client.get("/", {"q": "dropout", "sort": sort}).content.decode()
        assert html.count("Asked 2\N{MULTIPLICATION SIGN} in 12 months") == 1, sort
        assert "Asked 1\N{MULTIPLICATION SIGN}" not in html
