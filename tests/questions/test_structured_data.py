"""The question page's schema.org QAPage (JSON-LD): what search engines read."""

import json
import re
from datetime import datetime

import pytest

from questions.models import Answer, Status, Verification
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, UserFactory
from tests.questions.test_views import VISITOR_QUESTION, _build

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

# What each type must carry (schema.org's QAPage as search engines read it: a
# Question needs a name, an answer count and at least one answer; an Answer its
# text), and what it should (author, date, votes, address), checked alike here.
REQUIRED = {
    "QAPage": {"mainEntity"},
    "Question": {"name", "text", "answerCount", "dateCreated", "author", "url"},
    "Answer": {"text", "dateCreated", "upvoteCount", "url"},
    "Person": {"name", "url"},
    "Organization": {"name"},
}


def assert_valid(node: dict) -> None:
    kind = node["@type"]
    assert kind in REQUIRED, kind
    missing = REQUIRED[kind] - node.keys()
    assert not missing, f"{kind} lacks {missing}"
    if kind == "Question":
        assert "acceptedAnswer" in node or "suggestedAnswer" in node
        assert node["answerCount"] == len(answers_of(node))
    for key in ("dateCreated", "dateModified"):
        if key in node:
            datetime.fromisoformat(node[key])
    if "url" in node:
        assert node["url"].startswith("http://testserver/"), node["url"]
    if kind == "Answer":
        assert isinstance(node["upvoteCount"], int)
    for value in node.values():
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict):
                assert_valid(child)


def answers_of(question: dict) -> list[dict]:
    accepted = [question["acceptedAnswer"]] if "acceptedAnswer" in question else []
    return accepted + question.get("suggestedAnswer", [])


def qa_page(client, question) -> dict | None:
    html = client.get(question.get_absolute_url()).content.decode()
    scripts = SCRIPT.findall(html)
    assert len(scripts) <= 1
    return json.loads(scripts[0]) if scripts else None


def test_question_page_carries_a_valid_qapage_with_the_featured_answer_accepted(client):
    asker = UserFactory(display_name="Ada")
    question = QuestionFactory(title="Why normalise inputs?", body="Explain.", submitted_by=asker)
    ai = AIAnswerFactory(question=question)
    best = AnswerFactory(question=question, body="Gradients behave.")
    other = AnswerFactory(question=question, body="Speed.")
    AnswerFactory(question=question, body="A hidden one.", status=Status.HIDDEN)
    Answer.objects.filter(pk=best.pk).update(is_featured=True, upvotes=3, score=3)

    data = qa_page(client, question)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "QAPage"
    assert_valid(data)
    entity = data["mainEntity"]
    assert entity["name"] == "Why normalise inputs?"
    assert entity["author"] == {
        "@type": "Person",
        "name": "Ada",
        "url": f"http://testserver/users/{asker.username}/",
    }
    assert entity["acceptedAnswer"]["text"] == "Gradients behave."
    assert entity["acceptedAnswer"]["upvoteCount"] == 3
    assert entity["acceptedAnswer"]["url"].endswith(f"#answer-{best.pk}")
    suggested = {a["url"].rsplit("-", 1)[1]: a for a in entity["suggestedAnswer"]}
    assert set(suggested) == {str(ai.pk), str(other.pk)}  # never the hidden one
    assert suggested[str(ai.pk)]["author"] == {
        "@type": "Organization",
        "name": "ChatGPT (AI-generated)",
    }
    assert entity["answerCount"] == 3


def test_a_verified_answer_is_accepted_when_none_is_featured_and_none_otherwise(client):
    question = QuestionFactory()
    top = AnswerFactory(question=question)
    verified = AnswerFactory(question=question)
    Answer.objects.filter(pk=top.pk).update(upvotes=5, score=5)
    data = qa_page(client, question)
    assert_valid(data)
    assert "acceptedAnswer" not in data["mainEntity"]
    assert len(data["mainEntity"]["suggestedAnswer"]) == 2

    Answer.objects.filter(pk=verified.pk).update(verification=Verification.VERIFIED)
    data = qa_page(client, question)
    assert_valid(data)
    assert data["mainEntity"]["acceptedAnswer"]["url"].endswith(f"#answer-{verified.pk}")
    # The imported question's author is its source.
    assert data["mainEntity"]["author"] == {
        "@type": "Organization",
        "name": question.source.name,
    }


def test_no_qapage_without_an_answer(client):
    question = QuestionFactory()
    assert qa_page(client, question) is None
    AnswerFactory(question=question, status=Status.HIDDEN)
    assert qa_page(client, question) is None


def test_member_text_cannot_leave_the_script_element(client):
    hostile = 'x</script><script>alert(1)</script><!-- & "quoted" \u2028'
    question = QuestionFactory(title="</script><b>title</b>", body=hostile)
    AnswerFactory(question=question, body=hostile)

    html = client.get(question.get_absolute_url()).content.decode()
    [raw] = SCRIPT.findall(html)
    assert "<" not in raw
    assert ">" not in raw
    assert "&" not in raw
    data = json.loads(raw)  # the same text, once parsed
    assert data["mainEntity"]["text"] == hostile
    assert data["mainEntity"]["name"] == "</script><b>title</b>"
    assert data["mainEntity"]["suggestedAnswer"][0]["text"] == hostile
    assert "<script>alert(1)" not in html


def test_the_qapage_costs_no_query(client, member, django_assert_num_queries):
    question = _build(member, 3, 3, 2)
    with django_assert_num_queries(VISITOR_QUESTION):
        data = qa_page(client, question)
    assert_valid(data)
    assert data["mainEntity"]["answerCount"] == 4
