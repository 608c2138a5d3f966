from django import template

from notifications import following

register = template.Library()


@register.inclusion_tag("notifications/includes/follow_question.html", takes_context=True)
def follow_question_button(context, question):
    """Follow / Unfollow, for members only (visitors' cached pages show nothing, ask nothing)."""
    user = context["user"]
    if not user.is_authenticated:
        return {"question": None}
    follows = context.get("follows_question")  # read with the page's other marks
    return {
        "question": question,
        "following": following.follows_question(user, question) if follows is None else follows,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/includes/follow_topic.html", takes_context=True)
def follow_topic_button(context, topic):
    user = context["user"]
    if not user.is_authenticated or topic is None:
        return {"topic": None}
    return {
        "topic": topic,
        "following": following.follows_topic(user, topic),
        "csrf_token": context.get("csrf_token"),
    }
