"""Flags, grouped by what they point at, and the audit log."""

from django.contrib import admin
from django.db.models import Case, Count, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.html import format_html

from mlqa_site.admin_mixins import (
    DefaultStatusFilter,
    ReasonActionForm,
    action_reason,
    plural,
)
from questions import services
from questions.models import (
    Flag,
    FlagStatus,
    ModerationAction,
)


class FlagStatusFilter(DefaultStatusFilter):
    default = FlagStatus.OPEN
    statuses = FlagStatus.choices


def _open_flags_on(field: str):
    same = (
        Flag.objects.filter(status=FlagStatus.OPEN, **{field: OuterRef(field)})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(same), 0)


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Open flags, grouped by what they point at, with how many flags it has."""

    list_display = [
        "target_link",
        "open_on_target",
        "reason",
        "duplicate_link",
        "note",
        "reporter",
        "status",
        "created_at",
    ]
    list_filter = [FlagStatusFilter, "reason"]
    search_fields = [
        "note",
        "reporter__username",
        "question__title",
        "answer__body",
        "comment__body",
    ]
    list_select_related = [
        "reporter",
        "question",
        "answer__question",
        "comment__author",
        "comment__answer__question",
        "comment__question",
        "duplicate_of",
    ]
    readonly_fields = [
        "reporter",
        "question",
        "answer",
        "comment",
        "reason",
        "duplicate_of",
        "note",
        "status",
        "resolved_by",
        "resolved_at",
        "created_at",
    ]
    actions = ["resolve_and_hide", "resolve_and_keep", "dismiss_selected"]
    action_form = ReasonActionForm

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_flags=Case(
                    When(question__isnull=False, then=_open_flags_on("question")),
                    When(answer__isnull=False, then=_open_flags_on("answer")),
                    default=_open_flags_on("comment"),
                )
            )
            .order_by("question_id", "answer_id", "comment_id", "-created_at")
        )

    @admin.display(description="flagged content")
    def target_link(self, obj):
        target = obj.target
        text = str(target)[:80]
        return format_html(
            '{}: <a href="{}">{}</a>', obj.target_label, target.get_absolute_url(), text
        )

    @admin.display(description="duplicate of")
    def duplicate_link(self, obj):
        original = obj.duplicate_of
        if original is None:
            return "—"
        return format_html(
            '<a href="{}">#{} {}</a>', original.get_absolute_url(), original.pk, original.title[:80]
        )

    @admin.display(description="open flags on it", ordering="open_flags")
    def open_on_target(self, obj):
        return obj.open_flags

    def _act(self, request, queryset, done: str, **kwargs):
        count, reason = 0, action_reason(request)
        for flag in queryset.filter(status=FlagStatus.OPEN):
            flag.refresh_from_db()
            if flag.status != FlagStatus.OPEN:  # closed by hiding the same target
                count += 1
                continue
            if "dismiss" in kwargs:
                services.dismiss_flag(moderator=request.user, flag=flag, reason=reason)
            else:
                services.resolve_flag(moderator=request.user, flag=flag, reason=reason, **kwargs)
            count += 1
        self.message_user(request, f"{plural(count, 'flag')} {done}.")

    @admin.action(description="Resolve: hide the flagged content", permissions=["change"])
    def resolve_and_hide(self, request, queryset):
        self._act(request, queryset, "resolved, content hidden", hide_target=True)

    @admin.action(description="Resolve: keep the content", permissions=["change"])
    def resolve_and_keep(self, request, queryset):
        self._act(request, queryset, "resolved, content kept", hide_target=False)

    @admin.action(description="Dismiss the selected flags", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        self._act(request, queryset, "dismissed", dismiss=True)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: read-only, for every moderator."""

    list_display = ["created_at", "moderator", "action", "target", "reason"]
    list_filter = ["action", ("moderator", admin.RelatedOnlyFieldListFilter), "target_type"]
    search_fields = ["target_repr", "reason", "moderator__username"]
    list_select_related = ["moderator"]
    date_hierarchy = "created_at"

    @admin.display(description="target")
    def target(self, obj):
        return f"{obj.target_type} #{obj.target_id}: {obj.target_repr}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
