"""Study data in the admin: bookmarks and reviews read-only for superusers
(moderators have no permission on them), interview reports hidden or shown by
moderators through the same audit log as the rest of moderation."""

from django.contrib import admin
from django.db.models import Count

from mlqa_site.admin_mixins import (
    ChangesPagesMixin,
    ReadOnlyAdmin,
    ReasonActionForm,
    action_reason,
    plural,
)

from . import company_admin  # noqa: F401 (registers the companies and aliases)
from . import services as study_services
from .models import Bookmark, InterviewReport, Review
from .models.plans import StudyPlan, StudyPlanItem


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    readonly_fields = ["rating", "reviewed_at", "due_after", "duration_ms"]
    can_delete = False


@admin.register(Bookmark)
class BookmarkAdmin(ReadOnlyAdmin):
    """Bookmarks are private; the admin shows them to superusers for support only,
    removed ones too (their note waits for the member to bookmark again).
    Moderators have no permission on them at all."""

    list_display = ["user", "question", "due", "state", "created_at", "removed_at"]
    list_filter = ["state", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "question__title"]
    list_select_related = ["user", "question"]
    raw_id_fields = ["user", "question"]
    inlines = [ReviewInline]

    def get_queryset(self, request):
        return Bookmark.all_objects.select_related("user", "question")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["bookmark", "rating", "reviewed_at", "due_after"]
    list_filter = ["rating"]
    search_fields = ["bookmark__user__username", "bookmark__question__title"]
    list_select_related = ["bookmark__user", "bookmark__question"]
    raw_id_fields = ["bookmark"]


@admin.register(InterviewReport)
class InterviewReportAdmin(ChangesPagesMixin, admin.ModelAdmin):
    """Reports that a question was asked in an interview. Moderators hide spam or
    abuse (it then stops counting); they never edit a report, nor delete it."""

    list_display = [
        "question",
        "company",
        "level",
        "year",
        "is_held",
        "is_hidden",
        "user",
        "created_at",
    ]
    list_filter = ["is_held", "is_hidden", "level", "year"]
    search_fields = ["question__title", "company", "user__username"]
    list_select_related = ["question", "user"]
    raw_id_fields = ["user", "question"]
    date_hierarchy = "created_at"
    actions = ["approve_reports", "hide_reports", "show_reports"]
    action_form = ReasonActionForm

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["created_at"]
        return ["user", "question", "company", "level", "year", "created_at", "is_held"]

    def save_model(self, request, obj, form, change):
        """Hiding or showing goes through the service (audit, cached pages); a
        superuser's other corrections are saved as they are."""
        if change and "is_held" in form.changed_data and not obj.is_held:
            study_services.approve_reports(moderator=request.user, report_ids=[obj.pk])
        if change and "is_hidden" in form.changed_data:
            study_services.set_reports_hidden(
                moderator=request.user, report_ids=[obj.pk], hidden=obj.is_hidden
            )
            if set(form.changed_data) == {"is_hidden"}:
                return
        super().save_model(request, obj, form, change)

    def _set_hidden(self, request, queryset, hidden: bool) -> int:
        """Hide or show reports that are not so yet; one audit record per report."""
        changed = study_services.set_reports_hidden(
            moderator=request.user,
            report_ids=list(queryset.values_list("pk", flat=True)),
            hidden=hidden,
            reason=action_reason(request),
        )
        for report in changed:
            self.log_change(request, report, [{"changed": {"fields": ["is_hidden"]}}])
        return len(changed)

    @admin.action(description="Approve the selected held reports", permissions=["change"])
    def approve_reports(self, request, queryset):
        """Held reports (members without a verified e-mail) count once approved."""
        approved = study_services.approve_reports(
            moderator=request.user,
            report_ids=list(queryset.values_list("pk", flat=True)),
            reason=action_reason(request),
        )
        for report in approved:
            self.log_change(request, report, [{"changed": {"fields": ["is_held"]}}])
        count = len(approved)
        self.message_user(request, f"{count} report{'s' if count != 1 else ''} approved.")

    @admin.action(description="Hide the selected reports", permissions=["change"])
    def hide_reports(self, request, queryset):
        count = self._set_hidden(request, queryset, True)
        self.message_user(request, f"{plural(count, 'report')} hidden.")

    @admin.action(description="Show the selected reports again", permissions=["change"])
    def show_reports(self, request, queryset):
        count = self._set_hidden(request, queryset, False)
        self.message_user(request, f"{plural(count, 'report')} shown again.")


class StudyPlanItemInline(admin.StackedInline):
    """Stacked, with a question id and its lookup: every field keeps a visible label."""

    model = StudyPlanItem
    extra = 1
    fields = ["position", "question"]
    raw_id_fields = ["question"]
    ordering = ["position", "pk"]


@admin.register(StudyPlan)
class StudyPlanAdmin(admin.ModelAdmin):
    """Moderators build plans: an ordered list of questions (smaller position first)
    and a pace in days. Members who started a plan keep the questions it had then;
    unpublish a plan instead of deleting it."""

    list_display = ["title", "days", "question_count", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "description", "items__question__title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StudyPlanItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("items"))

    @admin.display(description="questions", ordering="question_total")
    def question_count(self, plan) -> int:
        return plan.question_total
