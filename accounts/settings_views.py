"""The member's own settings: profile (display name, bio) and account deletion.

The rest of account management (email, password, connected accounts) is
allauth's, under /accounts/; the settings page links to it.
"""

import copy

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .decorators import member_required
from .forms import DeleteAccountForm, ProfileForm
from .reputation import reputation

TEMPLATE = "accounts/settings.html"


def _page(request: HttpRequest, **context) -> dict:
    from api.tokens import member_tokens  # the read API builds on accounts
    from notifications import preferences
    from notifications.forms import EmailSettingsForm

    member = request.user
    context.setdefault("form", ProfileForm(instance=copy.copy(member)))
    context.setdefault("delete_form", DeleteAccountForm(user=member))
    return {
        "reputation": reputation(member),
        "primary_email": EmailAddress.objects.get_primary(member),
        "email_form": EmailSettingsForm(current=preferences.settings_of(member)),
        "access_tokens": member_tokens(member),  # the API's personal tokens (api/)
        **context,
    }


def settings_page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    """The whole settings page, with ``context`` (other apps' forms use it)."""
    return render(request, TEMPLATE, _page(request, **context), status=status)


@require_http_methods(["GET", "POST"])
@member_required
def profile_settings(request: HttpRequest) -> HttpResponse:
    # The form edits a copy, so an invalid post never shows up in the header.
    form = ProfileForm(request.POST or None, instance=copy.copy(request.user))
    saved = False
    if form.is_valid():
        form.save()
        if "display_name" in form.changed_data:
            from questions import pagecache

            pagecache.site_changed()  # the name shows on every page they wrote on
        if not request.htmx:
            messages.success(request, "Your profile has been saved.")
            return redirect("profile_settings")
        saved = True
    if request.htmx:
        return render(request, TEMPLATE + "#profile-form", {"form": form, "saved": saved})
    return render(request, TEMPLATE, _page(request, form=form))


@require_POST
@member_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, TEMPLATE, _page(request, delete_form=form), status=400)
    services.delete_account(user=request.user)
    logout(request)
    messages.success(
        request,
        "Your account has been deleted. Your answers and comments stay, "
        "credited to “deleted member”.",
    )
    return redirect("home")
