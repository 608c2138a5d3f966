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

import re
import secrets
from collections.abc import Callable

from django import template
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SHELL_MARK = "reader_part_mark"  # the context variable naming the mark of a shell
KEY_MARK = "@"  # between a part's name and its key, in a shell

PartRenderer = Callable[[Context], str]
_RENDERERS: dict[str, PartRenderer] = {}
# Parts that can also give their HTML already encoded (UTF-8), for a shell
# joined as bytes (``page_shell.fill_utf8``): a large part kept encoded is
# then not encoded again for every reader.
_ENCODED: dict[str, Callable[[Context], bytes | list[bytes]]] = {}


def renders(
    name: str, *, utf8: Callable[[Context], bytes | list[bytes]] | None = None
) -> Callable[[PartRenderer], PartRenderer]:
    """Register ``function(context) -> html`` as the way to render part ``name``;
    ``utf8(context)``, if given, must give the same HTML encoded."""

    def register_renderer(function: PartRenderer) -> PartRenderer:
        _RENDERERS[name] = function
        if utf8 is not None:
            _ENCODED[name] = utf8
        return function

    return register_renderer


CSRF_SLOT = "csrf_token"  # the slot of a {% csrf_token %} input, in pieces
_TOKEN_INPUT = object()  # the key of that input in a rendering's state


class Slots:
    """Marks made at random for one rendering, to stand for values that differ
    between requests (``mark("name")``) and for the CSRF token."""

    def __init__(self):
        self.token = f"csrf{secrets.token_hex(16)}"
        self._names: dict[str, str] = {}

    def mark(self, name: str) -> str:
        mark = f"slot{secrets.token_hex(16)}"
        self._names[mark] = name
        return mark

    def cut(self, html: str) -> tuple[str, ...] | None:
        """``html`` cut at the marks: text, slot name, text, …; None when a mark
        does not show as it was made (a filter changed it, or the template
        uses the token other than as ``{% csrf_token %}``)."""
        token_input = CsrfTokenNode().render(Context({"csrf_token": self.token}))
        names = {**self._names, token_input: CSRF_SLOT}
        pieces = re.split(f"({'|'.join(map(re.escape, names))})", html)
        for n, piece in enumerate(pieces):
            if n % 2:
                pieces[n] = names[piece]
            elif self.token in piece or any(mark in piece for mark in self._names):
                return None
        if not set(self._names.values()) <= set(pieces[1::2]):
            return None  # a value the template changed (a filter) or did not show
        return tuple(pieces)


def marked_pieces(name: str, values: dict, slots: Slots) -> tuple[str, ...] | None:
    """Template ``name`` rendered from ``values`` alone (where ``slots``' marks
    stand for what differs per request) and cut at the marks, for
    :func:`join_pieces`; None when it cannot be cut so."""
    html = get_template(name).render({**values, "csrf_token": slots.token})
    return slots.cut(html)


def token_pieces(name: str, values: dict) -> tuple[str, ...] | None:
    """Template ``name`` rendered from ``values`` alone, cut where its
    ``{% csrf_token %}`` inputs go."""
    return marked_pieces(name, values, Slots())


def _token_input(context: Context) -> str:
    """The input Django's ``{% csrf_token %}`` renders in ``context``, rendered
    once for all the parts filled in one rendering (``page_shell``)."""
    state = context.render_context
    if _TOKEN_INPUT not in state:
        state[_TOKEN_INPUT] = CsrfTokenNode().render(context)
    return state[_TOKEN_INPUT]


def join_pieces(context: Context, pieces: tuple[str, ...], **values) -> SafeString:
    """The pieces joined around this request's values: the input Django's own
    ``{% csrf_token %}`` renders for the request in ``context``, and each
    other slot's value from ``values``, escaped as ``{{ value }}`` is."""
    if len(pieces) == 1:
        return mark_safe(pieces[0])
    joined = list(pieces)
    for n in range(1, len(pieces), 2):
        slot = pieces[n]
        if slot == CSRF_SLOT:
            joined[n] = _token_input(context)
        else:
            joined[n] = conditional_escape(values[slot])
    return mark_safe("".join(joined))


def render_part(context: Context, name: str) -> str:
    """Part ``name`` for the reader in ``context`` (a context bound to a template)."""
    renderer = _RENDERERS.get(name)
    with context.push():  # what the part sets stays in it, as with {% include %}
        if renderer is not None:
            return renderer(context)
        return context.template.engine.get_template(name).render(context)


def render_part_utf8(context: Context, name: str) -> bytes | list[bytes]:
    """:func:`render_part`, encoded: by the part's own ``utf8`` function if it
    has one (which may give the part in chunks, to be joined in order)."""
    encoded = _ENCODED.get(name)
    if encoded is None:
        return render_part(context, name).encode()
    with context.push():
        return encoded(context)


@register.simple_tag(takes_context=True)
def reader_part(context, name: str, key="") -> SafeString:
    """``key`` tells apart the places of a part drawn more than once (a list's
    rows): the shell's filler is given what each key stands for."""
    mark = context.get(SHELL_MARK)
    if mark:
        return mark_safe(f"{mark}{name}{KEY_MARK if key != '' else ''}{key}{mark}")
    return mark_safe(render_part(context, name))
