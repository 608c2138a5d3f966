"""member_required on any view: members pass, visitors log in and come back."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from accounts.decorators import member_required, return_path


@member_required
def vote(request, pk):
    """A stand-in for a member action."""
    return HttpResponse(f"voted on {pk}")


def make_request(method="post", path="/answers/5/vote/", user=None, secure=False, **headers):
    request = getattr(RequestFactory(), method)(path, secure=secure, **headers)
    request.user = user or AnonymousUser()
    request.htmx = HtmxDetails(request)
    return request


def test_a_member_gets_the_view(member):
    response = vote(make_request(user=member), pk=5)
    assert response.content == b"voted on 5"


def test_the_view_keeps_its_name_and_docstring():
    assert vote.__name__ == "vote"
    assert vote.__doc__ == "A stand-in for a member action."


def test_a_visitor_opening_a_page_comes_back_to_it():
    response = vote(make_request("get", "/bookmarks/?page=2"), pk=5)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/bookmarks/%3Fpage%3D2"


def test_a_visitor_posting_a_form_comes_back_to_the_form_page():
    request = make_request(HTTP_REFERER="http://testserver/questions/5/x/")
    assert vote(request, pk=5)["Location"] == "/accounts/login/?next=/questions/5/x/"


def test_htmx_gets_a_client_redirect_back_to_the_current_page():
    request = make_request(
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/questions/5/x/#answer-9",
        HTTP_REFERER="http://testserver/elsewhere/",
    )
    response = vote(request, pk=5)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/questions/5/x/"


def test_htmx_without_a_usable_current_url_falls_back_to_the_referer():
    request = make_request(
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://evil.example.com/",
        HTTP_REFERER="http://testserver/topics/nlp/",
    )
    assert vote(request, pk=5)["HX-Redirect"] == "/accounts/login/?next=/topics/nlp/"


@pytest.mark.parametrize(
    ("referer", "secure", "expected"),
    [
        ("http://testserver/a/?b=1", False, "/a/?b=1"),
        ("https://testserver/a/", True, "/a/"),
        # A plain-HTTP page cannot be the way back from an HTTPS site.
        ("http://testserver/a/", True, "/"),
        ("http://testserver.evil.com/a/", False, "/"),
        ("//evil.example.com/a/", False, "/"),
        ("", False, "/"),
    ],
)
def test_where_a_visitor_comes_back_to(referer, secure, expected):
    headers = {"HTTP_REFERER": referer} if referer else {}
    assert return_path(make_request(secure=secure, **headers)) == expected
