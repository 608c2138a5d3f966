"""Study writes: bookmarks, notes, practice reviews and interview reports.

Keyword-only, atomic, permission checked inside, like the site's other services.
"""

from datetime import datetime

import fsrs
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from questions import pagecache
from questions.models import Question, Status, Topic

from . import cardstate, companies, empirical
from .models import Bookmark, InterviewLevel, InterviewReport, Review
from .models.plans import DeckOptions
from .scheduling import card_token, scheduler_for, to_fsrs_card, utc_now

NOTE_MAX = Bookmark._meta.get_field("note").max_length
TYPED_MAX = Review._meta.get_field("typed_answer").max_length
COMPANY_MAX = InterviewReport._meta.get_field("company").max_length
FIRST_REPORT_YEAR = 1990


class StudyError(ValueError):
    """A request the member can fix: the message says how."""


class AlreadyReported(StudyError):
    pass


# --- Writes ---------------------------------------------------------------------------


def _lock_member(user: User) -> None:
    """Serialise one member's bookmark writes, so counters move exactly once."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


@transaction.atomic
def toggle_bookmark(
    *, user: User, question: Question, now: datetime | None = None
) -> Bookmark | None:
    """Bookmark the question, or remove the bookmark; returns the new bookmark or None.

    Removing keeps the note and the practice history, out of sight: bookmarking
    the question again brings them back. Only a published question can be
    bookmarked; a bookmark on a question hidden since can still be removed.
    ``question.bookmark_count`` is refreshed.
    """
    _lock_member(user)
    existing = Bookmark.all_objects.filter(user=user, question=question).first()
    if existing is not None and existing.removed_at is None:
        existing.removed_at = utc_now(now)
        existing.save(update_fields=["removed_at"])
        Question.objects.filter(pk=question.pk).update(
            bookmark_count=Greatest(F("bookmark_count") - 1, 0)
        )
        result = None
    else:
        if question.status != Status.PUBLISHED:
            raise PermissionDenied("Only published questions can be bookmarked.")
        if existing is not None:
            existing.removed_at = None
            existing.save(update_fields=["removed_at"])
            result = existing
        else:
            result = Bookmark.objects.create(user=user, question=question)
        Question.objects.filter(pk=question.pk).update(bookmark_count=F("bookmark_count") + 1)
    question.refresh_from_db(fields=["bookmark_count"])
    # The lists' bookmark counts follow within their own timeout.
    pagecache.question_page_changed(question.pk)
    return result


def removed_bookmark(*, user: User, question: Question) -> Bookmark | None:
    """The member's removed bookmark of the question (its note waits there), if any."""
    return Bookmark.all_objects.filter(
        user=user, question=question, removed_at__isnull=False
    ).first()


@transaction.atomic
def bookmark_topic(*, user: User, topic: Topic) -> int:
    """Bookmark every published question of a topic; returns how many were new.

    Questions the member had bookmarked and removed come back with their note
    and practice history.
    """
    _lock_member(user)
    wanted = set(Question.objects.published().filter(topics=topic).values_list("pk", flat=True))
    return len(bookmark_questions(user=user, wanted=wanted))


def bookmark_questions(*, user: User, wanted: set[int]) -> list[int]:
    """Bookmark these (published) questions, restoring removed bookmarks; returns
    the ids newly bookmarked. The caller holds the member's lock (``_lock_member``)."""
    rows = dict(
        Bookmark.all_objects.filter(user=user, question_id__in=wanted).values_list(
            "question_id", "removed_at"
        )
    )
    added = sorted(pk for pk in wanted if pk not in rows or rows[pk] is not None)
    restored = [pk for pk in added if pk in rows]
    Bookmark.all_objects.filter(user=user, question_id__in=restored).update(removed_at=None)
    Bookmark.objects.bulk_create(
        [Bookmark(user=user, question_id=pk) for pk in added if pk not in rows]
    )
    Question.objects.filter(pk__in=added).update(bookmark_count=F("bookmark_count") + 1)
    pagecache.question_page_changed(*added)
    return added


def save_note(*, user: User, bookmark: Bookmark, note: str) -> Bookmark:
    """Store the member's private note and its rendered HTML."""
    if bookmark.user_id != user.pk:
        raise PermissionDenied("This is not your bookmark.")
    note = note.replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise StudyError(f"A note can be at most {NOTE_MAX} characters long.")
    bookmark.note = note
    bookmark.render()
    bookmark.save(update_fields=["note", "note_html"])
    return bookmark


@transaction.atomic
def review(
    *,
    user: User,
    bookmark: Bookmark,
    rating: int,
    now: datetime | None = None,
    duration_ms: int | None = None,
    seen: str | None = None,
    typed_answer: str = "",
) -> Review | None:
    """Rate a practice card 1 (again) to 4 (easy) and schedule it with FSRS.

    Stores the new card state on the bookmark and a Review row. ``seen`` is the
    ``card_token`` the form was shown with: when the card was rated since (a
    double submit, a second tab), nothing changes and None is returned.
    The review keeps the card as it was (``prior_card``, for undo) and the
    member's ``typed_answer``; a first review counts towards the question's
    empirical difficulty.
    """
    typed_answer = typed_answer.replace("\r\n", "\n").strip()
    if len(typed_answer) > TYPED_MAX:
        raise StudyError(f"A typed answer can be at most {TYPED_MAX} characters long.")
    if rating not in fsrs.Rating._value2member_map_:
        raise StudyError("A rating is 1 (again), 2 (hard), 3 (good) or 4 (easy).")
    now = utc_now(now)
    bookmark = Bookmark.objects.select_for_update().get(pk=bookmark.pk)
    if bookmark.user_id != user.pk:
        raise PermissionDenied("This is not your bookmark.")
    if seen is not None and seen != card_token(bookmark):
        return None
    prior = cardstate.snapshot(bookmark)
    retention = DeckOptions.for_member(user).desired_retention  # the member's deck options
    card, _log = scheduler_for(retention).review_card(
        to_fsrs_card(bookmark, now),
        fsrs.Rating(rating),
        review_datetime=now,
        review_duration=duration_ms,
    )
    bookmark.state = int(card.state)
    bookmark.step = card.step
    bookmark.stability = card.stability
    bookmark.difficulty = card.difficulty
    bookmark.due = card.due
    bookmark.last_review = card.last_review
    bookmark.last_rating = rating
    bookmark.save(update_fields=cardstate.CARD_FIELDS)
    if prior["state"] is None:
        empirical.count_first_review(question_id=bookmark.question_id, rating=rating)
    return Review.objects.create(
        bookmark=bookmark,
        rating=rating,
        reviewed_at=now,
        due_after=card.due,
        duration_ms=duration_ms,
        typed_answer=typed_answer,
        prior_card=prior,
    )


@transaction.atomic
def report_asked(
    *,
    user: User,
    question: Question,
    year: int | None = None,
    company: str = "",
    level: str = "",
    now: datetime | None = None,
) -> InterviewReport:
    """Record that the member was asked this question in an interview.

    One report per member, question and year (the year defaults to this one);
    a repeat raises AlreadyReported. The company name counts for the company it
    stands for (``study.companies``). A member without a verified e-mail address
    has the report held (``is_held``): it counts nowhere until a moderator
    approves it.
    """
    if question.status != Status.PUBLISHED:
        raise PermissionDenied("Only published questions can be reported.")
    this_year = timezone.localtime(utc_now(now)).year
    year = year or this_year
    if not FIRST_REPORT_YEAR <= year <= this_year:
        raise StudyError(
            f"The year of the interview is between {FIRST_REPORT_YEAR} and {this_year}."
        )
    company = " ".join(company.split())
    if len(company) > COMPANY_MAX:
        raise StudyError(f"A company name is at most {COMPANY_MAX} characters long.")
    if level and level not in InterviewLevel.values:
        raise StudyError("Choose a level from the list, or leave it empty.")
    if InterviewReport.objects.filter(user=user, question=question, year=year).exists():
        raise AlreadyReported(f"You already reported this question for {year}. Thank you!")
    try:
        with transaction.atomic():
            report = InterviewReport.objects.create(
                user=user,
                question=question,
                year=year,
                company=company,
                company_ref=companies.resolve_company(company),
                level=level,
                is_held=not has_verified_email(user),
            )
    except IntegrityError as exc:  # the same report, sent twice at once
        raise AlreadyReported(f"You already reported this question for {year}. Thank you!") from exc
    pagecache.question_changed(question.pk)
    return report


def has_verified_email(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, verified=True).exists()


@transaction.atomic
def approve_reports(*, moderator: User, report_ids, reason: str = "") -> list[InterviewReport]:
    """Let held reports count, with one audit record each; returns those approved."""
    from questions.models import ModerationAction
    from questions.services import moderation

    moderation.require_moderator(moderator)
    approved = list(
        InterviewReport.objects.filter(pk__in=report_ids, is_held=True).select_for_update(
            of=("self",)
        )
    )
    if not approved:
        return []
    InterviewReport.objects.filter(pk__in=[r.pk for r in approved]).update(is_held=False)
    for report in approved:
        report.is_held = False
        moderation.log(
            moderator=moderator, action=ModerationAction.Kind.PUBLISH, target=report, reason=reason
        )
    pagecache.question_changed(*{report.question_id for report in approved})
    return approved


@transaction.atomic
def set_reports_hidden(
    *, moderator: User, report_ids, hidden: bool, reason: str = ""
) -> list[InterviewReport]:
    """Hide (spam, abuse: it stops counting) or show again the interview reports
    that are not so yet, with one audit record each; returns those changed."""
    from questions.models import ModerationAction
    from questions.services import moderation

    moderation.require_moderator(moderator)
    changed = list(
        InterviewReport.objects.filter(pk__in=report_ids)
        .exclude(is_hidden=hidden)
        .select_related("question")
        .select_for_update(of=("self",))
    )
    if not changed:
        return []
    InterviewReport.objects.filter(pk__in=[r.pk for r in changed]).update(is_hidden=hidden)
    kind = ModerationAction.Kind.HIDE if hidden else ModerationAction.Kind.RESTORE
    for report in changed:
        report.is_hidden = hidden
        moderation.log(moderator=moderator, action=kind, target=report, reason=reason)
    # The counts show on the question page and in the lists' "most asked" order.
    pagecache.question_changed(*{report.question_id for report in changed})
    return changed
