"""Answers, their revisions and votes (the last two read-only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from mlqa_site.admin_mixins import (
    ChangesPagesMixin,
    ReadOnlyAdmin,
    action_reason,
    plural,
    refusal_text,
)
from questions import services
from questions.models import (
    Answer,
    AnswerRevision,
    Verification,
    Vote,
)

from .base import ModerationActionsMixin
from .vetting import VerdictInline, VerificationFilter


class AIModelFilter(admin.SimpleListFilter):
    """The AI models that wrote answers (community answers have none: no blank link)."""

    title = "AI model"
    parameter_name = "ai_model"

    def lookups(self, request, model_admin):
        names = (
            Answer.objects.exclude(ai_model="")
            .order_by("ai_model")
            .values_list("ai_model", flat=True)
            .distinct()
        )
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(ai_model=self.value()) if self.value() else queryset


@admin.register(Answer)
class AnswerAdmin(ChangesPagesMixin, ModerationActionsMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "origin",
        "ai_model",
        "author",
        "status",
        "verification",
        "verdicts",
        "is_featured",
        "score",
        "created_at",
    ]
    list_filter = [VerificationFilter, "status", "origin", "is_featured", AIModelFilter]
    inlines = [VerdictInline]
    search_fields = ["body", "question__title", "author__username"]
    list_select_related = ["question", "author"]
    raw_id_fields = ["question", "author"]
    # The text changes only through revisions (edits, proposals, rollbacks); the
    # status through the actions, so every change is audited.
    readonly_fields = ["question", "author", "body", "origin", "ai_model", "status",
                       "is_featured", "score", "upvotes", "downvotes", "revision_count",
                       "verification", "verdicts_correct", "verdicts_partly", "verdicts_wrong",
                       "verification_confirmed_by", "corrected_at", "corrected_from",
                       "created_at"]  # fmt: skip
    actions = [
        "hide_selected",
        "restore_selected",
        "publish_selected",
        "feature_selected",
        "unfeature_selected",
        "confirm_verified",
        "confirm_wrong",
        "confirm_disputed",
        "hand_back_to_members",
    ]

    @admin.display(description="verdicts (correct / partly / wrong)")
    def verdicts(self, obj):
        return f"{obj.verdicts_correct} / {obj.verdicts_partly} / {obj.verdicts_wrong}"

    def _set_verification(self, request, queryset, state: str, done: str):
        reason = action_reason(request)
        if not reason:
            text = "Type the reason next to the action: a state set by hand is explained."
            self.message_user(request, text, messages.ERROR)
            return
        changed = 0
        for answer in queryset:
            try:
                services.set_verification(
                    moderator=request.user, answer=answer, state=state, reason=reason
                )
                changed += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{answer}: {refusal_text(exc)}", messages.WARNING)
        self.message_user(request, f"{plural(changed, 'answer')} {done}.")

    @admin.action(description="Set the state: verified (with a reason)", permissions=["change"])
    def confirm_verified(self, request, queryset):
        self._set_verification(request, queryset, Verification.VERIFIED, "marked verified")

    @admin.action(description="Set the state: judged wrong (with a reason)", permissions=["change"])
    def confirm_wrong(self, request, queryset):
        self._set_verification(request, queryset, Verification.WRONG, "marked judged wrong")

    @admin.action(description="Set the state: disputed (with a reason)", permissions=["change"])
    def confirm_disputed(self, request, queryset):
        self._set_verification(request, queryset, Verification.DISPUTED, "marked disputed")

    @admin.action(description="Hand the state back to members' verdicts", permissions=["change"])
    def hand_back_to_members(self, request, queryset):
        self._set_verification(request, queryset, "", "handed back to members' verdicts")

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    @admin.action(description="Publish the selected answers", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.publish, "published")

    def _set_featured(self, request, queryset, featured: bool) -> int:
        if action_reason(request):
            text = "Featuring records no reason in the audit log: the reason was not saved."
            self.message_user(request, text, messages.WARNING)
        return sum(
            services.set_featured(moderator=request.user, answer=a, featured=featured)
            for a in queryset
        )

    @admin.action(description="Feature (moderator's pick)", permissions=["change"])
    def feature_selected(self, request, queryset):
        count = self._set_featured(request, queryset, True)
        self.message_user(request, f"{plural(count, 'answer')} featured.")

    @admin.action(description="Stop featuring", permissions=["change"])
    def unfeature_selected(self, request, queryset):
        count = self._set_featured(request, queryset, False)
        self.message_user(request, f"{plural(count, 'answer')} no longer featured.")


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "summary", "created_at"]
    search_fields = ["body", "summary", "answer__question__title", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["answer", "author", "proposal"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["user", "answer", "value", "created_at"]
    list_filter = ["value"]
    search_fields = ["user__username", "answer__question__title"]
    list_select_related = ["user", "answer__question"]
    raw_id_fields = ["user", "answer"]
