"""Where questions come from, what they are about, and the questions themselves."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify

from questions.markdown import render_markdown


class Status(models.TextChoices):
    """Visibility of a question or an answer. Moderation hides, never deletes."""

    PUBLISHED = "published", "Published"
    PENDING = "pending", "Pending review"
    HIDDEN = "hidden", "Hidden"


class SourceKind(models.TextChoices):
    BOOK = "book", "Book"
    WEBSITE = "website", "Website"
    COMMUNITY = "community", "Community"
    OTHER = "other", "Other"


class Difficulty(models.TextChoices):
    UNRATED = "unrated", "Unrated"
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Source(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    url = models.URLField(blank=True, help_text="Home page of the book or site.")
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("source_detail", args=[self.slug])


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", args=[self.slug])


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def for_list(self):
        """What a row of the question list shows, in a constant number of queries."""
        return self.select_related("source").prefetch_related("topics")


class QuestionManager(models.Manager.from_queryset(QuestionQuerySet)):
    def get_queryset(self):
        # The search vectors are only read inside SQL; never load them into Python.
        return super().get_queryset().defer("search_vector", "title_vector", "snippet_source")


class Question(models.Model):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, allow_unicode=False)
    body = models.TextField(
        blank=True, help_text="Optional details, in markdown (context, constraints)."
    )
    body_html = models.TextField(blank=True, editable=False)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )
    source_reference = models.CharField(
        max_length=200, blank=True, help_text="Chapter, section or page in the source."
    )
    difficulty = models.CharField(
        max_length=10, choices=Difficulty.choices, default=Difficulty.UNRATED
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="questions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_questions",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        editable=False,
        # What a duplicate may be merged into (the admin's merge form searches these).
        limit_choices_to={"status": "published", "merged_into__isnull": True},
        help_text="The question this duplicate was merged into; its URL redirects there.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Denormalised counters, kept exact by questions.services with F() updates.
    answer_count = models.PositiveIntegerField(default=0, editable=False)
    bookmark_count = models.PositiveIntegerField(default=0, editable=False)
    # The best published answer by the site's ranking, with the two facts the
    # list sorts and filters on, so a list row needs no subquery. Kept exact by
    # questions.topanswer.refresh_top_answer, which every service that changes
    # an answer's rank, visibility or question calls.
    top_answer = models.ForeignKey(
        "questions.Answer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    top_answer_score = models.IntegerField(null=True, blank=True, editable=False)
    top_answer_origin = models.CharField(max_length=10, blank=True, editable=False)
    # Empirical difficulty (study/empirical.py): members' first practice reviews
    # and how many of them were rated Again, kept exact by the review and undo
    # services; the share in percent once there are enough of them, else null.
    first_reviews = models.PositiveIntegerField(default=0, editable=False)
    first_misses = models.PositiveIntegerField(default=0, editable=False)
    missed_first = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Percent of members who rated their first review Again (with enough reviews).",
    )
    # The "top answer score" sort has an index on PostgreSQL (migration 0015):
    # SQLite cannot index NULLS LAST.
    # PostgreSQL full-text document (title A, body B, answers C), kept current by
    # questions.search.index_questions; a GIN index is added on PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)
    # The title alone (no weights), kept with search_vector: a search ranks its
    # matches by this small vector first, cheaply, to choose its candidates.
    title_vector = SearchVectorField(null=True, editable=False)
    # The start of the body and answers as plain text (questions.search.
    # SNIPPET_SOURCE_CHARS), kept with search_vector: a search's snippets are
    # highlighted in it, not in the whole document.
    snippet_source = models.TextField(blank=True, default="", editable=False)

    objects = QuestionManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="question_status_new_idx"),
            models.Index(fields=["status", "difficulty"], name="question_difficulty_idx"),
            # The "most bookmarked" sort and the related questions on a question page.
            models.Index(
                fields=["status", "-bookmark_count", "-created_at"], name="question_bookmarked_idx"
            ),
            models.Index(fields=["status", "missed_first"], name="question_missed_first_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="question_title_not_empty"),
            models.CheckConstraint(
                condition=Q(first_misses__lte=F("first_reviews")) & Q(missed_first__lte=100),
                name="question_missed_first_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("question_detail", args=[self.pk, self.slug or "-"])

    def render(self) -> None:
        """Refresh the stored slug and HTML from the title and markdown body."""
        self.slug = slugify(self.title)[:120].rstrip("-") or "question"
        self.body_html = render_markdown(self.body)
