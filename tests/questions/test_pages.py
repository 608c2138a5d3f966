"""Feeds, sitemap, robots.txt and the meta tags every page carries."""

import xml.etree.ElementTree as ET

import pytest

from questions.models import Status
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_question_feed_lists_published_questions_newest_first(client):
    old = QuestionFactory(title="Old question")
    new = QuestionFactory(title="New question")
    QuestionFactory(title="Pending question", status=Status.PENDING)
    response = client.get("/feeds/questions/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["New question", "Old question"]
    links = [e.find(f"{ATOM}link").get("href") for e in feed.iter(f"{ATOM}entry")]
    assert links[0].endswith(new.get_absolute_url())
    assert old.get_absolute_url() in links[1]


def test_answer_feed_names_the_ai_model_and_skips_hidden_answers(client):
    question = QuestionFactory(title="What is an embedding?")
    AIAnswerFactory(question=question, ai_model="ChatGPT")
    AnswerFactory(question=question, status=Status.HIDDEN, body="hidden text")
    feed = ET.fromstring(client.get("/feeds/answers/").content)
    entries = list(feed.iter(f"{ATOM}entry"))
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "ChatGPT (AI-generated)"
    assert entries[0].find(f"{ATOM}title").text == "Answer to: What is an embedding?"


def test_sitemap_lists_published_questions_sources_and_topics(client):
    topic = TopicFactory(slug="nlp")
    shown = QuestionFactory(topics=[topic])
    hidden = QuestionFactory(status=Status.HIDDEN)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {loc.text for loc in root.iter(f"{ns}loc")}
    assert f"http://testserver{shown.get_absolute_url()}" in locations
    assert f"http://testserver{hidden.get_absolute_url()}" not in locations
    assert "http://testserver/topics/nlp/" in locations
    assert f"http://testserver{shown.source.get_absolute_url()}" in locations


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /admin/" in body


@pytest.mark.parametrize("page", ["home", "question", "topic", "profile"])
def test_every_page_has_title_description_canonical_and_open_graph(client, page):
    topic = TopicFactory(slug="statistics", name="Statistics")
    question = QuestionFactory(title="What is a p-value?", topics=[topic])
    answer = AnswerFactory(question=question, body="The probability of data this extreme.")
    url = {
        "home": "/",
        "question": question.get_absolute_url(),
        "topic": "/topics/statistics/",
        "profile": answer.author.get_absolute_url(),
    }[page]
    html = client.get(url).content.decode()
    assert "<title>" in html
    assert "· MLQA</title>" in html
    assert '<meta name="description" content="' in html
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    for prop in ("og:title", "og:description", "og:type", "og:url"):
        assert f'<meta property="{prop}"' in html
    if page == "question":
        assert '<meta property="og:title" content="What is a p-value?">' in html
        assert "The probability of data this extreme." in html.split("</head>")[0]
