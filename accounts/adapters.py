"""MLQA's hooks into django-allauth: the few places where the site differs
from allauth's defaults. Everything else (sign-up, verification, reset, social
log-in) is allauth's own code."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.http import Http404

from .models import User

# Deleted accounts are renamed to deleted-<id>; nobody else may take such a name.
DELETED_USERNAME_PREFIX = "deleted-"


def user_display(user: User) -> str:
    """How allauth names a member in its pages and messages."""
    return user.public_name


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        if username.lower().startswith(DELETED_USERNAME_PREFIX):
            raise forms.ValidationError(
                "Usernames starting with “deleted-” are reserved.", code="reserved"
            )
        return super().clean_username(username, shallow=shallow)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """A provider without credentials is not there: 404, not a server error."""
        from allauth.socialaccount.models import SocialApp

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("This log-in provider is not available.") from None

    def populate_user(self, request, sociallogin, data):
        """Take the display name from the provider's profile as well."""
        user = super().populate_user(request, sociallogin, data)
        full_name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        max_length = User._meta.get_field("display_name").max_length
        user.display_name = " ".join((full_name or "").split())[:max_length]
        return user
