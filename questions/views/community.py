"""Comments, flags and new questions.

Every action is a plain form post that redirects back to the page, and with
htmx a swap of a named partial of the page's own template. Writes go through
questions.services, which also checks permissions; ``questions.errors``
answers their refusals: 400 bad input, 403 not allowed, 404 unknown or hidden,
409 conflict, 429 too many. Votes and answers are in ``answers``, proposals in
``proposals``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import member_required
from accounts.throttle import client_ip
from questions import permissions, ratelimit, selectors, services
from questions.errors import over_limit, rate_limited, refuse, service_errors
from questions.forms import CommentForm, FlagForm, QuestionForm
from questions.models import Answer, Comment, CommentStatus, Question
from questions.views.actions import done, published_answer, published_question
from questions.views.question_page import ANSWER_TEMPLATE, login_url, mark_editable

# --- Comments ------------------------------------------------------------------------


def _comments_fragment(request, answer, *, form=None, status=200, error=""):
    context = {
        "answer": answer,
        "comments": mark_editable(request.user, selectors.visible_comments().filter(answer=answer)),
        "member": request.user.is_authenticated,
        "login_url": login_url(answer.question),
        "comment_form": form or CommentForm(),
        "comment_error": error,
    }
    return render(request, ANSWER_TEMPLATE + "#answer-comments", context, status=status)


def _comment_refused(request: HttpRequest, message: str, status: int, pk: int) -> HttpResponse:
    """With htmx a refused comment is said above the answer's comments, the text kept."""
    form = CommentForm(request.POST)
    form.is_valid()  # bound and cleaned, so the text shows as typed
    answer = published_answer(pk)
    return _comments_fragment(request, answer, form=form, status=status, error=message)


@require_http_methods(["GET", "POST"])
@service_errors(inline=_comment_refused)
def answer_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: every comment of an answer (htmx "show all"); POST: add one."""
    answer = published_answer(pk)
    if request.method == "GET":
        if request.htmx:
            return _comments_fragment(request, answer)
        url = f"{answer.question.get_absolute_url()}?comments=all#answer-{answer.pk}"
        return redirect(url)
    return _add_comment(request, answer=answer)


@require_POST
@service_errors
@member_required
def question_comments(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_comment(request, question=published_question(pk))


@member_required
@rate_limited("comment")
def _add_comment(request, *, answer: Answer | None = None, question: Question | None = None):
    """Add a comment to an answer or a question; members only."""
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ValidationError(form.errors.get("body", ["Write a comment first."]))
    try:
        comment = services.add_comment(
            author=request.user,
            body=form.cleaned_data["body"],
            answer=answer,
            question=question,
        )
        message = "Comment added."
    except services.Repeated as exc:  # a double click: show the one already there
        comment, message = exc.existing, "You added this comment a moment ago."
    if request.htmx and answer is not None:
        return _comments_fragment(request, answer)
    return done(request, message, comment)


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    """A published comment; under a hidden answer or question, only moderators reach it."""
    comment = get_object_or_404(
        Comment.objects.select_related("author", "answer__question", "question"),
        pk=pk,
        status=CommentStatus.PUBLISHED,
    )
    if not permissions.can_reach_comment(request.user, comment):
        raise Http404("This comment is on a page that is no longer published.")
    return comment


def _require_editable(request: HttpRequest, comment: Comment, doing: str) -> None:
    if not permissions.can_edit(request.user, comment.author_id):
        raise PermissionDenied(f"Only the author of this comment or a moderator can {doing} it.")


@require_http_methods(["GET", "POST"])
@service_errors
@member_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    _require_editable(request, comment, "edit")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if form.is_valid():
        services.edit_comment(user=request.user, comment=comment, body=form.cleaned_data["body"])
        return done(request, "Comment updated.", comment.get_absolute_url())
    status = 400 if form.is_bound else 200
    template = "questions/comment_edit.html" + ("#comment-form" if request.htmx else "")
    return render(request, template, {"comment": comment, "form": form}, status=status)


@require_GET
@service_errors
@member_required
def comment_delete_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Without JavaScript, "delete" asks here first (with it, the browser's confirm does)."""
    comment = _own_comment(request, pk)
    _require_editable(request, comment, "delete")
    return render(request, "questions/comment_delete.html", {"comment": comment})


@require_POST
@service_errors
@member_required
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = services.delete_comment(user=request.user, comment=_own_comment(request, pk))
    if request.htmx:
        # In place: the comment becomes "comment deleted" where it was. A redirect
        # to the same page's #comment-N would only scroll, not reload.
        return render(request, "questions/includes/comment.html", {"comment": comment})
    return done(request, "Comment deleted.", comment.get_absolute_url())


# --- Flags ---------------------------------------------------------------------------


def _flag_target(kind: str, pk: int):
    match kind:
        case "question":
            return published_question(pk)
        case "answer":
            return published_answer(pk)
        case "comment":
            comment = get_object_or_404(
                Comment.objects.select_related("answer__question", "question"),
                pk=pk,
                status=CommentStatus.PUBLISHED,
            )
            if not permissions.is_published(comment):
                raise Http404("This comment is on a page that is no longer published.")
            return comment
    raise ValueError(kind)


@require_http_methods(["GET", "POST"])
@service_errors
@member_required
@rate_limited("flag")
def flag(request: HttpRequest) -> HttpResponse:
    """Report a question, answer or comment: a form (GET) and its post."""
    params = request.POST if request.method == "POST" else request.GET
    kind, raw_id = params.get("target", ""), params.get("id", "")
    if kind not in FlagForm.TARGETS or not raw_id.isdigit():
        raise ValidationError("Say what to flag: a question, an answer or a comment, by id.")
    target = _flag_target(kind, int(raw_id))
    form = FlagForm(request.POST or None, initial={"target": kind, "id": raw_id}, flagged=target)
    if form.is_valid():
        try:
            services.flag_content(
                user=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                duplicate_of=form.cleaned_data["duplicate_of"],
            )
        except ValidationError as exc:  # flagged already: a conflict, not a mistake
            return refuse(request, 409, " ".join(exc.messages))
        if request.htmx:
            return render(request, "questions/flag.html#thanks", {"target": target})
        return done(request, "Thank you: a moderator will look at it.", target)
    template = "questions/flag.html" + ("#flag-form" if request.htmx else "")
    status = 400 if form.is_bound else 200
    # The question the flagged item is on, named on the form.
    if kind == "question":
        on_question = target
    elif kind == "answer" or not target.answer_id:
        on_question = target.question
    else:
        on_question = target.answer.question
    context = {"form": form, "target": target, "kind": kind, "on_question": on_question}
    if kind == "question":  # the original, picked among the similar questions
        similar = selectors.similar_questions(target.title, target.body, limit=6)
        context["similar"] = [item for item in similar if item.question.pk != target.pk][:5]
    return render(request, template, context, status=status)


# --- Questions -----------------------------------------------------------------------


# The longest title and body the similar-questions look-up reads (the form's own limits).
TITLE_LIMIT = 300
BODY_LIMIT = 5000


@require_http_methods(["GET", "POST"])
@member_required
def ask(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    status = 200
    similar = []
    if form.is_bound:
        similar = selectors.similar_questions(
            form.data.get("title", "")[:TITLE_LIMIT], form.data.get("body", "")[:BODY_LIMIT]
        )
    duplicate = any(item.likely_duplicate for item in similar) and not request.POST.get("confirm")
    # A likely duplicate is shown again with the list and a box to tick.
    confirm = form.is_valid() and duplicate
    if form.is_valid() and not confirm:
        if message := over_limit(request, "question"):
            form.add_error(None, message)
            status = 429
        else:
            try:
                question = services.submit_question(user=request.user, **form.cleaned_data)
            except services.Repeated as exc:
                return done(request, "You submitted this question a moment ago.", exc.existing)
            return done(
                request,
                "Thank you: your question is waiting for a moderator and will appear once "
                "published.",
                question,
            )
    elif form.is_bound and not confirm:
        status = 400
    context = {"form": form, "similar": similar, "confirm": confirm}
    return render(request, "questions/ask.html", context, status=status)


@require_GET
@service_errors
def similar_questions(request: HttpRequest) -> HttpResponse:
    """While a member types a title: published questions that look the same, as
    an HTML fragment (the ask form's list), each with how similar it is."""
    title, body = request.GET.get("title", ""), request.GET.get("body", "")
    if len(title) > TITLE_LIMIT or len(body) > BODY_LIMIT:
        raise ValidationError(
            f"A title has at most {TITLE_LIMIT} characters and a body at most {BODY_LIMIT}."
        )
    who = str(request.user.pk) if request.user.is_authenticated else client_ip(request)
    ratelimit.hit("similar", who)
    similar = selectors.similar_questions(title, body)
    return render(request, "questions/ask.html#similar", {"similar": similar})
