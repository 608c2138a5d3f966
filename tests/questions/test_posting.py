"""Every action shows its result: posts land on what they made, twice is once."""

import re
from datetime import timedelta
from html import unescape
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from questions.models import Answer, Comment, CommentStatus, Flag, Question, Status
from tests.factories import AIAnswerFactory, CommentFactory, QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TEXT = "Dropout is active only in training, so the training loss is measured on a weaker net."


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Posting an answer ---------------------------------------------------------------


def test_with_htmx_a_new_answer_opens_its_own_address_which_lands_on_it(client, member):
    question = QuestionFactory()
    client.force_login(member)
    response = client.post(reverse("answer_create", args=[question.pk]), {"body": TEXT})
    answer = Answer.objects.get(author=member)
    # Without JavaScript: a redirect straight to the answer on its question's page.
    assert response["Location"] == f"{question.get_absolute_url()}#answer-{answer.pk}"

    other = QuestionFactory()
    response = client.post(reverse("answer_create", args=[other.pk]), {"body": TEXT}, headers=HTMX)
    answer = Answer.objects.get(author=member, question=other)
    # With htmx: not the same page plus "#answer-N" (the browser would only scroll),
    # but the answer's own address, a real page load...
    assert response["HX-Redirect"] == f"/answers/{answer.pk}/"
    landing = client.get(response["HX-Redirect"])
    # ...which lands on the question page at the answer, with the thanks.
    assert landing["Location"] == f"{other.get_absolute_url()}#answer-{answer.pk}"
    page = client.get(landing["Location"]).content.decode()
    assert f'id="answer-{answer.pk}"' in page
    assert "Thank you: your answer is published." in page
    textarea = re.search(r'<textarea id="answer-body"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea.group(1).strip() == ""


def test_the_answer_address_is_404_for_a_hidden_answer(client):
    answer = AIAnswerFactory()
    assert client.get(reverse("answer_permalink", args=[answer.pk])).status_code == 302
    Answer.objects.filter(pk=answer.pk).update(status=Status.HIDDEN)
    assert client.get(reverse("answer_permalink", args=[answer.pk])).status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_same_answer_twice_within_a_minute_is_posted_once(client, member, headers):
    question = QuestionFactory()
    client.force_login(member)
    url = reverse("answer_create", args=[question.pk])
    first = client.post(url, {"body": TEXT}, headers=headers)
    second = client.post(url, {"body": TEXT + "\n"}, headers=headers)  # stripped: the same
    answer = Answer.objects.get(author=member)
    # The second post is shown the first answer, with a word on what happened.
    assert first.status_code == second.status_code
    if headers:
        assert second["HX-Redirect"] == first["HX-Redirect"] == f"/answers/{answer.pk}/"
    else:
        assert second["Location"] == first["Location"] == answer.get_absolute_url()
    assert "You posted this answer a moment ago: here it is." in messages_of(second)
    assert Question.objects.get(pk=question.pk).answer_count == 1


def test_the_same_text_is_a_new_answer_after_a_minute_or_elsewhere(client, member):
    question, other = QuestionFactory(), QuestionFactory()
    client.force_login(member)
    client.post(reverse("answer_create", args=[question.pk]), {"body": TEXT})
    client.post(reverse("answer_create", args=[other.pk]), {"body": TEXT})
    assert Answer.objects.filter(author=member).count() == 2
    Answer.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    client.post(reverse("answer_create", args=[question.pk]), {"body": TEXT})
    assert Answer.objects.filter(author=member, question=question).count() == 2


def test_an_invalid_answer_is_an_inline_form_with_htmx(client, member):
    question = QuestionFactory()
    client.force_login(member)
    response = client.post(
        reverse("answer_create", args=[question.pk]), {"body": "Too short"}, headers=HTMX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="your-answer" id="your-answer"')
    assert "at least 30 characters" in html
    assert 'hx-disabled-elt="find button[type=&#x27;submit&#x27;]"' in html or (
        "hx-disabled-elt=\"find button[type='submit']\"" in html
    )


# --- Comments ------------------------------------------------------------------------


def test_the_same_comment_twice_is_added_once(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    url = reverse("answer_comments", args=[answer.pk])
    first = client.post(url, {"body": "Check dropout first."}, headers=HTMX)
    second = client.post(url, {"body": "Check dropout first."}, headers=HTMX)
    assert first.status_code == second.status_code == 200
    assert second.content.decode().count("Check dropout first.") == 1
    assert Comment.objects.count() == 1

    question_url = reverse("question_comments", args=[answer.question.pk])
    client.post(question_url, {"body": "On the question."})
    response = client.post(question_url, {"body": "On the question."})
    assert response.status_code == 302
    assert "You added this comment a moment ago." in messages_of(response)
    assert Comment.objects.filter(question=answer.question).count() == 1


def test_links_in_comments_are_clickable_with_the_answer_rules(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    body = "See https://arxiv.org/abs/1207.0580 (section 3) and train.py."
    client.post(reverse("answer_comments", args=[answer.pk]), {"body": body})
    page = client.get(answer.question.get_absolute_url()).content.decode()
    assert (
        '<a href="https://arxiv.org/abs/1207.0580" rel="nofollow ugc noopener">'
        "https://arxiv.org/abs/1207.0580</a> (section 3)" in page
    )
    assert "train.py." in page  # a file name is not a domain
    assert 'href="http://train.py' not in page
    assert Comment.objects.get().body == body


def test_no_script_url_in_a_comment_becomes_a_link(client, member):
    answer = AIAnswerFactory()
    client.force_login(member)
    body = "javascript:alert(1) and data:text/html,<b>x</b> and vbscript:msgbox"
    client.post(reverse("answer_comments", args=[answer.pk]), {"body": body})
    html = Comment.objects.get().body_html
    assert "<a" not in html


def test_deleting_a_comment_without_javascript_asks_on_a_page_first(client, member):
    comment = CommentFactory(author=member, body="A typo here.")
    client.force_login(member)
    page = client.get(comment.get_absolute_url().split("#")[0]).content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*>delete</a>', page).group(1)
    confirm = client.get(unescape(link))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Delete this comment?" in html
    assert "A typo here." in html
    assert Comment.objects.get().status == CommentStatus.PUBLISHED  # asking deletes nothing
    action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
    response = client.post(action)
    assert response.status_code == 302
    assert Comment.objects.get().status == CommentStatus.DELETED


def test_only_the_author_is_asked_to_delete(client, other_member):
    comment = CommentFactory(body="Not yours.")
    client.force_login(other_member)
    response = client.get(reverse("comment_delete_confirm", args=[comment.pk]))
    assert response.status_code == 403
    assert Comment.objects.get().status == CommentStatus.PUBLISHED


def test_with_javascript_delete_confirms_then_swaps_in_place(client, member):
    comment = CommentFactory(author=member)
    client.force_login(member)
    page = client.get(comment.get_absolute_url().split("#")[0]).content.decode()
    link = re.search(r'<a href="[^"]+"[^>]*>delete</a>', page).group(0)
    assert 'hx-confirm="Delete this comment? This cannot be undone."' in link
    assert 'hx-target="closest li"' in link


# --- Errors under DEBUG --------------------------------------------------------------


def test_under_debug_no_script_replaces_the_page_with_an_error_reply(client, member, settings):
    """django-htmx's DEBUG helper swaps the whole document for any 400/403/404 reply."""
    settings.DEBUG = True
    answer = AIAnswerFactory()
    client.force_login(member)
    page = client.get(answer.question.get_absolute_url()).content.decode()
    assert "django-htmx.js" not in page
    assert re.search(r'<script src="[^"]*htmx-2(\.min)?\.js"', page)
    assert re.search(r'<script src="[^"]*js/actions\.js"', page)
    # The reply to three spaces is a fragment for the comments block, swapped in
    # place by base.html's responseHandling (4xx: swap, not an error).
    response = client.post(
        reverse("answer_comments", args=[answer.pk]), {"body": "   "}, headers=HTMX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="comments-block" id="answer-comments-{answer.pk}"')
    assert 'class="inline-error" role="alert"' in html
    assert '{"code": "4..", "swap": true, "error": false}' in page


# --- Live search ---------------------------------------------------------------------


def sort_select(html: str) -> str:
    return re.search(r'<select id="filter-sort".*?</select>', html, re.S).group(0)


def test_the_sort_sends_nothing_unless_chosen_so_a_search_ranks_by_best_match(client):
    QuestionFactory(title="Why does dropout need scaling at inference time?")
    select = sort_select(client.get("/").content.decode())
    # The default option sends an empty sort, not "newest": typing a query then
    # gives the best match first.
    default = re.search(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert (default.group(1), default.group(3)) == ("", "Newest")
    assert 'value="newest"' not in select
    assert " selected" not in select

    response = client.get("/", {"q": "dropout", "sort": default.group(1)}, headers=HTMX)
    assert response.context["filters"].effective_sort == "relevance"
    # The live search redraws the select beside the results: "Best match" first,
    # and "Newest" to choose explicitly.
    select = sort_select(response.content.decode())
    assert 'hx-swap-oob="true"' in select
    assert '<option value="">Best match</option>' in select
    assert '<option value="newest">Newest</option>' in select


def test_a_chosen_sort_is_kept_when_searching(client):
    response = client.get("/", {"q": "dropout", "sort": "newest"})
    assert response.context["filters"].effective_sort == "newest"
    assert '<option value="newest" selected>Newest</option>' in sort_select(
        response.content.decode()
    )
    response = client.get("/", {"q": "dropout", "sort": "top"}, headers=HTMX)
    assert response.context["filters"].effective_sort == "top"


def test_a_full_page_has_one_sort_select(client):
    html = client.get("/", {"q": "dropout"}).content.decode()
    assert html.count('id="filter-sort"') == 1
    assert "hx-swap-oob" not in html


# --- Flags ---------------------------------------------------------------------------


def test_the_flag_form_says_what_is_flagged(client, member):
    answer = AIAnswerFactory(body="Validation loss below training loss means overfitting.")
    comment = CommentFactory(answer=answer, body="I disagree **strongly**.")
    client.force_login(member)
    flag_url = reverse("flag")
    page = client.get(flag_url, {"target": "question", "id": answer.question.pk}).content.decode()
    assert f'The question <a href="{answer.question.get_absolute_url()}">' in page
    assert 'name="original"' in page
    page = client.get(flag_url, {"target": "answer", "id": answer.pk}).content.decode()
    assert "The AI answer" in page
    assert f'on <a href="{answer.question.get_absolute_url()}">' in page
    assert "Validation loss below training loss means overfitting." in page
    assert 'name="original"' not in page
    page = client.get(flag_url, {"target": "comment", "id": comment.pk}).content.decode()
    assert f"The comment by {comment.author.public_name}" in page
    assert f'on <a href="{answer.question.get_absolute_url()}">' in page
    assert "I disagree strongly." in page


@pytest.mark.parametrize(
    "original", ["{pk}", "#{pk}", "/questions/{pk}/", "http://testserver/questions/{pk}/a-slug/"]
)
def test_a_duplicate_flag_names_the_original(client, member, original):
    question, first = QuestionFactory(), QuestionFactory()
    client.force_login(member)
    data = {
        "target": "question",
        "id": question.pk,
        "reason": "duplicate",
        "original": original.format(pk=first.pk),
    }
    response = client.post(reverse("flag"), data)
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.question, flag.reason, flag.duplicate_of) == (question, "duplicate", first)


@pytest.mark.parametrize(
    ("original", "error"),
    [
        ("", "Say which question this one repeats."),
        ("dropout", "Give the original question"),
        ("999999", "There is no published question number 999999."),
        ("hidden", "There is no published question number"),
        ("self", "That is this question: give the one it repeats."),
    ],
)
def test_a_duplicate_flag_needs_a_real_other_question(client, member, original, error):
    question = QuestionFactory()
    hidden = QuestionFactory(status=Status.HIDDEN)
    original = {"hidden": str(hidden.pk), "self": str(question.pk)}.get(original, original)
    client.force_login(member)
    data = {"target": "question", "id": question.pk, "reason": "duplicate", "original": original}
    response = client.post(reverse("flag"), data)
    assert response.status_code == 400
    assert error in unescape(response.content.decode())
    assert not Flag.objects.exists()


def test_the_original_is_ignored_for_other_reasons(client, member):
    question = QuestionFactory()
    client.force_login(member)
    data = {"target": "question", "id": question.pk, "reason": "spam", "original": "nonsense"}
    assert client.post(reverse("flag"), data).status_code == 302
    assert Flag.objects.get().duplicate_of is None


def test_moderators_see_the_original_in_the_admin(client, member, moderator):
    question, first = QuestionFactory(), QuestionFactory(title="What does dropout do at test time?")
    client.force_login(member)
    data = {"target": "question", "id": question.pk, "reason": "duplicate", "original": first.pk}
    client.post(reverse("flag"), data)
    client.force_login(moderator)
    listing = client.get(reverse("admin:questions_flag_changelist")).content.decode()
    assert f'<a href="{first.get_absolute_url()}">#{first.pk} {first.title}</a>' in listing
    flag = Flag.objects.get()
    detail = client.get(reverse("admin:questions_flag_change", args=[flag.pk])).content.decode()
    assert first.title in detail


# --- Empty states --------------------------------------------------------------------


def test_empty_states_say_what_to_do(client, member):
    client.force_login(member)
    practice = client.get("/practice/").content.decode()
    assert "No reviews yet: practise a card to start your chart." in practice
    assert '<figure class="review-chart">' not in practice

    QuestionFactory(title="Why does dropout need scaling at inference time?")
    search = client.get("/", {"q": "transformers"}).content.decode()
    assert "No question matches “transformers”" in search
    assert '<a href="/">clear the search and filters</a>' in search
    assert f'<a href="{reverse("ask")}">Submit the question</a>' in search

    question = QuestionFactory()
    page = client.get(question.get_absolute_url()).content.decode()
    assert 'No answer yet. <a href="#your-answer">Be the first to write one</a>.' in page
    assert 'id="your-answer"' in page
    client.logout()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "to write the first." in page


def test_the_same_question_submitted_twice_is_one_question(client, member):
    client.force_login(member)
    data = {"title": "Why does dropout need scaling at inference time?", "body": ""}
    first = client.post(reverse("ask"), data)
    second = client.post(reverse("ask"), data)
    question = Question.objects.get(submitted_by=member)
    assert first["Location"] == second["Location"] == question.get_absolute_url()
    assert "You submitted this question a moment ago." in messages_of(second)


def test_stored_comments_get_their_links_from_rerender_markdown(member):
    """Stored HTML is rendered on save; rows from before linkify get their links
    from the command the README prescribes after a change to the markdown pipeline."""
    comment = CommentFactory(author=member, body="See https://arxiv.org/abs/1207.0580")
    old = "<p>See https://arxiv.org/abs/1207.0580</p>\n"  # as rendered before linkify
    Comment.objects.filter(pk=comment.pk).update(body_html=old)
    call_command("rerender_markdown", stdout=StringIO())
    comment.refresh_from_db()
    assert '<a href="https://arxiv.org/abs/1207.0580"' in comment.body_html
