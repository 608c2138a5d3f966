"""MLQA's hooks into django-allauth: the few places where the site differs
from allauth's defaults. Everything else (sign-up, verification, reset, social
log-in) is allauth's own code."""

import logging

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html

from mlqa_site.mail_tasks import send_later

from . import names, throttle
from .models import User
from .names import DELETED_USERNAME_PREFIX  # noqa: F401 (accounts.services imports it here)

logger = logging.getLogger(__name__)

# The member whose suspension the "account inactive" page explains: set only
# after their password was checked, so only they see the reason.
SUSPENDED_SESSION_KEY = "mlqa_suspended_member"


def user_display(user: User) -> str:
    """How allauth names a member in its pages and messages."""
    return user.public_name


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Normalise, refuse look-alikes of reserved names, then allauth's checks
        (validators, taken names ignoring case) on the normalised name."""
        username = names.normalize_username(username)
        names.check_username(username)
        return super().clean_username(username, shallow=shallow)

    # --- Failed sign-ins (accounts/throttle.py) ---------------------------------

    def get_client_ip(self, request) -> str:
        return throttle.client_ip(request)

    def pre_authenticate(self, request, **credentials) -> None:
        """Count the attempt (given back if it succeeds); past the limit, a 429."""
        action, key = throttle.failure_scope(request, credentials)
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action=action, key=key
        )
        if not self._login_failed_rl_usage:
            raise ImmediateHttpResponse(throttle.too_many_failures(request))

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        """After a password reset by e-mail, the account's failures are forgotten."""
        login = throttle.login_key(credentials)
        for action, key in [
            ("login_failed", f"{login} from {throttle.client_ip(request)}"),
            ("login_failed_known_browser", login),
        ]:
            ratelimit.clear(request, app="allauth.account", action=action, key=key)

    def respond_user_inactive(self, request, user):
        """A suspended member who gave the right password is told why and until
        when (``accounts.views.account_inactive``), not just "inactive"."""
        if getattr(user, "is_suspended", False):
            request.session[SUSPENDED_SESSION_KEY] = user.pk
        return super().respond_user_inactive(request, user)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        throttle.remember_browser(request, response, user)
        return response

    # --- Mail -------------------------------------------------------------------

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send as allauth does; a mail server that is down or refuses costs the
        member this e-mail (logged, and they are told), never the request: the
        account or change the mail was about is already saved.

        Notices nobody waits for (password changed, address added…) are rendered
        here and sent by the background worker, with retries."""
        if template_prefix.removeprefix("account/email/") not in RESEND_VERIFICATION | TRY_AGAIN:
            self._send_later(template_prefix, email, context)
            return
        try:
            super().send_mail(template_prefix, email, context)
        except OSError:  # SMTPException, refused or timed-out connections, TLS errors
            logger.exception("could not send %s to %s", template_prefix, email)
            _mail_failed(template_prefix, email)

    def _send_later(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        # The context allauth's own send_mail gives its templates.
        full = {"request": request, "email": email, "current_site": get_current_site(request)}
        full.update(context)
        send_later(self.render_mail(template_prefix, email, full))

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None) -> None:  # fmt: skip
        # allauth says "Confirmation email sent" right after trying: not when it failed.
        unsent = getattr(request, "_mlqa_unsent_mail", set())
        if message_template == "account/messages/email_confirmation_sent.txt" and (
            (message_context or {}).get("email") in unsent
        ):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)


# The mails a member asked for and waits for, by what they can do when one fails.
# (An "account already exists" mail stands in for a verification at sign-up: it
# must fail the same way, or the message would tell who has an account.)
# Other mails are notices (password changed, address removed…): only logged.
RESEND_VERIFICATION = {"email_confirmation_signup", "email_confirmation", "account_already_exists"}
TRY_AGAIN = {"password_reset_key", "unknown_account", "login_code", "password_reset_code"}


def _mail_failed(template_prefix: str, email: str) -> None:
    """Tell the member in the page that the e-mail to ``email`` did not go out."""
    request = allauth_context.request
    name = template_prefix.removeprefix("account/email/")
    if request is None or name not in RESEND_VERIFICATION | TRY_AGAIN:
        return
    request._mlqa_unsent_mail = {*getattr(request, "_mlqa_unsent_mail", ()), email}
    if name in TRY_AGAIN:
        then = "Please try again in a few minutes."
    elif account_settings.EMAIL_VERIFICATION == account_settings.EmailVerificationMethod.MANDATORY:
        then = "Sign in again in a few minutes and we will send it again."
    else:
        then = format_html(
            'Re-send it from your <a href="{}">e-mail settings</a> in a few minutes.',
            reverse("account_email"),
        )
    messages.error(
        request, format_html("We could not send the e-mail to {} just now. {}", email, then)
    )


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
        # allauth checks the provider's username but keeps it as given.
        user.username = names.normalize_username(user.username or "")
        full_name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        max_length = User._meta.get_field("display_name").max_length
        full_name = names.strip_invisible(full_name or "")
        user.display_name = " ".join(full_name.split())[:max_length]
        return user
