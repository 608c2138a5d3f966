"""Type your answer: optional per session, checked against the best answer (word
diff, key points ticked), kept privately with the review log and shown on the
bookmark; anyone else gets a 404."""

import re

import pytest

from study import checking
from study.models import Review
from tests.factories import AIAnswerFactory, BookmarkFactory, QuestionFactory
from tests.study.test_views import HTMX, html, is_fragment

pytestmark = pytest.mark.django_db

BEST = """Usually it is not overfitting.

- Dropout and other regularisation act only during training. The model is stronger at evaluation.
- The training loss is averaged over an epoch while the model improves.
- The validation set may be easier, or leaked from training.

```python
model.eval()
```
"""


def test_key_points_are_the_first_sentence_of_each_paragraph_or_item():
    assert checking.key_points(BEST) == [
        "Usually it is not overfitting.",
        "Dropout and other regularisation act only during training.",
        "The training loss is averaged over an epoch while the model improves.",
        "The validation set may be easier, or leaked from training.",
    ]
    assert checking.key_points("# Title\n\n1. **Bias**: the [prior](https://x.org) wins.") == [
        "Bias: the prior wins."
    ]


def test_a_point_is_ticked_when_the_typed_text_mentions_it():
    answer = AIAnswerFactory(body=BEST)
    check = checking.check_answer(
        "Dropout only acts in training, and the validation data can be easier.", answer
    )
    ticks = {point.text[:20]: point.mentioned for point in check.points}
    assert ticks == {
        "Usually it is not ov": False,
        "Dropout and other re": True,
        "The training loss is": False,
        "The validation set m": True,
    }
    assert check.mentioned == 2
    assert "<del>" in str(check.diff)
    assert "<ins>" in str(check.diff)


def test_nothing_to_compare_without_a_best_answer():
    check = checking.check_answer("  my answer  ", None)
    assert (check.typed, check.diff, check.points) == ("my answer", None, [])


def _typing_card(client, alice):
    question = QuestionFactory(title="Validation loss below training loss?")
    AIAnswerFactory(question=question, body=BEST)
    bookmark = BookmarkFactory(user=alice, question=question)
    client.post("/practice/typing/", {"typing": "on"})
    return bookmark


def test_typing_is_off_until_the_member_switches_it_on(client, alice):
    BookmarkFactory(user=alice)
    page = html(client.get("/practice/"))
    assert 'id="typed-answer"' not in page
    assert "Type my answers" in page
    response = client.post("/practice/typing/", {"typing": "on"}, headers=HTMX)
    assert is_fragment(response)
    page = html(response)
    assert 'id="typed-answer"' in page
    assert "Stop typing answers" in page
    assert "Show the answer" not in page  # the answer is revealed by checking
    assert 'id="typed-answer"' in html(client.get("/practice/"))  # for the session
    client.post("/practice/typing/", {"typing": "off"})
    assert 'id="typed-answer"' not in html(client.get("/practice/"))


@pytest.mark.parametrize("htmx", [False, True])
def test_checking_shows_the_typed_answer_diff_and_key_points(client, alice, htmx):
    bookmark = _typing_card(client, alice)
    response = client.post(
        f"/practice/{bookmark.pk}/check/",
        {"answer": "Dropout only acts in training; <b>overfit</b>?"},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 200
    assert is_fragment(response) is htmx
    page = html(response)
    assert "Your answer" in page
    assert "The best answer" in page
    assert "&lt;b&gt;overfit&lt;/b&gt;?" in page  # the member's text, escaped
    assert "Key points of the best answer: 1 of 4 mentioned" in page
    assert len(re.findall(r'class="is-mentioned"', page)) == 1
    assert len(re.findall(r'class="is-missed"', page)) == 3
    assert "<del>" in page
    assert "<ins>" in page
    assert '<details class="reveal" open>' in page
    assert 'name="typed_answer" value="Dropout only acts in training; ' in page
    assert 'id="typed-answer"' not in page  # no box left to swallow the rating keys


def test_the_typed_answer_is_kept_with_the_review_and_shown_on_the_bookmark(
    client, alice, other_member
):
    bookmark = _typing_card(client, alice)
    typed = "Dropout only acts in training.\nAnd the validation set may be easier."
    client.post(f"/practice/{bookmark.pk}/review/", {"rating": "2", "typed_answer": typed})
    assert Review.objects.get().typed_answer == typed

    bookmarks = html(client.get("/bookmarks/"))
    assert f'href="/bookmarks/{bookmark.pk}/answers/">Your typed answers (1)' in bookmarks
    page = client.get(f"/bookmarks/{bookmark.pk}/answers/")
    assert page.status_code == 200
    assert "Dropout only acts in training.<br>And the validation set may be easier." in html(page)
    assert "Hard" in html(page)

    client.force_login(other_member)
    assert client.get(f"/bookmarks/{bookmark.pk}/answers/").status_code == 404
    assert typed not in html(client.get("/bookmarks/"))
    assert "Dropout only acts" not in html(client.get(bookmark.question.get_absolute_url()))
    client.logout()
    visitor = client.get(f"/bookmarks/{bookmark.pk}/answers/")
    assert visitor.status_code == 302
    assert "/accounts/login/" in visitor["Location"]


def test_a_rating_without_a_typed_answer_keeps_none(client, alice):
    bookmark = BookmarkFactory(user=alice)
    client.post(f"/practice/{bookmark.pk}/review/", {"rating": "3"})
    assert Review.objects.get().typed_answer == ""
    assert "Your typed answers" not in html(client.get("/bookmarks/"))
    page = html(client.get(f"/bookmarks/{bookmark.pk}/answers/"))
    assert "No typed answers yet" in page


def test_a_too_long_answer_is_a_400_with_a_message(client, alice):
    bookmark = _typing_card(client, alice)
    url = f"/practice/{bookmark.pk}/check/"
    response = client.post(url, {"answer": "x" * 5001}, headers=HTMX)
    assert response.status_code == 400
    assert "Type at most 5000 characters." in html(response)
    assert client.post(url, {"answer": "x" * 5001}).status_code == 400
    rating = client.post(
        f"/practice/{bookmark.pk}/review/", {"rating": "3", "typed_answer": "x" * 5001}
    )
    assert rating.status_code == 400
    assert not Review.objects.exists()


def test_checking_a_card_rated_since_moves_on(client, alice, other_member):
    bookmark = _typing_card(client, alice)
    client.post(f"/practice/{bookmark.pk}/review/", {"rating": "4"})
    response = client.post(f"/practice/{bookmark.pk}/check/", {"answer": "late"}, headers=HTMX)
    assert response.status_code == 200
    assert "already rated" in html(response)
    others = BookmarkFactory(user=other_member)
    assert client.post(f"/practice/{others.pk}/check/", {"answer": "x"}).status_code == 404
