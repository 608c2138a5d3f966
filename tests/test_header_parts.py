"""The account menu and the htmx CSRF header of members' pages come from
``mlqa_site.header_parts``, not from their templates per request: they must be
what the templates give, with this request's own token."""

import re

import pytest
from django.template import RequestContext
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse

from mlqa_site import header_parts
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def render_both(user) -> tuple[str, str]:
    """The menu from header_parts and from its template, in one request's context."""
    request = RequestFactory().get("/")
    request.user = user
    context = RequestContext(request)
    with context.bind_template(get_template("base.html").template):
        fast = header_parts.account_nav(context)
        with context.push():
            engine = context.template.engine
            slow = engine.get_template(header_parts.ACCOUNT_NAV).render(context)
    return fast, slow


NAMES = {
    '<b>Ada</b> & "Bob"': "&lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Bob&quot;",
    # Shaped like the marks the menu is cut at: still only a name.
    "slot" + "0" * 32 + " csrf" + "f" * 32: "slot" + "0" * 32 + " csrf" + "f" * 32,
}


@pytest.mark.parametrize("make", [UserFactory, ModeratorFactory])
@pytest.mark.parametrize("unread", [0, 3])
@pytest.mark.parametrize("name", list(NAMES))
def test_the_menu_is_the_templates_with_the_requests_token(make, unread, name, monkeypatch):
    # The inbox context processor's lazy count, as pages other than the question page give it.
    monkeypatch.setattr("notifications.context_processors.unread_count", lambda user: unread)
    user = make(display_name=name)
    fast, slow = render_both(user)
    assert fast == slow
    assert f'id="account-who">{NAMES[name]}</a>' in fast
    assert ("Moderation" in fast) == user.is_staff
    assert (f'<span class="unread-count" id="unread-count">{unread}</span>' in fast) == bool(unread)


def test_each_member_sees_their_own_name_and_token_on_the_same_page():
    pages = {}
    for name in ("Ada", "Bob", "Ada"):
        client = Client()
        client.force_login(UserFactory(display_name=name))
        html = client.get(reverse("home")).content.decode()
        token = client.cookies["csrftoken"].value
        pages.setdefault(name, []).append((html, token))
        assert f'id="account-who">{name}</a>' in html
        assert html.count('id="account-who"') == 1
        # The log-out form's token and htmx's header are this member's.
        logout = TOKEN_INPUT.findall(html.split('class="account-nav"')[1].split("</nav>")[0])
        header = re.search(r"hx-headers='\{\"x-csrftoken\": \"([A-Za-z0-9]{64})\"\}'", html)
        assert logout
        assert header
        for masked in (*logout, header.group(1)):
            assert _unmask(masked) == _unmask_cookie(token)
    assert len(pages["Ada"]) == 2


def _unmask(masked: str) -> str:
    from django.middleware.csrf import _unmask_cipher_token

    return _unmask_cipher_token(masked)


def _unmask_cookie(token: str) -> str:
    return token if len(token) == 32 else _unmask(token)


def test_a_visitor_has_no_token_and_a_log_in_link_back_here():
    html = Client().get(reverse("home") + "?sort=new").content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "x-csrftoken" not in html
    assert "/accounts/login/?next=/%3Fsort%3Dnew" in html


def test_a_menu_that_changes_the_name_is_refused(monkeypatch):
    """Pieces are cut only where the template shows the name as it is."""
    from django.template import engines

    template = engines["django"].from_string(
        '<a href="{{ user.get_absolute_url }}">{{ user.public_name|upper }}</a>'
    )
    monkeypatch.setattr(header_parts, "marked_pieces", _rendering(template))
    header_parts._nav_pieces.cache_clear()
    try:
        with pytest.raises(ValueError, match="as they are"):
            header_parts._nav_pieces(False, 0, 60)
    finally:
        header_parts._nav_pieces.cache_clear()


def _rendering(template):
    def marked_pieces(name, values, slots):
        return slots.cut(template.render(values))

    return marked_pieces
