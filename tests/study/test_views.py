"""Study pages and actions over HTTP: both ways (plain form post and htmx
fragment), privacy between members, visitors sent to log in, bad input as a
readable 4xx, and query counts that do not grow with the data."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import resolve

from questions.models import Status
from study import services as study_services
from study import views
from study.models import Bookmark, InterviewReport, Review
from tests.factories import (
    BookmarkFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


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


@pytest.mark.parametrize("page_cache", [0, 300])
def test_a_visitors_toggle_counts_and_logs_them_in_back_to_the_same_list(
    client, db, settings, page_cache
):
    settings.MLQA_PAGE_CACHE_SECONDS = page_cache
    for title, members in (("Kept by one", 1), ("Kept by two", 2), ("Kept by none", 0)):
        question = QuestionFactory(title=title, difficulty="easy")
        for _ in range(members):
            study_services.toggle_bookmark(user=UserFactory(), question=question)
    address = "/?sort=new&difficulty=easy"
    body = html(client.get(address))
    assert body.count("bookmark-toggle") == 3
    assert "<form" not in body[body.index('class="question-list') :]
    for count, words in ((1, "bookmark in all"), (2, "bookmarks in all"), (0, "bookmarks in all")):
        assert f'{count}<span class="visually-hidden"> {words}</span>' in body
    link = re.search(r'<a class="bookmark-toggle bookmark-button" href="([^"]+)"', body)
    assert unescape(link.group(1)) == "/accounts/login/?next=/%3Fsort%3Dnew%26difficulty%3Deasy"
    member = UserFactory(username="reader")
    response = client.post(
        unescape(link.group(1)), {"login": "reader", "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == address
    assert member.pk == int(client.session["_auth_user_id"])


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
