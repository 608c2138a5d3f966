"""What the Moderators group may do in the admin. Plain data, so the migration
that creates the group and the code that repairs it share one list."""

# (app_label, model, actions). Moderators never get "delete": moderation hides.
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
    ("accounts", "user", ("view", "change")),
]


def grant_moderator_permissions(group, permission_model) -> None:
    """Give ``group`` exactly the moderator permissions (models may be historical)."""
    wanted = [
        permission_model.objects.get(
            content_type__app_label=app_label, codename=f"{action}_{model}"
        )
        for app_label, model, actions in MODERATOR_PERMISSIONS
        for action in actions
    ]
    group.permissions.set(wanted)
