from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Question, Source, Status, Topic


class QuestionSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return Question.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, item: Question):
        return item.updated_at


class SourceSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Source.objects.filter(questions__status=Status.PUBLISHED).distinct()


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Topic.objects.filter(questions__status=Status.PUBLISHED).distinct()


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["home"]

    def location(self, item: str) -> str:
        return reverse(item)


class IndexSitemap(HomeSitemap):
    """The pages listing every topic and every source."""

    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return ["topic_index", "source_index"]


SITEMAPS = {
    "home": HomeSitemap,
    "indexes": IndexSitemap,
    "questions": QuestionSitemap,
    "sources": SourceSitemap,
    "topics": TopicSitemap,
}
