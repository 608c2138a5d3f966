"""The lists' filters read by one FilterSet each, drawn by one shared form partial."""

import re
from html import unescape

import pytest
from django.test import override_settings

from study import services as study_services
from tests.api.conftest import bearer
from tests.factories import BookmarkFactory, QuestionFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [q.title for q in response.context["page"].object_list]


def test_an_unknown_value_is_dropped_and_said_so_with_a_400(client):
    QuestionFactory(title="Kept", difficulty="easy")
    response = client.get("/", {"topic": "nowhere", "difficulty": "easy"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "There is no topic “nowhere”: showing every topic." in html
    # The valid filter still applies; the form shows what was understood.
    assert titles(response) == ["Kept"]
    assert '<option value="easy" selected>Easy</option>' in html


def test_the_list_and_the_bookmarks_draw_their_filters_with_the_same_form(client, member):
    TopicFactory(slug="stats", name="Statistics")
    client.force_login(member)
    for url, prefix in (("/", "filter"), ("/bookmarks/", "bookmark")):
        html = client.get(url).content.decode()
        form = re.search(r'<form class="filters".*?</form>', html, re.S).group(0)
        assert f'action="{url}"' in form
        assert f'hx-get="{url}"' in form
        assert f'<label for="{prefix}-topic">Topic</label>' in form
        assert f'<select id="{prefix}-topic" name="topic">' in form
        assert '<option value="stats">Statistics</option>' in form


@override_settings(MLQA_QUESTIONS_PER_PAGE=2)
def test_pagination_links_keep_the_filters(client):
    book = SourceFactory(slug="book")
    for n in range(3):
        QuestionFactory(title=f"Book {n}", source=book, difficulty="hard")
    QuestionFactory(title="Elsewhere", difficulty="hard")
    response = client.get("/", {"source": "book", "difficulty": "hard"})
    assert titles(response) == ["Book 2", "Book 1"]
    next_link = re.search(r'<a href="([^"]+)"[^>]*rel="next"', response.content.decode())
    response = client.get(unescape(next_link.group(1)))
    assert titles(response) == ["Book 0"]


def test_a_topic_page_has_no_topic_control_and_keeps_its_topic(client):
    nlp = TopicFactory(slug="nlp")
    QuestionFactory(title="Attention", topics=[nlp])
    QuestionFactory(title="p-value")
    response = client.get(nlp.get_absolute_url(), {"topic": "other"})
    assert response.status_code == 200
    assert titles(response) == ["Attention"]
    assert 'name="topic"' not in response.content.decode()


def test_bookmarks_say_which_value_was_not_understood(client, member):
    client.force_login(member)
    study_services.toggle_bookmark(user=member, question=QuestionFactory(title="Q"))
    response = client.get("/bookmarks/", {"state": "weird"})
    assert response.status_code == 400
    assert "There is no practice state “weird”" in unescape(response.content.decode())
    assert [b.question.title for b in response.context["page"].object_list] == ["Q"]


def test_an_export_with_an_unknown_filter_is_a_400_not_a_wrong_file(client, member):
    client.force_login(member)
    BookmarkFactory(user=member)
    response = client.get("/bookmarks/export.csv", {"topic": "nowhere"})
    assert response.status_code == 400
    assert "There is no topic “nowhere”" in unescape(response.content.decode())


def test_the_api_bookmarks_refuse_an_unknown_topic(client, member):
    from api import tokens

    secret = tokens.create_token(user=member, name="script").secret
    response = client.get("/api/v1/me/bookmarks?topic=nowhere", **bearer(secret))
    assert response.status_code == 404
    assert response.json() == {"detail": "No topic with this slug."}


def test_the_chosen_options_are_selected_and_every_label_escaped(client):
    TopicFactory(slug="stats", name="Stats & <b>tests</b>")
    SourceFactory(slug="book", name="A “book”")
    html = client.get("/", {"topic": "stats", "source": "book", "sort": "top"}).content.decode()
    assert '<option value="stats" selected>Stats &amp; &lt;b&gt;tests&lt;/b&gt;</option>' in html
    assert '<option value="book" selected>A “book”</option>' in html
    assert '<option value="top" selected>' in html
    # The first option ("All …", "Newest") sends nothing and is never marked.
    assert '<option value="">All topics</option>' in html
    assert html.count(" selected>") == 3
