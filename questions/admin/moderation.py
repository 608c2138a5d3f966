"""Flags, grouped by what they point at, and the audit log."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from mlqa_site.admin_mixins import (
    DefaultStatusFilter,
    ReasonActionForm,
    action_reason,
    plural,
    refusal_text,
)
from questions import services
from questions.embeddings.store import from_bytes
from questions.models import (
    Flag,
    FlagReason,
    FlagStatus,
    ModerationAction,
    QuestionVector,
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
        "side_by_side",
    ]
    actions = ["resolve_and_hide", "resolve_and_keep", "dismiss_selected", "merge_into_original"]
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

    @admin.display(description="the two questions")
    def side_by_side(self, obj):
        """A duplicate flag's question and the original it names, next to each other."""
        flagged, original = obj.question, obj.duplicate_of
        if flagged is None or original is None:
            return "—"
        vectors = dict(
            QuestionVector.objects.filter(pk__in=[flagged.pk, original.pk]).values_list(
                "question_id", "vector"
            )
        )
        closeness = "no vectors yet"
        if len(vectors) == 2:
            cosine = float(from_bytes(vectors[flagged.pk]) @ from_bytes(vectors[original.pk]))
            closeness = f"cosine similarity {cosine:.2f}"
        cell = '<td><p><a href="{}">#{} {}</a> ({})</p><div>{}</div></td>'
        return format_html(
            '<table class="side-by-side"><tr><th>Flagged</th><th>Original</th></tr>'
            "<tr>" + cell + cell + "</tr></table><p>{}</p>",
            flagged.get_absolute_url(),
            flagged.pk,
            flagged.title,
            flagged.get_status_display(),
            mark_safe(flagged.body_html),
            original.get_absolute_url(),
            original.pk,
            original.title,
            original.get_status_display(),
            mark_safe(original.body_html),
            closeness,
        )

    @admin.action(
        description="Merge the flagged duplicate into the original it names",
        permissions=["change"],
    )
    def merge_into_original(self, request, queryset):
        """The existing merge (services.merge_questions), for open duplicate flags."""
        merged, reason = 0, action_reason(request)
        flags = queryset.filter(
            status=FlagStatus.OPEN,
            reason=FlagReason.DUPLICATE,
            question__isnull=False,
            duplicate_of__isnull=False,
        ).select_related("question", "duplicate_of")
        for flag in flags:
            duplicate = flag.question
            duplicate.refresh_from_db()
            if duplicate.merged_into_id is not None:
                continue  # merged by an earlier flag on it
            try:
                services.merge_questions(
                    moderator=request.user,
                    duplicate=duplicate,
                    into=flag.duplicate_of,
                    reason=reason or f"duplicate flag #{flag.pk}",
                )
            except ValidationError as exc:
                self.message_user(request, f"{duplicate}: {refusal_text(exc)}", messages.ERROR)
                continue
            merged += 1
        self.message_user(request, f"{plural(merged, 'question')} merged into the original.")

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
