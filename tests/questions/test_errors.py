"""One way to answer a refusal: each service error has its status, a page without
htmx, the message alone (or the view's own fragment) with it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from questions import ratelimit
from questions.errors import rate_limited, service_errors
from questions.services import Conflict

pytestmark = pytest.mark.django_db


def request(*, htmx: bool, method: str = "post", user=None):
    headers = {"HX-Request": "true"} if htmx else {}
    made = getattr(RequestFactory(), method)("/x/", headers=headers)
    made.htmx = HtmxDetails(made)
    made.user = user or AnonymousUser()
    return made


def raising(exc):
    def view(request):
        raise exc

    return view


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (PermissionDenied("Not yours."), 403),
        (ValidationError("Not like that."), 400),
        (Conflict("Changed meanwhile."), 409),
        (ratelimit.RateLimited("vote", 3, 60), 429),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_each_refusal_has_its_status_and_its_reason(exc, status, htmx):
    response = service_errors(raising(exc))(request(htmx=htmx))
    html = response.content.decode()
    assert response.status_code == status
    assert str(exc.message if isinstance(exc, ValidationError) else exc) in html
    assert ("<html" in html) is not htmx


def test_htmx_gets_the_views_own_fragment_when_it_has_one():
    def inline(request, message, status):
        return HttpResponse(f"<div id=box>{message}</div>", status=status)

    view = service_errors(inline=inline)(raising(PermissionDenied("Log in to do that.")))
    assert view(request(htmx=True)).content == b"<div id=box>Log in to do that.</div>"
    assert b"<html" in view(request(htmx=False)).content


def test_not_found_is_a_fragment_for_htmx_and_the_404_page_otherwise():
    view = service_errors(raising(Http404("gone")))
    assert view(request(htmx=True)).status_code == 404
    with pytest.raises(Http404):
        view(request(htmx=False))


def test_a_post_refused_as_bad_input_costs_nothing(settings, member):
    settings.MLQA_RATE_LIMITS = {"vote": (1, 3600)}

    @service_errors
    @rate_limited("vote")
    def view(request):
        if request.POST.get("bad"):
            raise ValidationError("Bad.")
        return HttpResponse("ok")

    def post(**data):
        made = request(htmx=False, user=member)
        made.POST = data
        return view(made).status_code

    assert [post(bad="1"), post(bad="1"), post(), post()] == [400, 400, 200, 429]
