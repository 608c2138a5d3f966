"""Members: the moderator role, suspensions, taking back votes, deleting an account.

``accounts`` is the app everything else depends on, so it imports nothing from
``questions`` when it loads: the content it touches (votes, bookmarks, the
audit log, cached pages) is reached through ``questions``' public functions,
imported where they are called.
"""

from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from . import usercache
from .adapters import DELETED_USERNAME_PREFIX
from .models import MODERATORS_GROUP, User
from .permissions import grant_moderator_permissions


def moderators_group() -> Group:
    """The Moderators group, created by a migration; recreated if it went missing."""
    group, created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    if created:
        grant_moderator_permissions(group, Permission)
    return group


@transaction.atomic
def make_moderator(*, user: User) -> None:
    """Give a member the moderator role: staff status plus the Moderators group.

    The group and its permissions are created by a migration; a moderator is
    never a superuser.
    """
    group = moderators_group()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(group)


@transaction.atomic
def remove_votes(*, user: User) -> int:
    """Take back every vote the member cast, keeping each answer's counters exact.

    The member's vote rows are locked first, then each answer they voted on
    loses exactly that vote with F() updates (so votes cast by others at the
    same moment are kept), then the rows go. Returns the number of votes removed.
    """
    from questions import pagecache
    from questions.models import Answer, Vote
    from questions.topanswer import refresh_top_answer

    votes = Vote.objects.filter(user=user)
    if not list(votes.select_for_update().values_list("pk", flat=True)):
        return 0
    question_ids = set(
        Answer.objects.filter(votes__user=user).values_list("question_id", flat=True)
    )
    for value, counter in ((Vote.UP, "upvotes"), (Vote.DOWN, "downvotes")):
        Answer.objects.filter(votes__user=user, votes__value=value).update(
            score=F("score") - value, **{counter: F(counter) - 1}
        )
    removed, _ = votes.delete()
    refresh_top_answer(question_ids)
    pagecache.site_changed()  # scores on many questions' pages and lists
    return removed


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete a member's account at their request.

    What they published (answers, comments, questions, accepted proposals)
    stays, credited to "deleted member"; what was theirs alone goes: personal
    data, sign-in methods and API tokens, votes and verdicts (answer scores and
    verification states recomputed exactly), bookmarks and practice history,
    the study plans they follow and their deck options, mock interviews,
    notifications, follows and e-mail settings. Pending proposals are withdrawn.
    The user row stays, deactivated, so published content keeps an author and
    audit records their actor.
    """
    from api.models import AccessToken
    from notifications.services import forget_member
    from questions import pagecache
    from questions.models import Proposal, ProposalStatus, Question
    from questions.services import remove_verdicts
    from study.empirical import forget_first_reviews
    from study.models import Bookmark, MockInterview
    from study.models.plans import DeckOptions, PlanEnrollment

    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active and user.username.startswith(DELETED_USERNAME_PREFIX):
        raise ValueError("This account has already been deleted.")

    remove_votes(user=user)
    remove_verdicts(user=user)

    # Bookmarks carry the practice state; their reviews go with them, and so do
    # removed bookmarks (only the ones still bookmarked were counted).
    Question.objects.filter(bookmarks__user=user, bookmarks__removed_at__isnull=True).update(
        bookmark_count=Greatest(F("bookmark_count") - 1, 0)
    )
    forget_first_reviews(user=user)  # each question's empirical difficulty
    Bookmark.all_objects.filter(user=user).delete()
    PlanEnrollment.objects.filter(user=user).delete()  # their plan cards went with the bookmarks
    DeckOptions.objects.filter(user=user).delete()
    MockInterview.objects.filter(user=user).delete()  # with the typed answers

    Proposal.objects.filter(author=user, status=ProposalStatus.PENDING).update(
        status=ProposalStatus.WITHDRAWN
    )

    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # their tokens cascade
    forget_member(user=user)  # notifications, follows, e-mail settings
    AccessToken.objects.filter(user=user).delete()  # the read API's personal tokens

    user.username = f"{DELETED_USERNAME_PREFIX}{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.bio = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    pagecache.site_changed()  # their name on every page they wrote on


@transaction.atomic
def delete_member_account(*, administrator: User, member: User, reason: str = "") -> None:
    """A superuser deletes a member's account from the admin.

    The same deletion as the member's own (``delete_account``: what they
    published and the flags they raised stay, their votes come off the scores),
    recorded in the moderation log. Moderators suspend instead.
    """
    from questions.models import ModerationAction
    from questions.services import moderation

    if not administrator.is_superuser:
        raise PermissionDenied("Only an administrator deletes accounts; moderators suspend.")
    if member.pk == administrator.pk:
        raise ValidationError("Delete your own account from your settings page.")
    moderation.log(
        moderator=administrator, action=ModerationAction.Kind.DELETE, target=member, reason=reason
    )
    try:
        delete_account(user=member)
    except ValueError as exc:  # already deleted; the log entry is rolled back
        raise ValidationError(str(exc)) from None


@transaction.atomic
def suspend_member(*, moderator: User, member: User, until: datetime, reason: str) -> None:
    """Stop a member from logging in until ``until``; their sessions end at once.

    An inactive account is refused by the authentication backends on every
    request, so open sessions stop working immediately. Content stays.
    """
    from notifications import events as notify
    from questions.models import ModerationAction
    from questions.services import moderation

    moderation.require_moderator(moderator)
    if member.pk == moderator.pk:
        raise ValidationError("You cannot suspend yourself.")
    if member.is_staff or member.is_superuser:
        raise PermissionDenied("Staff accounts are managed by an administrator, not suspended.")
    if until <= timezone.now():
        raise ValidationError("The suspension must end in the future.")
    if not reason.strip():
        raise ValidationError("Give the member a reason.")
    User.objects.filter(pk=member.pk).update(
        is_active=False,
        suspended_until=until,
        suspension_reason=reason.strip()[:500],
        sessions_version=F("sessions_version") + 1,
    )
    usercache.forget(member.pk)
    member.refresh_from_db()
    moderation.log(
        moderator=moderator,
        action=ModerationAction.Kind.SUSPEND,
        target=member,
        reason=f"{reason} (until {until:%Y-%m-%d})",
    )
    notify.member_suspended(member, moderator, reason.strip())


@transaction.atomic
def lift_suspension(*, moderator: User | None, member: User, reason: str = "") -> bool:
    """End a suspension early (a moderator) or when it expires (moderator None)."""
    from notifications import events as notify
    from questions.models import ModerationAction
    from questions.services import moderation

    if moderator is not None:
        moderation.require_moderator(moderator)
    if not member.is_suspended:
        return False
    User.objects.filter(pk=member.pk).update(
        is_active=True, suspended_until=None, suspension_reason=""
    )
    usercache.forget(member.pk)
    member.refresh_from_db()
    if moderator is not None:
        moderation.log(
            moderator=moderator,
            action=ModerationAction.Kind.LIFT_SUSPENSION,
            target=member,
            reason=reason,
        )
    notify.suspension_ended(member, moderator)
    return True
