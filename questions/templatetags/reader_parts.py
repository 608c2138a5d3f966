"""``{% reader_part "template.html#name" %}``: a part of a page that differs
between readers (their CSRF token, name, votes, bookmark, forms).

Rendered in place like ``{% include %}``, except while the question page
builds its *shell* (``questions.views.question_page``): then it leaves a
mark where the part goes, and the page keeps the text around the marks per
generation and renders only the parts for each member, with their own
request (``{% csrf_token %}`` and all).

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
def reader_part(context, name: str) -> SafeString:
    mark = context.get(SHELL_MARK)
    if mark:
        return mark_safe(f"{mark}{name}{mark}")
    return mark_safe(render_part(context, name))
