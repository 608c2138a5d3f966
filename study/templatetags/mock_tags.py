from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def clock(delta: timedelta | None) -> str:
    """A duration as a clock reads it: 0:42, 12:05, 1:02:03."""
    if delta is None:
        return ""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"
