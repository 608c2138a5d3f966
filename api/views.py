"""Pages of the API that are for people: the documentation, rendered from the
OpenAPI schema with the site's own template and styles (no script, nothing
loaded from elsewhere), and the token forms of the settings page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import member_required
from accounts.settings_views import settings_page

from . import tokens
from .api import api
from .docs import endpoints, objects
from .models import AccessToken


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    base = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "api/docs.html",
        {
            "schema": schema,
            "endpoints": endpoints(schema, base),
            "objects": objects(schema),
        },
    )


@never_cache
@require_POST
@member_required
def create_token(request: HttpRequest) -> HttpResponse:
    """Make a token and show its secret, this once, on the settings page."""
    name = request.POST.get("name", "")
    try:
        made = tokens.create_token(user=request.user, name=name)
    except ValidationError as exc:
        return settings_page(request, status=400, token_error=exc.messages[0], token_name=name)
    return settings_page(request, new_token=made)


@require_POST
@member_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    tokens.revoke_token(user=request.user, token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("profile_settings")
