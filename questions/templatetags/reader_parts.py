"""``{% reader_part "template.html#name" %}``: a part of a page that differs
between readers (their CSRF token, name, votes, bookmark, forms).

Rendered in place like ``{% include %}``, except while the question page
builds its *shell* (``questions.views.question_page``): then it leaves a
mark where the part goes, and the page keeps the text around the marks per
generation and renders only the parts for each member, with their own
request (``{% csrf_token %}`` and all)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SHELL_MARK = "reader_part_mark"  # the context variable naming the mark of a shell


@register.simple_tag(takes_context=True)
def reader_part(context, name: str) -> SafeString:
    mark = context.get(SHELL_MARK)
    if mark:
        return mark_safe(f"{mark}{name}{mark}")
    with context.push():  # what the part sets stays in it, as with {% include %}
        return context.template.engine.get_template(name).render(context)
