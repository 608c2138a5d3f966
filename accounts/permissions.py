"""What the Moderators group may do in the admin: one list, used by the migrations
that create the group and by the code that repairs it."""

from django.db.models import Q

# (app_label, model, actions). Moderators never get "delete": moderation hides.
# "change" on users opens only the display name, the bio and the suspend/lift
# actions (accounts/admin.py); passwords, e-mail, usernames, roles, groups and
# sign-in accounts are superuser-only there whatever this list holds, so it
# never needs auth, account or socialaccount permissions.
MODERATOR_PERMISSIONS = [
    ("questions", "source", ("view", "add", "change")),
    ("questions", "topic", ("view", "add", "change")),
    ("questions", "question", ("view", "change")),
    ("questions", "answer", ("view", "change")),
    ("questions", "answerrevision", ("view",)),
    ("questions", "proposal", ("view", "change")),
    ("questions", "comment", ("view", "change")),
    ("questions", "flag", ("view", "change")),
    ("questions", "vote", ("view",)),
    ("questions", "verdict", ("view", "change")),
    ("questions", "moderationaction", ("view",)),
    ("study", "interviewreport", ("view", "change")),
    ("study", "company", ("view", "add", "change")),
    ("study", "companyalias", ("view", "add", "change")),
    ("study", "studyplan", ("view", "add", "change")),
    ("study", "studyplanitem", ("view", "add", "change")),
    ("accounts", "user", ("view", "change")),
    # Background tasks, failed ones with their error (notifications/admin.py).
    ("django_tasks_database", "dbtaskresult", ("view",)),
]


def grant_moderator_permissions(group, permission_model) -> None:
    """Give ``group`` the moderator permissions that exist so far.

    Migrations call this with historical models: a model added later gets its
    permissions from the migration that adds it, which calls this again.
    """
    wanted = Q()
    for app_label, model, actions in MODERATOR_PERMISSIONS:
        for action in actions:
            wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
    group.permissions.set(permission_model.objects.filter(wanted))
