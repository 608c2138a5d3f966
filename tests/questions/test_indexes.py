"""The /topics/ and /sources/ index pages: reached from the header, every topic and
source with its published question count, in a number of queries that does not
grow with the data, and listed in the sitemap."""

import re
import xml.etree.ElementTree as ET

import pytest

from questions.models import Source, Status, Topic
from tests.factories import QuestionFactory, SourceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def item(body: str, name: str) -> str:
    """The text of the index entry whose link says ``name``."""
    match = re.search(
        rf'<li class="index-item">\s*<a[^>]*>{re.escape(name)}</a>(.*?)</li>', body, re.S
    )
    assert match, f"{name} is not listed"
    return " ".join(re.sub(r"<[^>]+>", " ", match[1]).split())


def header_link(body: str, label: str) -> str:
    nav = re.search(r'<nav class="browse-nav" aria-label="Browse">(.*?)</nav>', body, re.S)
    assert nav, "no Browse navigation in the header"
    link = re.search(rf'<a href="([^"]+)">{label}</a>', nav[1])
    assert link, f"no {label} link in the header"
    return link[1]


def test_the_header_leads_to_every_topic_with_its_published_question_count(client):
    stats = TopicFactory(name="Statistics", slug="statistics", description="Tests and p-values.")
    nlp = TopicFactory(name="NLP", slug="nlp")
    TopicFactory(name="Robotics", slug="robotics")
    QuestionFactory(topics=[stats, nlp])
    QuestionFactory(topics=[stats])
    QuestionFactory(topics=[stats], status=Status.PENDING)
    QuestionFactory(topics=[nlp], status=Status.HIDDEN)

    body = html(client.get(header_link(html(client.get("/")), "Topics")))
    assert "<h1>Topics</h1>" in body
    assert item(body, "Statistics") == "2 questions Tests and p-values."
    assert item(body, "NLP") == "1 question"
    assert item(body, "Robotics") == "no questions yet"
    assert body.index(">NLP<") < body.index(">Robotics<") < body.index(">Statistics<")
    # Each entry leads to the topic's questions.
    target = re.search(r'<a class="index-name" href="([^"]+)">Statistics</a>', body)[1]
    assert "2 questions" in html(client.get(target))


def test_the_header_leads_to_every_source_with_its_published_question_count(client):
    book = SourceFactory(name="Deep Learning Book", slug="dl-book", url="https://example.com/dl/")
    SourceFactory(name="An Empty Site", slug="empty-site", url="")
    QuestionFactory(source=book)
    QuestionFactory(source=book, status=Status.PENDING)

    body = html(client.get(header_link(html(client.get("/")), "Sources")))
    assert "<h1>Sources</h1>" in body
    assert item(body, "Deep Learning Book") == "1 question · Book https://example.com/dl/"
    assert item(body, "An Empty Site").startswith("no questions yet")
    target = re.search(r'<a class="index-name" href="([^"]+)">Deep Learning Book</a>', body)[1]
    assert target == book.get_absolute_url()
    assert "1 question" in html(client.get(target))


def test_empty_indexes_say_where_to_go(client):
    assert "No topics yet." in html(client.get("/topics/"))
    assert "No sources yet." in html(client.get("/sources/"))


@pytest.mark.parametrize("logged_in", [False, True])
def test_index_queries_do_not_grow_with_data(client, member, django_assert_num_queries, logged_in):
    if logged_in:
        client.force_login(member)
    # A member adds the session, the user and the unread count in the header.
    expected = 4 if logged_in else 1
    for size in (1, 15):
        for _ in range(size):
            QuestionFactory(topics=[TopicFactory(), TopicFactory()], source=SourceFactory())
        for url, model in (("/topics/", Topic), ("/sources/", Source)):
            with django_assert_num_queries(expected):
                body = html(client.get(url))
            assert body.count('class="index-item"') == model.objects.count() >= size


def test_the_sitemap_lists_both_indexes(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {loc.text for loc in root.iter(f"{ns}loc")}
    assert {"http://testserver/topics/", "http://testserver/sources/"} <= locations


def test_index_pages_refuse_post(client):
    assert client.post("/topics/").status_code == 405
    assert client.post("/sources/").status_code == 405
