from django.contrib import admin

from .models import (
    Answer,
    AnswerRevision,
    Bookmark,
    Comment,
    Flag,
    Proposal,
    Question,
    Review,
    Source,
    Topic,
    Vote,
)
from .search import index_questions


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "url"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "difficulty",
        "source",
        "answer_count",
        "bookmark_count",
        "submitted_by",
        "created_at",
    ]
    list_filter = ["status", "difficulty", "source", "topics"]
    search_fields = ["title", "body", "submitted_by__username"]
    list_select_related = ["source", "submitted_by"]
    autocomplete_fields = ["source", "topics"]
    raw_id_fields = ["submitted_by"]
    readonly_fields = ["slug", "answer_count", "bookmark_count", "created_at", "updated_at"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        obj.render()
        super().save_model(request, obj, form, change)
        index_questions([obj.pk])


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "origin",
        "ai_model",
        "author",
        "status",
        "is_featured",
        "score",
        "created_at",
    ]
    list_filter = ["status", "origin", "is_featured", "ai_model"]
    search_fields = ["body", "question__title", "author__username"]
    list_select_related = ["question", "author"]
    raw_id_fields = ["question", "author"]
    # The text changes only through revisions (edits, accepted proposals).
    readonly_fields = ["body", "score", "upvotes", "downvotes", "revision_count", "created_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        index_questions([obj.question_id])


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "summary", "created_at"]
    search_fields = ["body", "summary", "answer__question__title", "author__username"]
    list_select_related = ["answer", "author"]
    raw_id_fields = ["answer", "author", "proposal"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "reason", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["reason", "body", "answer__question__title", "author__username"]
    list_select_related = ["answer", "author"]
    raw_id_fields = ["answer", "author", "base_revision", "reviewed_by"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["user", "answer", "value", "created_at"]
    list_filter = ["value"]
    search_fields = ["user__username", "answer__question__title"]
    list_select_related = ["user", "answer__question"]
    raw_id_fields = ["user", "answer"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "answer", "question"]

    def save_model(self, request, obj, form, change):
        obj.render()
        super().save_model(request, obj, form, change)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reporter", "reason", "status", "note", "created_at"]
    list_filter = ["status", "reason"]
    search_fields = ["note", "reporter__username"]
    list_select_related = ["reporter"]
    raw_id_fields = ["reporter", "question", "answer", "comment", "resolved_by"]


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    readonly_fields = ["rating", "reviewed_at", "due_after", "duration_ms"]
    can_delete = False


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    """Bookmarks are private; the admin shows them to superusers for support only."""

    list_display = ["user", "question", "due", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["user__username", "question__title"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question"]
    inlines = [ReviewInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["bookmark", "rating", "reviewed_at", "due_after"]
    list_filter = ["rating"]
    search_fields = ["bookmark__user__username", "bookmark__question__title"]
    list_select_related = ["bookmark__user", "bookmark__question"]
    raw_id_fields = ["bookmark"]
