"""Proposals: send a better version of an answer, see one, accept, reject or withdraw it.

Writes go through questions.services, which also checks permissions;
``questions.errors`` answers their refusals, except a review refused on a
proposal's own page, which shows the page again with the reason.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import member_required
from questions import diff, permissions, services
from questions.errors import message_of, over_limit, service_errors
from questions.forms import ProposalForm
from questions.models import Answer, Proposal, ProposalStatus, Status
from questions.views.actions import done, published_answer
from questions.views.answers import preview_refusal


@require_http_methods(["GET", "POST"])
@service_errors
@member_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a better version: edit the current text, give a reason, see the diff, send."""
    answer = published_answer(pk)
    if permissions.is_owner(request.user, answer.author_id):
        raise PermissionDenied("This is your answer: edit it instead of proposing.")
    form = ProposalForm(request.POST or None, initial={"body": answer.body}, current=answer.body)
    context = {"answer": answer, "form": form}
    if request.method == "POST" and "preview" in request.POST:
        # Show the diff before sending; with htmx only the diff panel is redrawn.
        status = _proposal_diff(request, answer, context)
        template = "questions/propose.html" + ("#diff" if request.htmx else "")
        return render(request, template, context, status=status)
    status = 200
    if form.is_valid():
        # The limit is told inside the form, which keeps what the member typed.
        if message := over_limit(request, "post"):
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
                return done(
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
    error, status = preview_refusal(request, body)
    if error:
        context["diff_error"] = error
    else:
        context["diff"] = diff.compare(answer.body, body)
    return status


@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("answer__question", "author", "base_revision"), pk=pk
    )
    if not permissions.can_view_proposal(request.user, proposal):
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
        "can_review": permissions.can_review(request.user, answer),
        "is_proposer": permissions.is_owner(request.user, proposal.author_id),
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


def _review(request: HttpRequest, pk: int, service, done_message: str, **options):
    """Accept, reject or withdraw a proposal; a conflict or a mistake is explained
    on the proposal's page (with htmx, and a refusal, by ``service_errors``)."""
    proposal = _proposal_for_action(pk)
    try:
        service(user=request.user, proposal=proposal, **options)
    except (services.Conflict, ValidationError) as exc:
        if request.htmx:
            raise
        status = 409 if isinstance(exc, services.Conflict) else 400
        return _proposal_page(request, proposal, error=message_of(exc), status=status)
    return done(request, done_message, proposal.answer)


@require_POST
@service_errors
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
@service_errors
@member_required
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _review(request, pk, services.reject_proposal, "Proposal rejected.", reason=reason)


@require_POST
@service_errors
@member_required
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, services.withdraw_proposal, "Your proposal is withdrawn.")
