"""Members' verdicts on answers, and the filters of the answers' verification queue."""

from django.contrib import admin

from mlqa_site.admin_mixins import (
    ReasonActionForm,
    action_reason,
    plural,
)
from questions import services
from questions.models import (
    Verdict,
    VerdictNoteStatus,
    Verification,
)


class VerificationFilter(admin.SimpleListFilter):
    """Answers by verification state; "disputed" is the queue of answers whose
    verdicts disagree, "corrected" the AI answers the community fixed."""

    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            (Verification.DISPUTED, "Disputed: verdicts disagree"),
            (Verification.WRONG, "Judged wrong"),
            (Verification.VERIFIED, "Verified"),
            (Verification.UNREVIEWED, "Unreviewed"),
            ("corrected", "Corrected AI answers"),
            ("confirmed", "Confirmed by a moderator"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "corrected":
                return queryset.filter(corrected_at__isnull=False)
            case "confirmed":
                return queryset.filter(verification_confirmed_by__isnull=False)
            case state if state in Verification.values:
                return queryset.filter(verification=state)
        return queryset


class VerdictInline(admin.TabularInline):
    """Members' verdicts on the answer, with their notes (read-only: hide one
    from the verdicts list)."""

    model = Verdict
    fields = ["user", "value", "note", "revision_number", "note_status", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "revision")

    @admin.display(description="on revision")
    def revision_number(self, obj):
        return obj.revision.number

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    """Verdicts are members' words: moderators hide a bad one (it stops counting)
    and restore it, never edit or delete it."""

    list_display = [
        "user",
        "answer",
        "value",
        "short_note",
        "revision",
        "note_status",
        "updated_at",
    ]
    list_filter = ["value", "note_status", "answer__verification"]
    search_fields = ["note", "user__username", "answer__question__title"]
    list_select_related = ["user", "answer__question", "revision"]
    raw_id_fields = ["user", "answer", "revision"]
    readonly_fields = ["user", "answer", "revision", "value", "note", "note_status", "created_at",
                       "updated_at"]  # fmt: skip
    exclude = ["note_html"]
    action_form = ReasonActionForm
    actions = ["hide_verdicts", "restore_verdicts"]

    @admin.display(description="note")
    def short_note(self, obj):
        return obj.note[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _set_hidden(self, request, queryset, hidden: bool, done: str):
        reason, verdicts = action_reason(request), list(queryset)
        for verdict in verdicts:
            services.set_verdict_hidden(
                moderator=request.user, verdict=verdict, hidden=hidden, reason=reason
            )
        self.message_user(request, f"{plural(len(verdicts), 'verdict')} {done}.")

    @admin.action(description="Hide the selected verdicts", permissions=["change"])
    def hide_verdicts(self, request, queryset):
        self._set_hidden(request, queryset.filter(note_status=VerdictNoteStatus.PUBLISHED),
                         True, "hidden")  # fmt: skip

    @admin.action(description="Restore the selected verdicts", permissions=["change"])
    def restore_verdicts(self, request, queryset):
        self._set_hidden(request, queryset.filter(note_status=VerdictNoteStatus.HIDDEN),
                         False, "restored")  # fmt: skip
