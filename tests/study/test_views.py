"""Study pages and actions over HTTP: both ways (plain form post and htmx
fragment), privacy between members, visitors sent to log in, bad input as a
readable 4xx, and query counts that do not grow with the data."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from questions.models import Status
from study import services as study_services
from study import views
from study.models import Bookmark, InterviewReport, Review
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def alice(client, member):
    client.force_login(member)
    return member


def html(response) -> str:
    return response.content.decode()


def is_fragment(response) -> bool:
    return "<html" not in html(response) and "<header" not in html(response)


@pytest.mark.parametrize(
    ("path", "view"),
    [
        ("/questions/7/bookmark/", views.bookmark_toggle),
        ("/questions/7/asked/", views.question_asked),
        ("/bookmarks/", views.bookmarks),
        ("/bookmarks/7/note/", views.bookmark_note),
        ("/bookmarks/export.apkg", views.export_apkg),
        ("/bookmarks/export.csv", views.export_csv),
        ("/bookmarks/export.md", views.export_markdown),
        ("/practice/", views.practice),
        ("/practice/start/", views.practice_start),
        ("/practice/7/review/", views.practice_review),
    ],
)
def test_the_public_paths_reach_the_study_views(path, view):
    """The URL contract; the question page's slug route must not swallow these."""
    assert resolve(path).func == view


# --- Visitors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/bookmarks/", "/practice/", "/bookmarks/export.apkg", "/bookmarks/export.csv"],
)
def test_visitors_are_sent_to_log_in_from_private_pages(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_visitors_pressing_an_action_log_in_and_come_back(client, db):
    question = QuestionFactory()
    page = question.get_absolute_url()
    for path in (f"/questions/{question.pk}/bookmark/", f"/questions/{question.pk}/asked/"):
        response = client.post(path, headers={"referer": f"http://testserver{page}"})
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={page}"
        htmx = client.post(path, headers={**HTMX, "HX-Current-URL": f"http://testserver{page}"})
        assert htmx.status_code == 200
        assert htmx["HX-Redirect"].startswith("/accounts/login/?next=")
    for path in ("/practice/start/", "/practice/1/review/", "/bookmarks/1/note/"):
        assert client.post(path).status_code == 302
    assert not Bookmark.objects.exists()
    assert not InterviewReport.objects.exists()


def test_actions_refuse_get_and_pages_refuse_post(client, alice):
    question = QuestionFactory()
    bookmark = BookmarkFactory(user=alice, question=question)
    for path in (
        f"/questions/{question.pk}/bookmark/",
        f"/questions/{question.pk}/asked/",
        f"/bookmarks/{bookmark.pk}/note/",
        f"/practice/{bookmark.pk}/review/",
        "/practice/start/",
    ):
        assert client.get(path).status_code == 405, path
    for path in ("/bookmarks/", "/practice/", "/bookmarks/export.csv"):
        assert client.post(path).status_code == 405, path


# --- Bookmark toggle -------------------------------------------------------------------


def test_toggle_with_a_plain_form_redirects_back(client, alice):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/bookmark/"
    response = client.post(url, {"next": "/?sort=newest"})
    assert (response.status_code, response["Location"]) == (302, "/?sort=newest")
    assert Bookmark.objects.filter(user=alice, question=question).exists()
    # Another site as "next" is ignored: back to the question.
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == question.get_absolute_url()
    assert not Bookmark.objects.exists()


def test_toggle_with_htmx_returns_the_button_with_the_exact_count(client, alice, other_member):
    question = QuestionFactory()
    BookmarkFactory(user=other_member, question=question)
    question.__class__.objects.filter(pk=question.pk).update(bookmark_count=1)
    url = f"/questions/{question.pk}/bookmark/"
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    body = html(response)
    assert 'class="bookmark-toggle"' in body
    assert "Bookmarked" in body
    assert re.search(r'class="bookmark-count"[^>]*>2<', body)
    body = html(client.post(url, headers=HTMX))
    assert ">Bookmark<" in body
    assert re.search(r'class="bookmark-count"[^>]*>1<', body)


def _row_toggle(body: str, question) -> tuple[str, dict]:
    """The bookmark toggle form of a bookmarks page row: its action and fields."""
    form = re.search(
        rf'<form class="bookmark-toggle"[^>]*action="(/questions/{question.pk}/bookmark/)"'
        r"(.*?)</form>",
        body,
        re.S,
    )
    assert form, "no toggle for this question"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[2]))
    fields.pop("csrfmiddlewaretoken", None)
    return form[1], {name: unescape(value) for name, value in fields.items()}


def test_removing_from_the_bookmarks_page_keeps_the_note_for_bookmarking_again(client, alice):
    question = QuestionFactory(title="Why scale dropout?")
    bookmark = study_services.toggle_bookmark(user=alice, question=question)
    study_services.save_note(user=alice, bookmark=bookmark, note="Divide by *keep probability*.")
    study_services.review(user=alice, bookmark=bookmark, rating=3)

    action, fields = _row_toggle(html(client.get("/bookmarks/")), question)
    response = client.post(action, fields, headers=HTMX)
    body = html(response)
    assert (response.status_code, is_fragment(response)) == (200, True)
    assert f'id="bookmark-{bookmark.pk}"' in body
    assert "Your note and practice history are kept" in body
    assert "Divide by" not in body
    assert re.search(r'class="bookmark-count"[^>]*>0<', body)
    assert "No bookmarks yet." in html(client.get("/bookmarks/"))
    # A removed bookmark's note cannot be edited until it is back.
    assert client.post(f"/bookmarks/{bookmark.pk}/note/", {"note": "x"}).status_code == 404

    # The notice's own button brings the whole row back, note and card included.
    action, fields = _row_toggle(body, question)
    body = html(client.post(action, fields, headers=HTMX))
    assert "<em>keep probability</em>" in body
    assert "Learning" in body
    assert re.search(r'class="bookmark-count"[^>]*>1<', body)
    assert "<em>keep probability</em>" in html(client.get("/bookmarks/"))


def test_removing_from_the_question_page_says_the_note_is_kept(client, alice):
    question = QuestionFactory()
    bookmark = study_services.toggle_bookmark(user=alice, question=question)
    study_services.save_note(user=alice, bookmark=bookmark, note="My note.")
    url = f"/questions/{question.pk}/bookmark/"
    response = client.post(url, {"next": question.get_absolute_url()}, follow=True)
    body = html(response)
    assert "Your note and practice history are kept" in body
    assert "Your note</a>" not in body
    question.refresh_from_db()
    assert question.bookmark_count == 0
    body = html(client.post(url, {"next": question.get_absolute_url()}, follow=True))
    assert "Bookmarked again, with your note and practice history." in body
    assert "Your note</a>" in body


def test_toggle_unknown_or_unpublished_question_is_a_404(client, alice):
    assert client.post("/questions/999999/bookmark/").status_code == 404
    pending = QuestionFactory(status=Status.PENDING)
    assert client.post(f"/questions/{pending.pk}/bookmark/").status_code == 404
    assert not Bookmark.objects.exists()


def test_list_rows_show_the_members_bookmarks(client, alice, other_member):
    mine = QuestionFactory(title="Mine")
    QuestionFactory(title="Not mine")
    BookmarkFactory(user=alice, question=mine)
    BookmarkFactory(user=other_member, question=QuestionFactory(title="Bob's"))
    body = html(client.get("/"))
    assert body.count("bookmark-toggle") == 3
    assert body.count("is-bookmarked") == 1
    row = body[body.index(">Mine<") :]
    assert "is-bookmarked" in row[: row.index("</li>")]


def test_visitors_see_the_toggle_and_counts_on_list_and_question_page(client, db):
    question = QuestionFactory()
    assert "bookmark-toggle" in html(client.get("/"))
    body = html(client.get(question.get_absolute_url()))
    assert "bookmark-toggle" in body
    assert "to report that you were asked this" in body


# --- Bookmarks page --------------------------------------------------------------------


def test_bookmarks_page_lists_only_my_bookmarks_with_my_notes(client, alice, other_member):
    mine = BookmarkFactory(user=alice, question=QuestionFactory(title="Explain dropout"))
    study_services.save_note(user=alice, bookmark=mine, note="Remember *inverted* dropout")
    theirs = BookmarkFactory(user=other_member, question=QuestionFactory(title="Explain Adam"))
    study_services.save_note(user=other_member, bookmark=theirs, note="Bob's secret note")
    body = html(client.get("/bookmarks/"))
    assert "Explain dropout" in body
    assert "<em>inverted</em>" in body
    assert "Explain Adam" not in body
    assert "Bob's secret note" not in body
    assert "1 bookmark" in body


def test_bookmarks_page_filters_and_sorts(client, alice):
    stats = TopicFactory(name="Statistics", slug="statistics")
    book = SourceFactory(name="The Book", slug="the-book")
    BookmarkFactory(
        user=alice, question=QuestionFactory(title="Q easy", difficulty="easy", topics=[stats])
    )
    BookmarkFactory(
        user=alice, question=QuestionFactory(title="Q hard", difficulty="hard", source=book)
    )
    known = BookmarkFactory(user=alice, question=QuestionFactory(title="Q known"))
    study_services.review(user=alice, bookmark=known, rating=4)
    learning = BookmarkFactory(user=alice, question=QuestionFactory(title="Q learning"))
    study_services.review(user=alice, bookmark=learning, rating=3)

    def titles(**params):
        page = client.get("/bookmarks/", params).context["page"]
        return [b.question.title for b in page.object_list]

    assert titles(topic="statistics") == ["Q easy"]
    assert titles(source="the-book") == ["Q hard"]
    assert titles(difficulty="easy") == ["Q easy"]
    assert titles(state="new") == ["Q hard", "Q easy"]
    assert titles(state="learning") == ["Q learning"]
    assert titles(state="known") == ["Q known"]
    assert titles(state="due") == ["Q hard", "Q easy"]
    assert titles() == ["Q learning", "Q known", "Q hard", "Q easy"]
    assert titles(sort="due") == ["Q hard", "Q easy", "Q learning", "Q known"]
    # Unknown values are ignored rather than failing.
    assert titles(topic="nope", state="weird", sort="?", difficulty="x") == titles()


def test_bookmarks_page_with_htmx_returns_the_results_fragment(client, alice):
    BookmarkFactory(user=alice, question=QuestionFactory(title="Fragment me"))
    response = client.get("/bookmarks/", {"state": "new"}, headers=HTMX)
    assert is_fragment(response)
    assert "Fragment me" in html(response)
    assert "export.apkg?state=new" in html(response)
    assert "HX-Request" in response["Vary"]
    full = client.get("/bookmarks/", {"state": "new"})
    assert "<html" in html(full)
    assert "noindex" in html(full)


def test_editing_a_note_both_ways(client, alice):
    bookmark = BookmarkFactory(user=alice)
    url = f"/bookmarks/{bookmark.pk}/note/"
    response = client.post(url, {"note": "**Bias** vs variance", "next": "/bookmarks/?state=new"})
    assert response.status_code == 302
    assert response["Location"] == "/bookmarks/?state=new"
    bookmark.refresh_from_db()
    assert bookmark.note_html == "<p><strong>Bias</strong> vs variance</p>\n"

    response = client.post(url, {"note": "Now `code`"}, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "<code>code</code>" in html(response)
    assert "Note saved." in html(response)
    assert f'id="note-{bookmark.pk}"' in html(response)


def test_a_note_that_is_too_long_is_a_400_and_keeps_the_old_note(client, alice):
    bookmark = BookmarkFactory(user=alice)
    study_services.save_note(user=alice, bookmark=bookmark, note="old")
    url = f"/bookmarks/{bookmark.pk}/note/"
    response = client.post(url, {"note": "x" * 5001})
    assert response.status_code == 400
    assert "at most 5000 characters" in html(response)
    response = client.post(url, {"note": "x" * 5001}, headers=HTMX)
    assert response.status_code == 400
    assert is_fragment(response)
    assert "at most 5000 characters" in html(response)
    bookmark.refresh_from_db()
    assert bookmark.note == "old"


def test_nobody_else_can_read_or_write_my_bookmarks(client, member, other_member):
    bookmark = BookmarkFactory(user=member)
    study_services.save_note(user=member, bookmark=bookmark, note="private thoughts")
    client.force_login(other_member)
    assert client.post(f"/bookmarks/{bookmark.pk}/note/", {"note": "hi"}).status_code == 404
    assert client.post(f"/practice/{bookmark.pk}/review/", {"rating": "3"}).status_code == 404
    assert "private thoughts" not in html(client.get("/bookmarks/"))
    assert "private thoughts" not in html(client.get(bookmark.question.get_absolute_url()))
    assert "private thoughts" not in html(client.get("/bookmarks/export.csv"))
    assert "private thoughts" not in html(client.get("/bookmarks/export.md"))
    assert bookmark.question.title not in html(client.get("/practice/"))
    bookmark.refresh_from_db()
    assert (bookmark.note, bookmark.state) == ("private thoughts", None)
    assert not Review.objects.exists()


# --- Practice -------------------------------------------------------------------------------


def test_practice_page_shows_the_card_then_the_answer_and_the_note(client, alice):
    question = QuestionFactory(title="Why does batch norm help?")
    AIAnswerFactory(question=question, body="It **smooths** the loss.", ai_model="ChatGPT")
    bookmark = BookmarkFactory(user=alice, question=question)
    study_services.save_note(
        user=alice, bookmark=bookmark, note="ask about *internal covariate shift*"
    )
    response = client.get("/practice/")
    body = html(response)
    assert response.status_code == 200
    assert "Why does batch norm help?" in body
    assert "AI-generated · ChatGPT" in body
    assert "<strong>smooths</strong>" in body
    assert "<em>internal covariate shift</em>" in body
    assert body.index("Show the answer") < body.index("<strong>smooths</strong>")
    assert 'name="rating" value="4"' in body
    assert 'src="/static/js/practice.js"' in body
    assert "<script>" not in body  # CSP: no inline script
    assert 'style="' not in body  # CSP: no inline style


def test_rating_with_htmx_brings_the_next_card_and_the_counts(client, alice):
    first = BookmarkFactory(user=alice, question=QuestionFactory(title="First card"))
    BookmarkFactory(user=alice, question=QuestionFactory(title="Second card"))
    body = html(client.get("/practice/"))
    assert "First card" in body  # first bookmarked, first learned
    response = client.post(
        f"/practice/{first.pk}/review/",
        {"rating": "4", "seen": "new", "duration_ms": "5300"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert is_fragment(response)
    body = html(response)
    assert 'id="practice-session"' in body
    assert "Second card" in body
    assert "Easy: back in" in body
    assert re.search(r'id="count-done">1<', body)
    review = Review.objects.get()
    assert (review.rating, review.duration_ms) == (4, 5300)


def test_rating_with_a_plain_form_redirects_to_practice(client, alice):
    bookmark = BookmarkFactory(user=alice)
    response = client.post(f"/practice/{bookmark.pk}/review/", {"rating": "1"})
    assert (response.status_code, response["Location"]) == (302, "/practice/")
    follow = client.get("/practice/")
    assert "Again: back in 1 min." in html(follow)


@pytest.mark.parametrize("rating", ["", "0", "5", "good", "3.5"])
def test_a_bad_rating_is_a_400_with_a_message(client, alice, rating):
    bookmark = BookmarkFactory(user=alice)
    url = f"/practice/{bookmark.pk}/review/"
    response = client.post(url, {"rating": rating})
    assert response.status_code == 400
    assert "1 (again), 2 (hard), 3 (good) or 4 (easy)" in html(response)
    response = client.post(url, {"rating": rating}, headers=HTMX)
    assert response.status_code == 400
    assert is_fragment(response)
    assert "1 (again)" in html(response)
    assert not Review.objects.exists()


@pytest.mark.parametrize(("sent", "stored"), [("", None), ("abc", None), ("90000000", None)])
def test_a_bad_duration_never_loses_the_rating(client, alice, sent, stored):
    bookmark = BookmarkFactory(user=alice)
    response = client.post(f"/practice/{bookmark.pk}/review/", {"rating": "2", "duration_ms": sent})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.duration_ms) == (2, stored)


def test_a_double_submitted_rating_counts_once(client, alice):
    bookmark = BookmarkFactory(user=alice)
    url = f"/practice/{bookmark.pk}/review/"
    client.post(url, {"rating": "3", "seen": "new"}, headers=HTMX)
    response = client.post(url, {"rating": "3", "seen": "new"}, headers=HTMX)
    assert response.status_code == 200
    assert "already rated" in html(response)
    assert Review.objects.count() == 1


def test_the_clock_decides_when_a_card_comes_back(client, alice):
    bookmark = BookmarkFactory(user=alice, question=QuestionFactory(title="Clockwork"))
    with (
        mock.patch("django.utils.timezone.now", return_value=T0),
        mock.patch("fsrs.scheduler.random", return_value=0.5),
    ):
        client.post(f"/practice/{bookmark.pk}/review/", {"rating": "4"})
    bookmark.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=bookmark.due - timedelta(hours=1)):
        assert "Clockwork" not in html(client.get("/practice/"))
    with mock.patch("django.utils.timezone.now", return_value=bookmark.due):
        assert "Clockwork" in html(client.get("/practice/"))


def test_practice_with_htmx_returns_the_session_fragment(client, alice):
    BookmarkFactory(user=alice, question=QuestionFactory(title="Fragment card"))
    response = client.get("/practice/", headers=HTMX)
    assert is_fragment(response)
    assert "Fragment card" in html(response)
    assert "HX-Request" in response["Vary"]


def test_start_from_a_topic_both_ways(client, alice):
    stats = TopicFactory(name="Statistics", slug="statistics")
    for n in range(3):
        QuestionFactory(title=f"Stats {n}", topics=[stats])
    response = client.post("/practice/start/", {"topic": "statistics"})
    assert (response.status_code, response["Location"]) == (302, "/practice/")
    assert "Added 3 Statistics questions to practise." in html(client.get("/practice/"))
    assert Bookmark.objects.filter(user=alice).count() == 3

    response = client.post("/practice/start/", {"topic": "statistics"}, headers=HTMX)
    assert is_fragment(response)
    assert "You already have every Statistics question" in html(response)


def test_start_from_an_unknown_topic_is_a_400(client, alice):
    for headers in ({}, HTMX):
        response = client.post("/practice/start/", {"topic": "nope"}, headers=headers)
        assert response.status_code == 400
        assert "Choose a topic" in html(response)
    assert not Bookmark.objects.exists()


def test_practice_page_shows_progress_and_an_svg_chart(client, alice):
    stats = TopicFactory(name="Statistics", slug="statistics")
    bookmark = BookmarkFactory(user=alice, question=QuestionFactory(topics=[stats]))
    study_services.review(user=alice, bookmark=bookmark, rating=3)
    body = html(client.get("/practice/"))
    assert "Statistics" in body
    assert "1 learning" in body
    chart = body[body.index('<figure class="review-chart">') :]
    assert "<svg" in chart
    assert chart.count('class="chart-bar"') == 1
    assert "1 review" in chart


def test_nothing_to_practise_says_what_to_do(client, alice):
    body = html(client.get("/practice/"))
    assert "Nothing to practise yet" in body


# --- "I was asked this" ------------------------------------------------------------------


def test_reporting_with_a_plain_form(client, alice):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/asked/"
    response = client.post(url, {"company": "Acme", "level": "senior", "year": "2025"})
    assert (response.status_code, response["Location"]) == (302, question.get_absolute_url())
    report = InterviewReport.objects.get()
    assert (report.user, report.company, report.level, report.year) == (
        alice,
        "Acme",
        "senior",
        2025,
    )
    page = html(client.get(question.get_absolute_url()))
    assert "Thank you!" in page
    assert "Asked in 1 interview" in page
    assert "at Acme" in page
    assert "you reported it for 2025" in page

    # The same year again: a friendly message, no second row.
    response = client.post(url, {"year": "2025"})
    assert response.status_code == 302
    assert "already reported this question for 2025" in html(client.get(response["Location"]))
    assert InterviewReport.objects.count() == 1


def test_reporting_with_htmx_swaps_the_summary(client, alice):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/asked/"
    response = client.post(url, {"company": "Initech"}, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert 'id="asked"' in html(response)
    assert "Asked in 1 interview" in html(response)
    response = client.post(url, {}, headers=HTMX)
    assert response.status_code == 409
    assert is_fragment(response)
    assert "already reported this question" in html(response)
    assert InterviewReport.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2999"}, "cannot be after"),
        ({"year": "1066"}, "greater than or equal to 1990"),
        ({"year": "last year"}, "whole number"),
        ({"level": "wizard"}, "valid choice"),
        ({"company": "x" * 81}, "at most 80 characters"),
    ],
)
def test_bad_reports_are_a_400_with_the_reason(client, alice, data, message):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/asked/"
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in html(response)
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 400
    assert message in html(response)
    assert not InterviewReport.objects.exists()


def test_reports_on_unknown_or_pending_questions_are_a_404(client, alice):
    assert client.post("/questions/999999/asked/").status_code == 404
    pending = QuestionFactory(status=Status.PENDING)
    assert client.post(f"/questions/{pending.pk}/asked/").status_code == 404


def test_the_question_page_never_names_who_reported(client, alice, other_member):
    question = QuestionFactory()
    study_services.report_asked(user=other_member, question=question, company="Hooli")
    body = html(client.get(question.get_absolute_url()))
    assert "at Hooli" in body
    assert "bob" not in body.lower().replace("bookmark", "")


def test_the_list_can_sort_by_most_asked(client, db):
    QuestionFactory(title="Rarely asked")
    often = QuestionFactory(title="Often asked")
    for user in (UserFactory(), UserFactory()):
        study_services.report_asked(user=user, question=often)
    page = client.get("/", {"sort": "asked"})
    assert [q.title for q in page.context["page"].object_list] == ["Often asked", "Rarely asked"]
    assert "Asked 2\N{MULTIPLICATION SIGN} in 12 months" in html(page)
    assert "Most asked in the last 12 months" in html(page)


# --- Query counts -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _study_data(user, questions: int):
    topics = [TopicFactory() for _ in range(3)]
    for n in range(questions):
        question = QuestionFactory(topics=topics)
        AIAnswerFactory(question=question)
        AnswerFactory(question=question)
        bookmark = BookmarkFactory(user=user, question=question)
        study_services.save_note(user=user, bookmark=bookmark, note=f"note {n}")
        if n % 2:
            study_services.review(user=user, bookmark=bookmark, rating=1 + n % 4)
        study_services.report_asked(user=UserFactory(), question=question, company=f"Co {n}")


def test_study_page_queries_do_not_grow_with_data(client, alice):
    urls = ["/bookmarks/", "/bookmarks/?state=learning&sort=due", "/practice/", "/?sort=asked"]
    _study_data(alice, 2)
    question = alice.bookmarks.first().question
    small = [_queries(client, url) for url in urls]
    small.append(_queries(client, question.get_absolute_url()))
    _study_data(alice, 25)
    large = [_queries(client, url) for url in urls]
    large.append(_queries(client, question.get_absolute_url()))
    assert small == large
    assert large[2] <= 15
    assert large[4] <= 15


def test_export_queries_do_not_grow_with_data(client, alice):
    urls = ["/bookmarks/export.csv", "/bookmarks/export.md", "/bookmarks/export.apkg"]
    _study_data(alice, 2)
    small = [_queries(client, url) for url in urls]
    _study_data(alice, 20)
    assert [_queries(client, url) for url in urls] == small


def test_following_next_on_bookmarks_reaches_page_two(client, alice):
    for n in range(views.BOOKMARKS_PER_PAGE + 1):
        study_services.toggle_bookmark(
            user=alice, question=QuestionFactory(title=f"Bookmarked {n:02}")
        )
    client.force_login(alice)
    first = client.get("/bookmarks/")
    match = re.search(r'<a href="([^"]*)"[^>]*rel="next"', first.content.decode())
    assert match, "no Next link on the bookmarks page"
    link = unescape(match.group(1))
    assert not link.startswith("??")
    second = client.get("/bookmarks/" + link)
    assert second.context["page"].number == 2
    shown = {b.question_id for b in second.context["page"].object_list}
    assert len(shown) == 1
    assert shown.isdisjoint({b.question_id for b in first.context["page"].object_list})
