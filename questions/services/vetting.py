"""Vetting: members' verdicts on answers, the verification state they add up
to, moderators' confirmations, and corrections of AI answers.

An answer's ``verification`` and its verdict counters are recomputed from the
Verdict rows of its current revision while the answer's row is locked, so
they stay exact when members judge at the same moment.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from notifications import events as notify
from questions import pagecache
from questions.models import (
    Answer,
    AnswerRevision,
    Status,
    Verdict,
    VerdictNoteStatus,
    VerdictValue,
    Verification,
)
from questions.topanswer import refresh_top_answer
from questions.vetting import state_for

from .content import _require_member
from .moderation import Kind, log, require_moderator

VerdictChoice = Literal["correct", "partly", "wrong", "clear"]
VERDICT_CHOICES = ("correct", "partly", "wrong", "clear")
NOTE_MAX = 1000


def _current_revision(answer: Answer) -> AnswerRevision:
    revision = answer.revisions.order_by("-number").first()
    if revision is None:  # every answer is created with its first revision
        raise ValidationError("This answer has no text to judge yet.")
    return revision


def _counts(answer_id: int, revision_id: int) -> dict[str, int]:
    """How many counting verdicts (not hidden) each value has on that revision."""
    rows = (
        Verdict.objects.filter(
            answer_id=answer_id,
            revision_id=revision_id,
            note_status=VerdictNoteStatus.PUBLISHED,
        )
        .values_list("value")
        .annotate(n=Count("pk"))
    )
    found = dict(rows)
    return {value: found.get(value, 0) for value in VerdictValue.values}


def _refresh(answer: Answer, revision: AnswerRevision, *, previous: str | None = None) -> Answer:
    """Recount the current revision's verdicts and store the state (and who
    confirmed it). The caller holds the answer's row lock and loaded ``answer``
    under it; ``previous`` is the stored state when the caller changed
    ``answer.verification`` itself. A moderator's confirmation fixes the state
    until the text changes; the counts still follow the verdicts."""
    previous = answer.verification if previous is None else previous
    counts = _counts(answer.pk, revision.pk)
    answer.verdicts_correct = counts["correct"]
    answer.verdicts_partly = counts["partly"]
    answer.verdicts_wrong = counts["wrong"]
    if answer.verification_confirmed_by_id is None:
        answer.verification = state_for(counts["correct"], counts["partly"], counts["wrong"])
    if answer.verification != previous:
        answer.verification_changed_at = timezone.now()
    Answer.objects.filter(pk=answer.pk).update(
        verification=answer.verification,
        verification_changed_at=answer.verification_changed_at,
        verification_confirmed_by=answer.verification_confirmed_by_id,
        verdicts_correct=answer.verdicts_correct,
        verdicts_partly=answer.verdicts_partly,
        verdicts_wrong=answer.verdicts_wrong,
    )
    return answer


def _locked(answer: Answer) -> Answer:
    return Answer.objects.select_for_update().select_related("question").get(pk=answer.pk)


@transaction.atomic
def give_verdict(
    *, user: User, answer: Answer, value: VerdictChoice, note: str = ""
) -> Verdict | None:
    """Judge the answer's current text, change that judgement, or clear it.

    "partly" and "wrong" need a note saying what is wrong. Returns the
    member's verdict, or None once cleared.
    """
    if value not in VERDICT_CHOICES:
        raise ValueError(f"Unknown verdict {value!r}: use correct, partly, wrong or clear.")
    _require_member(user)
    if answer.author_id is not None and answer.author_id == user.pk:
        raise PermissionDenied("You cannot judge your own answer.")
    note = note.strip()
    if value in (VerdictValue.PARTLY, VerdictValue.WRONG) and not note:
        raise ValidationError("Say in a few words what is wrong, so the next reader can check.")
    if len(note) > NOTE_MAX:
        raise ValidationError(f"Keep the note under {NOTE_MAX} characters.")
    # The answer's row first: concurrent verdicts (and a member's double click)
    # queue here, and the recount below sees every committed verdict.
    answer = _locked(answer)
    if answer.status != Status.PUBLISHED or answer.question.status != Status.PUBLISHED:
        raise PermissionDenied("This answer is not open for verdicts.")
    revision = _current_revision(answer)
    verdict = Verdict.objects.select_for_update().filter(user=user, answer=answer).first()
    if value == "clear":
        if verdict is not None:
            verdict.delete()
        verdict = None
    else:
        if verdict is None:
            verdict = Verdict(user=user, answer=answer)
        elif verdict.note_status == VerdictNoteStatus.HIDDEN:
            raise PermissionDenied("A moderator hid your verdict on this answer.")
        old_note = verdict.note
        verdict.revision = revision
        verdict.value = value
        verdict.note = note if value != VerdictValue.CORRECT or note else ""
        verdict.render()
        verdict.save()
        if verdict.note and verdict.note != old_note:
            notify.verdict_noted(verdict)
    _refresh(answer, revision)
    refresh_top_answer([answer.question_id])
    pagecache.question_changed(answer.question_id)
    return verdict


@transaction.atomic
def set_verification(*, moderator: User, answer: Answer, state: str, reason: str) -> Answer:
    """A moderator confirms or overrides the state of the answer's current text
    (``state`` one of the Verification values), or with ``state=""`` hands it
    back to the members' verdicts. Audit-logged with the reason."""
    require_moderator(moderator)
    if state and state not in Verification.values:
        raise ValidationError(f"Unknown state {state!r}.")
    if not reason.strip():
        raise ValidationError("Give the reason for the state: it is shown in the audit log.")
    answer = _locked(answer)
    revision = _current_revision(answer)
    previous = answer.verification
    if state:
        answer.verification = state
        answer.verification_confirmed_by = moderator
    else:
        answer.verification_confirmed_by = None
    _refresh(answer, revision, previous=previous)
    refresh_top_answer([answer.question_id])
    label = Verification(answer.verification).label.lower() if state else "members' verdicts"
    log(moderator=moderator, action=Kind.VERIFY, target=answer, reason=f"{label}: {reason}")
    pagecache.question_changed(answer.question_id)
    return answer


@transaction.atomic
def set_verdict_hidden(
    *, moderator: User, verdict: Verdict, hidden: bool, reason: str = ""
) -> Verdict:
    """Hide a verdict (its note disappears and it stops counting), or restore it."""
    require_moderator(moderator)
    answer = _locked(verdict.answer)
    verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
    status = VerdictNoteStatus.HIDDEN if hidden else VerdictNoteStatus.PUBLISHED
    if verdict.note_status == status:
        return verdict
    verdict.note_status = status
    verdict.save(update_fields=["note_status", "updated_at"])
    _refresh(answer, _current_revision(answer))
    refresh_top_answer([answer.question_id])
    log(
        moderator=moderator,
        action=Kind.HIDE if hidden else Kind.RESTORE,
        target=verdict,
        reason=reason,
    )
    pagecache.question_changed(answer.question_id)
    return verdict


def remove_verdicts(*, user: User) -> int:
    """Take back every verdict of a member who leaves, recounting each answer
    they judged (inside the caller's transaction). Returns how many went."""
    answer_ids = sorted(set(Verdict.objects.filter(user=user).values_list("answer_id", flat=True)))
    if not answer_ids:
        return 0
    answers = list(Answer.objects.select_for_update().filter(pk__in=answer_ids).order_by("pk"))
    removed, _ = Verdict.objects.filter(user=user).delete()
    for answer in answers:
        _refresh(answer, _current_revision(answer))
    refresh_top_answer({answer.question_id for answer in answers})
    pagecache.question_changed(*{answer.question_id for answer in answers})
    return removed
