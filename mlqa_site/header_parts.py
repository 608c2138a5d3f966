"""The parts of ``base.html`` that every member's page draws: the CSRF header
htmx sends, the account menu and the flash messages, rendered without a
template per request (the messages only when there are some).

The account menu of a member shows only a few facts (their name and profile
address, the unread count, whether they are staff). Its template is rendered
once per process for each unread count and staff or not, from those facts
alone (so it cannot show anything they do not name), with marks where the
name, the address and the log-out form's ``{% csrf_token %}`` go, and kept
cut at the marks; a request then joins the pieces around its member's name
and address, escaped as the template escapes them, and the input Django's own
``{% csrf_token %}`` renders for it. The template must show the name and
address as they are (no filter): the pieces are checked against it in
``tests/test_header_parts.py``. A visitor's menu (which
depends on the address, and is cached with the visitor's whole page) is
rendered by its template as before.
"""

import functools
from dataclasses import dataclass

from django.template import Context
from django.utils.html import format_html

from questions.templatetags.reader_parts import Slots, join_pieces, marked_pieces, renders

ACCOUNT_NAV = "base.html#account-nav"


@dataclass(frozen=True)
class MemberFacts:
    """What the account menu shows of a member, shaped as the template reads ``user``."""

    public_name: str
    get_absolute_url: str
    is_staff: bool
    is_authenticated: bool = True


@functools.lru_cache(maxsize=256)
def _nav_pieces(is_staff: bool, unread: int, poll_seconds: int) -> tuple[str, ...]:
    slots = Slots()
    member = MemberFacts(slots.mark("name"), slots.mark("url"), is_staff)
    values = {"user": member, "inbox_unread": unread, "inbox_poll_seconds": poll_seconds}
    pieces = marked_pieces(ACCOUNT_NAV, values, slots)
    if pieces is None:
        raise ValueError(
            f"{ACCOUNT_NAV} must show user.public_name and user.get_absolute_url as they are, "
            "and the CSRF token only as {% csrf_token %}"
        )
    return pieces


@renders(ACCOUNT_NAV)
def account_nav(context: Context) -> str:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return context.template.engine.get_template(ACCOUNT_NAV).render(context)
    # The unread count may be the inbox context processor's lazy count.
    unread = int(str(context.get("inbox_unread") or 0))
    pieces = _nav_pieces(user.is_staff, unread, int(context.get("inbox_poll_seconds") or 0))
    return join_pieces(context, pieces, name=user.public_name, url=user.get_absolute_url())


@renders("base.html#body-attributes")
def body_attributes(context: Context) -> str:
    """htmx's header with the member's CSRF token; nothing for a visitor."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    return format_html(""" hx-headers='{{"x-csrftoken": "{}"}}'""", context.get("csrf_token"))


@renders("base.html#messages")
def flash_messages(context: Context) -> str:
    """The flash messages, by their template when there are any: most pages have none."""
    if not context.get("messages"):
        return ""
    return context.template.engine.get_template("base.html#messages").render(context)
