from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def back_path(context) -> str:
    """Where a plain form should send the member back to: the page htmx says it
    is on (HX-Current-URL, when it is this site), else the current request's."""
    request: HttpRequest = context["request"]
    try:
        return request.htmx.current_url_abs_path or request.get_full_path()
    except ValueError:  # a malformed HX-Current-URL header (e.g. "http://[")
        return request.get_full_path()
