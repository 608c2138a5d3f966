"""Atom feeds of new questions, new answers and AI answers judged wrong or corrected."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html

from mlqa_site.text import xml_safe

from .models import Answer, Origin, Question, Status, Verification

ITEMS = 30


def _xml_safe(value):
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom, with the characters XML cannot carry taken out of every string of
    every entry: text stored before input was cleaned (a control character in
    an answer or a name) must not make the feed fail for everyone."""

    def add_item(self, **kwargs):
        super().add_item(**{key: _xml_safe(value) for key, value in kwargs.items()})


class NewQuestionsFeed(Feed):
    feed_type = XmlSafeAtom1Feed
    title = "MLQA: new questions"
    subtitle = "Machine-learning interview questions, newest first."
    link = reverse_lazy("home")

    def items(self):
        newest = Question.objects.published().select_related("source").order_by("-created_at")
        return newest[:ITEMS]

    def item_title(self, item: Question) -> str:
        return item.title

    def item_description(self, item: Question) -> str:
        source = format_html("<p>Source: {}</p>", item.source.name) if item.source else ""
        return item.body_html + source

    def item_pubdate(self, item: Question):
        return item.created_at

    def item_updateddate(self, item: Question):
        return item.updated_at


class NewAnswersFeed(Feed):
    feed_type = XmlSafeAtom1Feed
    title = "MLQA: new answers"
    subtitle = "Answers from the community and AI models, newest first."
    link = reverse_lazy("home")

    def items(self):
        return (
            Answer.objects.published()
            .filter(question__status=Status.PUBLISHED)
            .select_related("question", "author")
            .order_by("-created_at")[:ITEMS]
        )

    def item_title(self, item: Answer) -> str:
        return f"Answer to: {item.question.title}"

    def item_description(self, item: Answer) -> str:
        return item.body_html

    def item_author_name(self, item: Answer) -> str:
        if item.is_ai:
            return f"{item.ai_model} (AI-generated)"
        return item.author.public_name if item.author else "deleted member"

    def item_pubdate(self, item: Answer):
        return item.created_at

    def item_updateddate(self, item: Answer):
        return item.updated_at


class CorrectionsFeed(Feed):
    """AI answers the community newly judged wrong or corrected: what a reader
    who learnt from them should look at again."""

    feed_type = XmlSafeAtom1Feed
    title = "MLQA: AI answers judged wrong or corrected"
    subtitle = "AI-generated answers that members found wrong, and their corrections."
    link = reverse_lazy("ai_models")

    def items(self):
        return (
            Answer.objects.published()
            .filter(origin=Origin.AI, question__status=Status.PUBLISHED)
            .filter(Q(verification=Verification.WRONG) | Q(corrected_at__isnull=False))
            .select_related("question")
            .order_by("-verification_changed_at", "-id")[:ITEMS]
        )

    def item_title(self, item: Answer) -> str:
        what = "corrected" if item.is_corrected else "judged wrong"
        return f"{item.ai_model}'s answer {what}: {item.question.title}"

    def item_description(self, item: Answer) -> str:
        if item.is_corrected:
            lead = (
                f"The AI draft by {escape(item.ai_model)} was corrected by members. The text now:"
            )
        else:
            lead = (
                f"{item.verdicts_wrong} of {item.verdict_total} members judged this answer by "
                f"{escape(item.ai_model)} wrong. Its text:"
            )
        return f"<p>{lead}</p>{item.body_html}"

    def item_pubdate(self, item: Answer):
        return item.verification_changed_at or item.updated_at

    def item_updateddate(self, item: Answer):
        return item.verification_changed_at or item.updated_at

    def item_author_name(self, item: Answer) -> str:
        return f"{item.ai_model} (AI-generated)"
