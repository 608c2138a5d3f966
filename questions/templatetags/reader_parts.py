"""``{% reader_part "template.html#name" %}``: a part of a page that differs
between readers (their CSRF token, name, votes, bookmark, forms).

Rendered in place like ``{% include %}``, except while a page builds its
*shell* (``questions.views.page_shell``: the question page, the lists): then
it leaves a mark where the part goes, and the page keeps the text around the
marks per generation and renders only the parts for each member, with their
own request (``{% csrf_token %}`` and all). ``{% reader_part "name" key %}``
places one of several copies of a part (a list's rows each have a toggle).

A part is rendered by its template, unless a function was registered for it
with :func:`renders`: a part drawn on every member's page (the account menu,
the CSRF header) can then come from what the function keeps rather than from
a template rendered per request. The function gets the same context the
template would, and must give the same HTML."""

import secrets
from collections.abc import Callable

from django import template
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SHELL_MARK = "reader_part_mark"  # the context variable naming the mark of a shell
KEY_MARK = "@"  # between a part's name and its key, in a shell

PartRenderer = Callable[[Context], str]
_RENDERERS: dict[str, PartRenderer] = {}


def renders(name: str) -> Callable[[PartRenderer], PartRenderer]:
    """Register ``function(context) -> html`` as the way to render part ``name``."""

    def register_renderer(function: PartRenderer) -> PartRenderer:
        _RENDERERS[name] = function
        return function

    return register_renderer


def token_pieces(name: str, values: dict) -> tuple[str, ...] | None:
    """Template ``name`` rendered from ``values`` alone, cut where
    its ``{% csrf_token %}`` inputs go: the pieces :func:`with_token` joins per
    request. The token is a mark made at random for this rendering; None when
    the mark shows anywhere else (the template uses the token some other way),
    and the part is then rendered whole."""
    mark = f"csrf-{secrets.token_hex(16)}"
    html = get_template(name).render({**values, "csrf_token": mark})
    pieces = tuple(html.split(CsrfTokenNode().render(Context({"csrf_token": mark}))))
    return None if any(mark in piece for piece in pieces) else pieces


def with_token(context: Context, pieces: tuple[str, ...]) -> SafeString:
    """The pieces joined around the input Django's own ``{% csrf_token %}``
    renders for the request in ``context``."""
    if len(pieces) == 1:
        return mark_safe(pieces[0])
    return mark_safe(CsrfTokenNode().render(context).join(pieces))


def render_part(context: Context, name: str) -> str:
    """Part ``name`` for the reader in ``context`` (a context bound to a template)."""
    renderer = _RENDERERS.get(name)
    with context.push():  # what the part sets stays in it, as with {% include %}
        if renderer is not None:
            return renderer(context)
        return context.template.engine.get_template(name).render(context)


@register.simple_tag(takes_context=True)
def reader_part(context, name: str, key="") -> SafeString:
    """``key`` tells apart the places of a part drawn more than once (a list's
    rows): the shell's filler is given what each key stands for."""
    mark = context.get(SHELL_MARK)
    if mark:
        return mark_safe(f"{mark}{name}{KEY_MARK if key != '' else ''}{key}{mark}")
    return mark_safe(render_part(context, name))
