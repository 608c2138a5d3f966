"""The table tests/accounts/test_admin_security.py walks: what a moderator gets
from every admin URL, action and app index."""

# What a moderator's GET of an admin URL gives: a page, a refusal (403), not
# found (404), a redirect, or "method not allowed" (405).
OK, REFUSED, MISSING, REDIRECT, NOT_ALLOWED = 200, 403, 404, "redirect", 405
VIEW_ONLY = "view only"  # a change page without a form to save
LOGIN = "login"  # a redirect to the admin's log-in page


def model_views(changelist, add, change, history, delete, **extra) -> dict:
    """A ModelAdmin's URLs (by route) and what a moderator gets from each."""
    return {
        "": changelist,
        "add/": add,
        "<path:object_id>/change/": change,
        "<path:object_id>/history/": history,
        "<path:object_id>/delete/": delete,
        "<path:object_id>/": REDIRECT,  # Django's shortcut to the change page
        **extra,
    }


NOTHING = model_views(REFUSED, REFUSED, REFUSED, REFUSED, REFUSED)
READ_ONLY = model_views(OK, REFUSED, VIEW_ONLY, OK, REFUSED)
EDIT = model_views(OK, REFUSED, OK, OK, REFUSED)
EDIT_AND_ADD = model_views(OK, OK, OK, OK, REFUSED)

# Every model registered in the admin, with every URL of its ModelAdmin.
EXPECTED = {
    # Roles, e-mail addresses and sign-in secrets: superusers only.
    "auth.Group": NOTHING,
    "account.EmailAddress": NOTHING,
    "socialaccount.SocialApp": NOTHING,
    "socialaccount.SocialToken": NOTHING,
    "socialaccount.SocialAccount": NOTHING,
    # Members: a profile page and the suspend actions; no password, no add, no delete.
    "accounts.User": {**EDIT, "<id>/password/": REFUSED},
    "questions.Source": EDIT_AND_ADD,
    "questions.Topic": EDIT_AND_ADD,
    "questions.Question": EDIT,
    "questions.Answer": EDIT,
    "questions.AnswerRevision": READ_ONLY,
    "questions.Proposal": EDIT,
    "questions.Vote": READ_ONLY,
    # Verdicts: every field read-only; the change permission is for hide / restore.
    "questions.Verdict": EDIT,
    "questions.Comment": EDIT,
    "questions.Flag": EDIT,
    "questions.ModerationAction": READ_ONLY,
    "study.InterviewReport": EDIT,
    # Company names and their aliases: moderators merge what members type.
    "study.Company": EDIT_AND_ADD,
    "study.CompanyAlias": EDIT_AND_ADD,
    # Study plans: built and unpublished by moderators, never deleted.
    "study.StudyPlan": EDIT_AND_ADD,
    # Private study data.
    "study.Bookmark": NOTHING,
    "study.Review": NOTHING,
    "notifications.Notification": NOTHING,
    # Background tasks: seen, with their errors; never changed or deleted here.
    "django_tasks_database.DBTaskResult": READ_ONLY,
}

# The bulk actions a moderator is offered on each changelist (none delete).
EXPECTED_ACTIONS = {
    "accounts.User": {"suspend_selected", "lift_selected"},
    "questions.Question": {
        "publish_selected",
        "hide_selected",
        "restore_selected",
        "merge_selected",
    },
    "questions.Answer": {
        "hide_selected",
        "restore_selected",
        "publish_selected",
        "feature_selected",
        "unfeature_selected",
        "confirm_verified",
        "confirm_wrong",
        "confirm_disputed",
        "hand_back_to_members",
    },
    "questions.Verdict": {"hide_verdicts", "restore_verdicts"},
    "questions.Proposal": {"accept_selected", "reject_selected"},
    "questions.Comment": {"hide_selected", "restore_selected"},
    "questions.Flag": {
        "resolve_and_hide",
        "resolve_and_keep",
        "dismiss_selected",
        "merge_into_original",
    },
    "study.InterviewReport": {"approve_reports", "hide_reports", "show_reports"},
}

# The admin site's own URLs (by name), for a moderator.
EXPECTED_SITE = {
    "index": OK,
    "login": REDIRECT,  # already logged in: on to the index
    "logout": NOT_ALLOWED,  # GET; a POST logs out
    "password_change": REDIRECT,  # to the site's own password page
    "password_change_done": OK,
    "autocomplete": REFUSED,  # without a field to complete
    "jsi18n": OK,
    "view_on_site": REDIRECT,
    "catch_all": MISSING,
}
EXPECTED_AUTOCOMPLETE = {
    ("questions.Question", "source"): OK,
    ("questions.Question", "topics"): OK,
    # The merge form's search for the question that stays.
    ("questions.Question", "merged_into"): OK,
    # An alias's company.
    ("study.CompanyAlias", "company"): OK,
}
EXPECTED_APP_INDEX = {
    "auth": MISSING,
    "account": MISSING,
    "socialaccount": MISSING,
    "accounts": OK,
    "questions": OK,
    "study": OK,  # interview reports, study plans
    "notifications": MISSING,
    "django_tasks_database": OK,
}
