"""Control characters (U+0002 and the like) never reach stored text through a
form, and text stored before cannot break the feeds or the search highlighting.

XML 1.0 cannot carry the C0 controls other than tab and newlines: one in an
answer made ``/feeds/answers/`` a 500 for everyone.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from questions import search
from questions.collection import parse_document
from questions.models import Answer, Comment, Proposal, Question, Source, Verification
from questions.search import highlight_results
from study.models import Bookmark
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    QuestionFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/feeds/questions/", "/feeds/answers/", "/feeds/corrections/"]
TEXT = "Dropout is active only in training, so the training loss is measured on a weaker net."


def parsed_feed(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    return ET.fromstring(response.content)  # raises on anything that is not XML


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_stay_valid_xml_with_control_characters_already_stored(client, path):
    source = SourceFactory(name="Huyen\x02Chip")
    answer = AnswerFactory(
        question__title="Why is validation loss below training loss?",
        question__source=source,
        author=UserFactory(display_name="Ali\x1bce"),
    )
    ai = AIAnswerFactory(question=answer.question, ai_model="Chat\x07GPT")
    # Judged wrong, so that the corrections feed lists it too.
    Answer.objects.filter(pk=ai.pk).update(
        verification=Verification.WRONG,
        verdicts_wrong=2,
        verification_changed_at=timezone.now(),
        body_html="<p>Over\x02fitting.</p>",
    )
    # Rows written before input was cleaned (or by a database shell): no form involved.
    Answer.objects.filter(pk=answer.pk).update(
        body="Start\x02 and \x03end", body_html="<p>Start\x02 and \x03end\x0b</p>"
    )
    Question.objects.filter(pk=answer.question_id).update(
        title="Why is validation\x02 loss below training loss?",
        body_html="<p>Details\x1f</p>",
    )

    feed = parsed_feed(client, path)

    text = ET.tostring(feed, encoding="unicode")
    assert "Why is validation loss below training loss?" in text
    assert not any(chr(code) in text for code in range(0x20) if chr(code) not in "\t\n\r")
    assert feed.findall(f"{ATOM}entry")


def test_the_question_feed_escapes_the_source_name(client):
    QuestionFactory(title="What is a p-value?", source=SourceFactory(name="<b>x</b>"))

    feed = parsed_feed(client, "/feeds/questions/")

    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert "<p>Source: &lt;b&gt;x&lt;/b&gt;</p>" in summary
    assert "<b>" not in summary


# --- Input: every form drops them, keeping the rest of what was typed ------------------


@pytest.fixture
def answer():
    return AIAnswerFactory(body="Validation loss below training loss means overfitting.")


def test_an_answer_posted_with_a_control_character_is_stored_without_it(client, member, answer):
    client.force_login(member)
    url = reverse("answer_create", args=[answer.question_id])
    response = client.post(url, {"body": TEXT.replace("only", "on\x02ly")})
    assert response.status_code == 302
    stored = Answer.objects.get(author=member)
    assert stored.body == TEXT
    assert stored.revisions.get().body == TEXT


def test_an_answer_edit_drops_them_from_body_and_summary(client, member):
    mine = AnswerFactory(author=member)
    client.force_login(member)
    response = client.post(
        reverse("answer_edit", args=[mine.pk]),
        {"body": TEXT.replace("weaker", "weak\x02er"), "summary": "Clearer\x03"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.body == TEXT
    assert mine.revisions.order_by("-number").first().summary == "Clearer"


@pytest.mark.parametrize("on", ["answer", "question"])
def test_a_comment_posted_with_a_control_character_is_stored_without_it(client, member, answer, on):
    client.force_login(member)
    target = answer if on == "answer" else answer.question
    response = client.post(
        reverse(f"{on}_comments", args=[target.pk]), {"body": "Check\x02 **dropout**."}
    )
    assert response.status_code == 302
    assert Comment.objects.get(author=member).body == "Check **dropout**."


def test_a_question_asked_with_control_characters_is_stored_without_them(client, member):
    client.force_login(member)
    response = client.post(
        reverse("ask"),
        {"title": "How do you pick\x02 k in k-nearest neighbours?", "body": "Small\x1b data."},
    )
    assert response.status_code == 302
    question = member.submitted_questions.get()
    assert (question.title, question.body) == (
        "How do you pick k in k-nearest neighbours?",
        "Small data.",
    )


def test_a_proposal_drops_them_from_body_and_reason(client, member, answer):
    client.force_login(member)
    response = client.post(
        reverse("propose", args=[answer.pk]),
        {"body": TEXT.replace("training,", "training,\x02"), "reason": "It is not\x07 overfitting"},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(author=member)
    assert (proposal.body, proposal.reason) == (TEXT, "It is not overfitting")


def test_the_profile_drops_them_from_display_name_and_bio(client, member):
    client.force_login(member)
    response = client.post("/settings/", {"display_name": "Ali\x02ce", "bio": "Kernel\x03 fan."})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Alice", "Kernel fan.")


def test_a_bookmark_note_drops_them(client, member, answer):
    bookmark = BookmarkFactory(user=member, question=answer.question)
    client.force_login(member)
    response = client.post(reverse("bookmark_note", args=[bookmark.pk]), {"note": "Re\x02call"})
    assert response.status_code in (200, 302)
    assert Bookmark.objects.get(pk=bookmark.pk).note == "Recall"


def test_tabs_and_newlines_are_kept(client, member, answer):
    client.force_login(member)
    body = TEXT + "\r\n\r\n```\n\tindented code\n```"
    client.post(reverse("answer_create", args=[answer.question_id]), {"body": body})
    assert Answer.objects.get(author=member).body == body


def test_the_admin_drops_them_too(admin_client):
    source = SourceFactory(name="HuyenChip", slug="huyenchip")
    url = reverse("admin:questions_source_change", args=[source.pk])
    response = admin_client.post(
        url, {"name": "Huyen\x02Chip", "slug": "huyenchip", "kind": source.kind, "url": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Source.objects.get(pk=source.pk).name == "HuyenChip"


def test_a_password_is_kept_as_typed(client):
    """A password is compared, never shown: stripping it would change it."""
    user = UserFactory(username="carol")
    user.set_password("old pass\x02word 123")
    user.save()
    assert client.login(username="carol", password="old pass\x02word 123")
    response = client.post(
        "/accounts/login/", {"login": "carol", "password": "old pass\x02word 123"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("old pass\x02word 123")


def test_a_collection_file_loses_them_with_a_warning():
    text = (
        "| Question | Source | ChatGPT |\n|---|---|---|\n"
        "| What is\x02 a p-value? | Book | The probability\x1b of data this extreme. |\n"
    )
    parsed = parse_document(text, "c.md")
    [entry] = parsed.entries
    assert (entry.question, entry.answer) == (
        "What is a p-value?",
        "The probability of data this extreme.",
    )
    assert [(w.line, w.message) for w in parsed.warnings] == [
        (3, "2 control characters removed (the first is on this line)")
    ]


# --- Search highlighting with controls already stored -----------------------------------


def _highlighted(client, query: str) -> list[Question]:
    page = client.get("/", {"q": query}).context["page"]
    return list(page.object_list)


def _balanced(html: str) -> bool:
    """Every <mark> closed before the next opens, none left open."""
    depth = 0
    for tag in re.findall(r"</?mark>", html):
        depth += 1 if tag == "<mark>" else -1
        if depth not in (0, 1):
            return False
    return depth == 0


def _stored_with_old_marks() -> Question:
    question = QuestionFactory(title="What does softmax do?", body="Softmax turns logits.")
    Question.objects.filter(pk=question.pk).update(
        title="What does \x02softmax do?\x02 \x03",
        body="Softmax \x03turns\x02 logits into probabilities.",
        body_html="<p>Softmax \x03turns\x02 logits into probabilities.</p>",
    )
    search.index_questions([question.pk])
    return question


def _check_marks(results: list[Question]) -> None:
    [found] = results
    for html in (str(found.title_html), str(found.snippet_html)):
        assert _balanced(html), html
        assert not re.search("[\x02\x03]", html)
    assert "<mark>softmax</mark>" in str(found.title_html).lower()


def test_sqlite_highlighting_stays_balanced_with_stored_marks(client):
    _stored_with_old_marks()
    questions = list(Question.objects.filter(title__icontains="softmax"))
    highlight_results(questions, "softmax")  # the plain-match path, on any database
    _check_marks(questions)


@pytest.mark.postgres
def test_postgres_highlighting_stays_balanced_with_stored_marks(client):
    _stored_with_old_marks()
    _check_marks(_highlighted(client, "softmax"))


def test_marks_are_paired_whatever_the_text_holds():
    html = str(search._marked("a \ue001b\ue000 <c> \ue000d\ue000e\ue001\ue001 f \ue000g"))
    assert html == "a b<mark> &lt;c&gt; de</mark> f <mark>g</mark>"


def test_paired_marks_and_the_text_between_them_come_out_escaped():
    html = str(search._marked('\ue000a\ue001 & <b>"b"</b> \'\ue000c d\ue001'))
    assert html == "<mark>a</mark> &amp; &lt;b&gt;&quot;b&quot;&lt;/b&gt; &#x27;<mark>c d</mark>"
    # Markdown's marks go from a snippet; no mark at all is plain escaped text.
    assert str(search._marked("**\ue000bold\ue001** `x`", markdown=True)) == "<mark>bold</mark> x"
    assert str(search._marked("<i>")) == "&lt;i&gt;"
