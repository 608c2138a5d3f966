from django import template
from django.utils.safestring import SafeString

from study import toggles

register = template.Library()


@register.simple_tag(takes_context=True)
def back_path(context) -> str:
    """Where a plain form should send the member back to (``toggles.back_path``)."""
    return toggles.back_path(context["request"])


@register.simple_tag(takes_context=True)
def bookmark_login_link(context, question) -> SafeString:
    """A visitor's bookmark toggle: a link to log in (``study.toggles``)."""
    return toggles.login_link(context, question.bookmark_count)


@register.simple_tag(takes_context=True)
def bookmark_form(context, question, bookmarked, remove_row=False) -> SafeString:
    """A member's bookmark toggle (``study.toggles``), with their CSRF input."""
    toggle = toggles.Toggle(
        question.pk,
        bool(bookmarked),
        question.bookmark_count,
        toggles.back_of(context),
        bool(remove_row),
    )
    return toggle.html(toggles.csrf_input(context))


@register.simple_tag(takes_context=True)
def row_study(context, question) -> SafeString:
    """A list row's study tools: its bookmark toggle and "asked" badges (``study.toggles``)."""
    return toggles.row_study(context, question)
