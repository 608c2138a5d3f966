"""Members in the admin: search, content counts, reputation, suspensions.

Moderators (not superusers) see a member's profile and can edit only the
display name and bio, and suspend or lift a suspension through the service.
Everything that decides who can act as whom (passwords, e-mail addresses,
usernames, staff and superuser flags, groups, permissions, sign-in accounts)
stays with superusers, whatever model permissions a group is given.
"""

from datetime import timedelta

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.socialaccount.admin import SocialAccountAdmin, SocialAppAdmin, SocialTokenAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils import timezone

from mlqa_site.admin_mixins import ChangesPagesMixin, ReasonActionForm, action_reason

from . import services as account_services
from .models import User
from .reputation import reputation_expression

MODERATOR_FIELDS = ["username", "display_name", "bio", "email", "is_active", "date_joined",
                    "last_login", "suspended_until", "suspension_reason"]  # fmt: skip


def _count(model) -> Coalesce:
    rows = (
        model.objects.filter(author=OuterRef("pk"))
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class SuspendForm(forms.Form):
    days = forms.IntegerField(label="Suspend for (days)", min_value=1, max_value=3650, initial=7)
    reason = forms.CharField(label="Reason (shown to other moderators)", max_length=500)


class DeleteAccountsForm(forms.Form):
    reason = forms.CharField(label="Reason (for the audit log)", max_length=500, required=False)


class SuperusersOnly:
    """A ModelAdmin that only superusers see or use, whatever permissions a
    group holds: roles, e-mail addresses and sign-in secrets let whoever edits
    them act as someone else."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


for _model, _model_admin in [
    (Group, DjangoGroupAdmin),
    (EmailAddress, EmailAddressAdmin),
    (SocialApp, SocialAppAdmin),
    (SocialToken, SocialTokenAdmin),
    (SocialAccount, SocialAccountAdmin),
]:
    admin.site.unregister(_model)
    admin.site.register(_model, type(_model_admin.__name__, (SuperusersOnly, _model_admin), {}))


@admin.register(User)
class UserAdmin(ChangesPagesMixin, DjangoUserAdmin):
    list_display = [
        "username", "display_name", "email", "answer_count", "comment_count", "reputation",
        "is_active", "suspended_until", "is_staff", "date_joined",
    ]  # fmt: skip
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": ["display_name", "bio"]}),
        ("Suspension", {"fields": ["suspended_until", "suspension_reason"]}),
    ]
    readonly_fields = ["suspended_until", "suspension_reason"]
    actions = ["suspend_selected", "lift_selected", "delete_accounts"]
    action_form = ReasonActionForm

    def get_queryset(self, request):
        from questions.models import Answer, Comment

        return (
            super()
            .get_queryset(request)
            .annotate(
                n_answers=_count(Answer),
                n_comments=_count(Comment),
                reputation_score=reputation_expression(),
            )
        )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": MODERATOR_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return [field for field in MODERATOR_FIELDS if field not in ("display_name", "bio")]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        """Nobody deletes a user row here: their votes would vanish from the scores
        and their flags with them. Superusers use ``delete_accounts``."""
        return False

    def has_delete_account_permission(self, request) -> bool:
        return request.user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        """Django lets anyone with ``change_user`` set any password here, the
        superuser's included: only superusers may."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description="answers", ordering="n_answers")
    def answer_count(self, obj) -> int:
        return obj.n_answers

    @admin.display(description="comments", ordering="n_comments")
    def comment_count(self, obj) -> int:
        return obj.n_comments

    @admin.display(description="reputation", ordering="reputation_score")
    def reputation(self, obj) -> int:
        return obj.reputation_score

    @admin.action(description="Suspend the selected members…", permissions=["change"])
    def suspend_selected(self, request, queryset):
        form = SuspendForm(
            request.POST if "apply" in request.POST else None,
            initial={"reason": action_reason(request)},
        )
        if form.is_valid():
            until = timezone.now() + timedelta(days=form.cleaned_data["days"])
            done = 0
            for member in queryset:
                try:
                    account_services.suspend_member(
                        moderator=request.user,
                        member=member,
                        until=until,
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    text = " ".join(getattr(exc, "messages", [str(exc)]))
                    self.message_user(request, f"{member}: {text}", messages.ERROR)
            self.message_user(request, f"{done} member(s) suspended until {until:%Y-%m-%d}.")
            return None
        return TemplateResponse(
            request,
            "admin/accounts/user/suspend.html",
            {
                **self.admin_site.each_context(request),
                "title": "Suspend members",
                "opts": self.model._meta,
                "members": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description="Lift the suspension of the selected members", permissions=["change"])
    def lift_selected(self, request, queryset):
        reason = action_reason(request)
        done = sum(
            account_services.lift_suspension(moderator=request.user, member=m, reason=reason)
            for m in queryset
        )
        self.message_user(request, f"{done} suspension(s) lifted.")

    @admin.action(description="Delete the selected accounts…", permissions=["delete_account"])
    def delete_accounts(self, request, queryset):
        """The deletion a member can ask for from their settings page, done for them."""
        form = DeleteAccountsForm(
            request.POST if "apply" in request.POST else None,
            initial={"reason": action_reason(request)},
        )
        if form.is_valid():
            done = 0
            for member in queryset:
                try:
                    account_services.delete_member_account(
                        administrator=request.user,
                        member=member,
                        reason=form.cleaned_data["reason"],
                    )
                    done += 1
                except (ValidationError, PermissionDenied) as exc:
                    text = " ".join(getattr(exc, "messages", [str(exc)]))
                    self.message_user(request, f"{member}: {text}", messages.ERROR)
            self.message_user(request, f"{done} account(s) deleted.")
            return None
        return TemplateResponse(
            request,
            "admin/accounts/user/delete_accounts.html",
            {
                **self.admin_site.each_context(request),
                "title": "Delete accounts",
                "opts": self.model._meta,
                "members": queryset,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
