"""Community actions: vote, comment, answer, propose, review, roll back, flag, ask.

Every action is a plain form post that redirects back to the page, and with
htmx a swap of a named partial of the page's own template. Writes go through
questions.services, which also checks permissions; this module turns their
results and refusals into responses: 400 bad input, 403 not allowed, 404
unknown or hidden, 409 conflict, 429 too many.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import member_required
from questions import diff, ratelimit, selectors, services
from questions.forms import (
    ANSWER_MAX,
    AnswerEditForm,
    AnswerForm,
    CommentForm,
    FlagForm,
    ProposalForm,
    QuestionForm,
)
from questions.markdown import render_markdown
from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Proposal,
    ProposalStatus,
    Question,
    Status,
)
from questions.services.community import is_published
from questions.views.reading import render_question_page

PAGE = "questions/question_detail.html"
VOTE_CHOICES = ("up", "down", "clear")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You cannot do that."


def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A readable 4xx page, or for htmx a message fragment, saying why nothing changed."""
    template = "questions/action_error.html"
    if request.htmx:
        template += "#message"
    return render(request, template, {"message": message, "status": status}, status=status)


GONE = "This is no longer here: it may have been removed or hidden by a moderator."


def _htmx_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """With htmx, a 404 or 403 raised inside an action is a short message fragment.

    htmx swaps 4xx responses (base.html's responseHandling), so the site's
    full error page would land inside a vote box or a comment list. Without
    htmx the exceptions go on to Django's 404 and 403 pages as usual.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if not request.htmx:
                raise
            return _refuse(request, 404, GONE)
        except PermissionDenied as exc:
            if not request.htmx:
                raise
            return _refuse(request, 403, _message(exc))

    return wrapper


def _over_limit(request: HttpRequest, action: str) -> str:
    try:
        ratelimit.check(request.user, action)
    except ratelimit.RateLimited as exc:
        return exc.message
    return ""


def _done(request: HttpRequest, message: str, to) -> HttpResponse:
    """After a successful action: a message, then the page (a full load for htmx)."""
    messages.success(request, message)
    url = to if isinstance(to, str) else to.get_absolute_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _published_answer(pk: int) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("question", "author"),
        pk=pk,
        status=Status.PUBLISHED,
        question__status=Status.PUBLISHED,
    )


def _published_question(pk: int) -> Question:
    return get_object_or_404(Question.objects.published(), pk=pk)


# --- Votes ---------------------------------------------------------------------------


@require_POST
@_htmx_errors
@member_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _published_answer(pk)
    choice = request.POST.get("value", "")
    error, status = "", 200
    if choice not in VOTE_CHOICES:
        error, status = "A vote is up, down or clear.", 400
    elif message := _over_limit(request, "vote"):
        error, status = message, 429
    else:
        try:
            answer = services.cast_vote(user=request.user, answer=answer, choice=choice)
        except PermissionDenied as exc:
            error, status = _message(exc), 403
    if not request.htmx:
        return _refuse(request, status, error) if error else redirect(answer)
    my_vote = selectors.votes_by(request.user, [answer.pk]).get(answer.pk, 0)
    context = {"answer": answer, "my_vote": my_vote, "vote_error": error}
    return render(request, PAGE + "#vote-box", context, status=status)


# --- Answers -------------------------------------------------------------------------


@require_POST
@_htmx_errors
@member_required
def answer_create(request: HttpRequest, pk: int) -> HttpResponse:
    question = _published_question(pk)
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        if message := _over_limit(request, "post"):
            form.add_error(None, message)
            status = 429
        else:
            body = form.cleaned_data["body"]
            try:
                answer = services.answer_question(user=request.user, question=question, body=body)
            except services.Repeated as exc:
                # A double click, or the form sent again: the answer is already
                # there, so show it rather than refuse what the member wanted done.
                messages.info(request, "You posted this answer a moment ago: here it is.")
                return _to_answer(request, exc.existing)
            messages.success(request, "Thank you: your answer is published.")
            return _to_answer(request, answer)
    if request.htmx:
        context = {"question": question, "answer_form": form}
        return render(request, PAGE + "#answer-form", context, status=status)
    return render_question_page(request, question, status=status, answer_form=form)


def _to_answer(request: HttpRequest, answer: Answer) -> HttpResponse:
    """The question page, opened on ``answer``.

    htmx's HX-Redirect only sets ``location.href``: to the same page with a new
    ``#answer-N`` the browser just scrolls, and the new answer is not there. The
    answer's own address is a new page load that lands on it.
    """
    if request.htmx:
        return HttpResponseClientRedirect(reverse("answer_permalink", args=[answer.pk]))
    return redirect(answer)


@require_GET
def answer_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """An answer's own address: its question's page, scrolled to it."""
    return redirect(_published_answer(pk))


def _too_long(text: str, limit: int = ANSWER_MAX) -> str:
    """The refusal for a text to preview past the limit of the field it previews."""
    length = len(text.strip())  # as the form counts it
    if length <= limit:
        return ""
    return (
        f"Too long to preview: at most {limit:,} characters, and this has {length:,}. "
        "Shorten it to see the preview (it could not be saved as it is either)."
    )


def _preview_refusal(request: HttpRequest, text: str) -> tuple[str, int]:
    """Why a preview of ``text`` is not made, with its status; ("", 200) if it may be."""
    if message := _too_long(text):
        return message, 400
    if message := _over_limit(request, "preview"):
        return message, 429
    return "", 200


@require_POST
@member_required
def preview(request: HttpRequest) -> HttpResponse:
    """Live preview of markdown, through the same pipeline as saved content."""
    body = request.POST.get("body", "")
    error, status = _preview_refusal(request, body)
    context = {"html": "" if error else render_markdown(body), "error": error}
    return render(request, "questions/preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
@_htmx_errors
@member_required
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _published_answer(pk)
    if not services.can_edit(request.user, answer.author_id):
        return _refuse(request, 403, "Only the author of this answer or a moderator can edit it.")
    form = AnswerEditForm(request.POST or None, initial={"body": answer.body})
    if form.is_valid():
        try:
            services.edit_answer(
                user=request.user,
                answer=answer,
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            return _done(request, "Your edit is saved as a new revision.", answer)
    status = 400 if form.is_bound else 200
    return render(
        request, "questions/answer_edit.html", {"answer": answer, "form": form}, status=status
    )


@require_GET
def answer_history(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _published_answer(pk)
    revisions = services.revision_history(answer)  # diffs stored, not computed per view
    revisions.reverse()
    return render(
        request,
        "questions/answer_history.html",
        {
            "answer": answer,
            "revisions": revisions,
            "can_roll_back": services.can_edit(request.user, answer.author_id),
        },
    )


@require_POST
@_htmx_errors
@member_required
def answer_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    answer = _published_answer(pk)
    try:
        number = int(request.POST.get("revision", ""))
    except ValueError:
        return _refuse(request, 400, "Choose a revision to roll back to.")
    try:
        services.rollback_answer(user=request.user, answer=answer, number=number)
    except PermissionDenied as exc:
        return _refuse(request, 403, _message(exc))
    except ValidationError as exc:
        return _refuse(request, 400, _message(exc))
    return _done(request, f"Rolled back to revision {number}.", answer)


@require_http_methods(["GET", "POST"])
@_htmx_errors
@member_required
def answer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The author deletes their answer: a page that asks first (GET), then the post."""
    answer = _published_answer(pk)
    if answer.author_id != request.user.pk:
        return _refuse(request, 403, "Only the author of this answer can delete it.")
    refusal, status = services.deletion_refusal(answer), 200
    if request.method == "POST":
        try:
            services.delete_answer(user=request.user, answer=answer)
        except PermissionDenied as exc:
            return _refuse(request, 403, _message(exc))
        except ValidationError as exc:
            refusal, status = _message(exc), 409
        else:
            text = "Your answer was deleted. A moderator can restore it if you ask."
            return _done(request, text, answer.question)
    context = {"answer": answer, "refusal": refusal}
    return render(request, "questions/answer_delete.html", context, status=status)


# --- Proposals -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@_htmx_errors
@member_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a better version: edit the current text, give a reason, see the diff, send."""
    answer = _published_answer(pk)
    if answer.author_id == request.user.pk:
        return _refuse(request, 403, "This is your answer: edit it instead of proposing.")
    form = ProposalForm(request.POST or None, initial={"body": answer.body}, current=answer.body)
    context = {"answer": answer, "form": form}
    if request.method == "POST" and "preview" in request.POST:
        # Show the diff before sending; with htmx only the diff panel is redrawn.
        status = _proposal_diff(request, answer, context)
        template = "questions/propose.html" + ("#diff" if request.htmx else "")
        return render(request, template, context, status=status)
    status = 200
    if form.is_valid():
        if message := _over_limit(request, "post"):
            form.add_error(None, message)
            status = 429
        else:
            try:
                services.propose_answer(
                    user=request.user,
                    answer=answer,
                    body=form.cleaned_data["body"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _done(
                    request,
                    "Proposal sent. The answer's author or a moderator will review it.",
                    answer,
                )
    if form.is_bound:
        status = max(status, 400)
        _proposal_diff(request, answer, context)
    template = "questions/propose.html" + ("#proposal-form" if request.htmx else "")
    return render(request, template, context, status=status)


def _proposal_diff(request: HttpRequest, answer: Answer, context: dict) -> int:
    """Put the diff of the posted text in ``context``, or why it is not shown; the status."""
    body = request.POST.get("body", "")
    error, status = _preview_refusal(request, body)
    if error:
        context["diff_error"] = error
    else:
        context["diff"] = diff.compare(answer.body, body)
    return status


def _can_view_proposal(user, proposal: Proposal) -> bool:
    """Accepted proposals are public (they are part of the answer's history).

    Pending, rejected and withdrawn ones are seen by the proposer, the people
    who can review them and moderators. On hidden content, only moderators.
    """
    if user.is_authenticated and user.is_moderator:
        return True
    answer = proposal.answer
    if answer.status != Status.PUBLISHED or answer.question.status != Status.PUBLISHED:
        return False
    if proposal.status == ProposalStatus.ACCEPTED:
        return True
    is_proposer = user.is_authenticated and proposal.author_id == user.pk
    return is_proposer or services.can_review(user, answer)


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("answer__question", "author", "base_revision"), pk=pk
    )
    if not _can_view_proposal(request.user, proposal):
        # 404 rather than 403, so that a private proposal's existence does not leak.
        raise Http404("No such proposal.")
    return _proposal_page(request, proposal)


def _proposal_page(
    request: HttpRequest, proposal: Proposal, *, error: str = "", status: int = 200
) -> HttpResponse:
    answer = proposal.answer
    current = services.current_revision(answer)
    conflict = bool(current and proposal.base_revision_id != current.pk)
    context = {
        "proposal": proposal,
        "answer": answer,
        "current": current,
        "conflict": conflict,
        "diff": diff.compare(answer.body, proposal.body),
        "base_diff": (
            diff.compare(proposal.base_revision.body, answer.body)
            if conflict and proposal.base_revision and proposal.status == ProposalStatus.PENDING
            else ""
        ),
        "can_review": services.can_review(request.user, answer),
        "error": error,
    }
    return render(request, "questions/proposal_detail.html", context, status=status)


def _proposal_for_action(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("answer__question", "answer__author", "author"),
        pk=pk,
        answer__status=Status.PUBLISHED,
        answer__question__status=Status.PUBLISHED,
    )


def _review(request: HttpRequest, pk: int, service, done: str, **options) -> HttpResponse:
    """Accept, reject or withdraw a proposal, explaining any refusal on its page."""
    proposal = _proposal_for_action(pk)
    try:
        service(user=request.user, proposal=proposal, **options)
    except PermissionDenied as exc:
        return _refuse(request, 403, _message(exc))
    except services.Conflict as exc:
        if request.htmx:
            return _refuse(request, 409, str(exc))
        return _proposal_page(request, proposal, error=str(exc), status=409)
    except ValidationError as exc:
        if request.htmx:
            return _refuse(request, 400, _message(exc))
        return _proposal_page(request, proposal, error=_message(exc), status=400)
    return _done(request, done, proposal.answer)


@require_POST
@_htmx_errors
@member_required
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    seen = request.POST.get("seen_revision", "")
    return _review(
        request,
        pk,
        services.accept_proposal,
        "Proposal accepted: it is now the answer's text.",
        seen_revision=int(seen) if seen.isdigit() else None,
    )


@require_POST
@_htmx_errors
@member_required
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, services.reject_proposal, "Proposal rejected.")


@require_POST
@_htmx_errors
@member_required
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, services.withdraw_proposal, "Your proposal is withdrawn.")


# --- Comments ------------------------------------------------------------------------


def _comments_fragment(request, answer, *, form=None, status=200, error=""):
    context = {
        "answer": answer,
        "comments": list(selectors.visible_comments().filter(answer=answer)),
        "show_all_comments": True,
        "comment_form": form or CommentForm(),
        "comment_error": error,
    }
    return render(request, PAGE + "#answer-comments", context, status=status)


@require_http_methods(["GET", "POST"])
@_htmx_errors
def answer_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: every comment of an answer (htmx "show all"); POST: add one."""
    answer = _published_answer(pk)
    if request.method == "GET":
        if request.htmx:
            return _comments_fragment(request, answer)
        url = f"{answer.question.get_absolute_url()}?comments=all#answer-{answer.pk}"
        return redirect(url)
    return _add_comment(request, answer=answer)


@require_POST
@_htmx_errors
@member_required
def question_comments(request: HttpRequest, pk: int) -> HttpResponse:
    return _add_comment(request, question=_published_question(pk))


@member_required
def _add_comment(request, *, answer: Answer | None = None, question: Question | None = None):
    """Add a comment to an answer or a question; members only."""
    form = CommentForm(request.POST)
    if not form.is_valid():
        status, error = 400, " ".join(form.errors.get("body", ["Write a comment first."]))
    elif message := _over_limit(request, "comment"):
        status, error = 429, message
    else:
        try:
            comment = services.add_comment(
                author=request.user,
                body=form.cleaned_data["body"],
                answer=answer,
                question=question,
            )
            done = "Comment added."
        except services.Repeated as exc:  # a double click: show the one already there
            comment, done = exc.existing, "You added this comment a moment ago."
        if request.htmx and answer is not None:
            return _comments_fragment(request, answer)
        return _done(request, done, comment)
    if request.htmx and answer is not None:
        return _comments_fragment(request, answer, form=form, status=status, error=error)
    return _refuse(request, status, error)


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    """A published comment; under a hidden answer or question, only moderators reach it."""
    comment = get_object_or_404(
        Comment.objects.select_related("author", "answer__question", "question"),
        pk=pk,
        status=CommentStatus.PUBLISHED,
    )
    if not (request.user.is_moderator or is_published(comment)):
        raise Http404("This comment is on a page that is no longer published.")
    return comment


@require_http_methods(["GET", "POST"])
@_htmx_errors
@member_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    if not services.can_edit(request.user, comment.author_id):
        return _refuse(request, 403, "Only the author of this comment or a moderator can edit it.")
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if form.is_valid():
        try:
            services.edit_comment(
                user=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except PermissionDenied as exc:
            return _refuse(request, 403, _message(exc))
        return _done(request, "Comment updated.", comment.get_absolute_url())
    status = 400 if form.is_bound else 200
    template = "questions/comment_edit.html" + ("#comment-form" if request.htmx else "")
    return render(request, template, {"comment": comment, "form": form}, status=status)


@require_GET
@member_required
def comment_delete_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Without JavaScript, "delete" asks here first (with it, the browser's confirm does)."""
    comment = _own_comment(request, pk)
    if not services.can_edit(request.user, comment.author_id):
        return _refuse(
            request, 403, "Only the author of this comment or a moderator can delete it."
        )
    return render(request, "questions/comment_delete.html", {"comment": comment})


@require_POST
@_htmx_errors
@member_required
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    try:
        comment = services.delete_comment(user=request.user, comment=comment)
    except PermissionDenied as exc:
        return _refuse(request, 403, _message(exc))
    if request.htmx:
        # In place: the comment becomes "comment deleted" where it was. A redirect
        # to the same page's #comment-N would only scroll, not reload.
        return render(request, "questions/includes/comment.html", {"comment": comment})
    return _done(request, "Comment deleted.", comment.get_absolute_url())


# --- Flags ---------------------------------------------------------------------------


def _flag_target(kind: str, pk: int):
    match kind:
        case "question":
            return get_object_or_404(Question.objects.published(), pk=pk)
        case "answer":
            return _published_answer(pk)
        case "comment":
            comment = get_object_or_404(
                Comment.objects.select_related("answer__question", "question"),
                pk=pk,
                status=CommentStatus.PUBLISHED,
            )
            if not is_published(comment):
                raise Http404("This comment is on a page that is no longer published.")
            return comment
    raise ValueError(kind)


@require_http_methods(["GET", "POST"])
@_htmx_errors
@member_required
def flag(request: HttpRequest) -> HttpResponse:
    """Report a question, answer or comment: a form (GET) and its post."""
    params = request.POST if request.method == "POST" else request.GET
    kind, raw_id = params.get("target", ""), params.get("id", "")
    if kind not in FlagForm.TARGETS or not raw_id.isdigit():
        return _refuse(request, 400, "Say what to flag: a question, an answer or a comment, by id.")
    target = _flag_target(kind, int(raw_id))
    form = FlagForm(request.POST or None, initial={"target": kind, "id": raw_id}, flagged=target)
    if form.is_valid():
        if message := _over_limit(request, "flag"):
            return _refuse(request, 429, message)
        try:
            services.flag_content(
                user=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                duplicate_of=form.cleaned_data["duplicate_of"],
            )
        except PermissionDenied as exc:
            return _refuse(request, 403, _message(exc))
        except ValidationError as exc:
            return _refuse(request, 409, _message(exc))
        if request.htmx:
            return render(request, "questions/flag.html#thanks", {"target": target})
        return _done(request, "Thank you: a moderator will look at it.", target)
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
    return render(request, template, context, status=status)


# --- Questions -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def ask(request: HttpRequest) -> HttpResponse:
    form = QuestionForm(request.POST or None)
    status = 200
    if form.is_valid():
        if message := _over_limit(request, "question"):
            form.add_error(None, message)
            status = 429
        else:
            try:
                question = services.submit_question(user=request.user, **form.cleaned_data)
            except services.Repeated as exc:
                return _done(request, "You submitted this question a moment ago.", exc.existing)
            return _done(
                request,
                "Thank you: your question is waiting for a moderator and will appear once "
                "published.",
                question,
            )
    elif form.is_bound:
        status = 400
    similar = selectors.similar_questions(form.data.get("title", "")) if form.is_bound else []
    return render(request, "questions/ask.html", {"form": form, "similar": similar}, status=status)


@require_GET
def similar_questions(request: HttpRequest) -> HttpResponse:
    """While a member types a title: published questions that look the same."""
    similar = selectors.similar_questions(request.GET.get("title", "")[:300])
    if request.htmx:
        return render(request, "questions/ask.html#similar", {"similar": similar})
    return redirect(reverse("ask"))
