"""The admin site: its index opens on what needs a moderator's attention."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator

from questions.models import (
    Answer,
    Flag,
    FlagStatus,
    Proposal,
    ProposalStatus,
    Question,
    Status,
)


class MLQAAdminSite(admin.AdminSite):
    site_header = "MLQA moderation"
    site_title = "MLQA admin"
    index_title = "Moderation"

    def attention(self, request) -> list[dict]:
        """Counts of the queues, each linking to its filtered list (4 small queries)."""
        queues = [
            ("Pending proposals", Proposal, {"status": ProposalStatus.PENDING}),
            ("Open flags", Flag, {"status": FlagStatus.OPEN}),
            ("Questions waiting for review", Question, {"status": Status.PENDING}),
            ("Answers held for review", Answer, {"status": Status.PENDING}),
        ]
        items = []
        for label, model, filters in queues:
            opts = model._meta
            if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                continue
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            query = "&".join(f"{key}={value}" for key, value in filters.items())
            items.append(
                {
                    "label": label,
                    "count": model._default_manager.filter(**filters).count(),
                    "url": f"{url}?{query}",
                }
            )
        return items

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "attention": self.attention(request)}
        return super().index(request, extra_context)

    @method_decorator(secure_admin_login)
    def login(self, request, extra_context=None):
        """Staff sign in where every member does: the site's log-in page, with its
        rate limits, lock-out protection and suspension checks. The admin's own
        form, which has none of them, is never shown."""
        return super().login(request, extra_context)

    def password_change(self, request, extra_context=None):
        """A moderator changes their own password where every member does (which
        also e-mails the notice); the admin's own form is for superusers."""
        if not request.user.is_superuser:
            return redirect("account_change_password")
        return super().password_change(request, extra_context)
