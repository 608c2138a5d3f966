"""A member's reputation, defined here and nowhere else.

Reputation = the sum of the votes received on the member's published answers
(each answer's score is exactly its upvotes minus its downvotes)
+ ACCEPTED_PROPOSAL_CREDIT for each of their proposals that was accepted into
a published answer of a published question
+ VERDICT_CREDIT for each of their verdicts that agrees with the settled state
of the text it judged (correct on a verified answer, wrong on one judged wrong)
- VERDICT_PENALTY for each that contradicts a state a moderator confirmed.
Hidden content does not count; restoring it brings its share back.

``with_reputation`` annotates any user queryset (lists, leaderboards) in the
same single query; ``reputation`` answers for one member using it.
"""

from django.db.models import (
    Count,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from .models import User

ACCEPTED_PROPOSAL_CREDIT = 2
VERDICT_CREDIT = 1
VERDICT_PENALTY = 1


def _per_author(queryset: QuerySet, aggregate) -> Coalesce:
    """One aggregate per author as a correlated subquery, 0 when there is none.

    Subqueries rather than joins: joining answers and proposals together would
    multiply the rows and count each vote once per proposal.
    """
    totals = (
        queryset.filter(author=OuterRef("pk"))
        .order_by()
        .values("author")
        .annotate(total=aggregate)
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


def reputation_expression() -> Expression:
    """The reputation of the row's user, as an expression for annotations."""
    from questions.models import Answer, Proposal, ProposalStatus, Status

    # Hidden answers, and answers on hidden questions, no longer count: neither
    # the votes on them nor the proposals accepted into them.
    visible = Answer.objects.filter(status=Status.PUBLISHED, question__status=Status.PUBLISHED)
    votes = _per_author(visible, Sum("score"))
    accepted = _per_author(
        Proposal.objects.filter(status=ProposalStatus.ACCEPTED, answer__in=visible), Count("pk")
    )
    return (
        votes
        + accepted * Value(ACCEPTED_PROPOSAL_CREDIT)
        + _verdicts(visible, agreeing=True) * Value(VERDICT_CREDIT)
        - _verdicts(visible, agreeing=False) * Value(VERDICT_PENALTY)
    )


def _verdicts(visible: QuerySet, *, agreeing: bool) -> Coalesce:
    """How many of the row's user's counting verdicts, on the current text of a
    visible answer, agree with its state (or contradict a moderator's)."""
    from questions.models import Verdict, VerdictNoteStatus, VerdictValue, Verification

    correct_on = Q(value=VerdictValue.CORRECT, answer__verification=Verification.VERIFIED)
    wrong_on = Q(value=VerdictValue.WRONG, answer__verification=Verification.WRONG)
    if agreeing:
        matches = correct_on | wrong_on
    else:
        matches = Q(answer__verification_confirmed_by__isnull=False) & (
            Q(value=VerdictValue.CORRECT, answer__verification=Verification.WRONG)
            | Q(value=VerdictValue.WRONG, answer__verification=Verification.VERIFIED)
        )
    counted = (
        Verdict.objects.filter(
            matches,
            user=OuterRef("pk"),
            note_status=VerdictNoteStatus.PUBLISHED,
            answer__in=visible,
            revision__number=F("answer__revision_count"),
        )
        .order_by()
        .values("user")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_reputation(users: QuerySet[User]) -> QuerySet[User]:
    """Annotate each user with ``reputation`` (an int), in the same query."""
    return users.annotate(reputation=reputation_expression())


def reputation(user: User) -> int:
    """The member's reputation now (one query)."""
    if user.pk is None:
        return 0
    return (
        with_reputation(User.objects.filter(pk=user.pk)).values_list("reputation", flat=True).get()
    )
