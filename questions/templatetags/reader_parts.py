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

from collections.abc import Callable

from django import template
from django.template import Context
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
