"""Atom feeds of new questions and new answers."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Answer, Question, Status

ITEMS = 30


class NewQuestionsFeed(Feed):
    feed_type = Atom1Feed
    title = "MLQA: new questions"
    subtitle = "Machine-learning interview questions, newest first."
    link = reverse_lazy("home")

    def items(self):
        newest = Question.objects.published().select_related("source").order_by("-created_at")
        return newest[:ITEMS]

    def item_title(self, item: Question) -> str:
        return item.title

    def item_description(self, item: Question) -> str:
        source = f"<p>Source: {item.source.name}</p>" if item.source else ""
        return item.body_html + source

    def item_pubdate(self, item: Question):
        return item.created_at

    def item_updateddate(self, item: Question):
        return item.updated_at


class NewAnswersFeed(Feed):
    feed_type = Atom1Feed
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
