"""Members' proposals (the review queue) and comments."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from mlqa_site.admin_mixins import (
    ChangesPagesMixin,
    DefaultStatusFilter,
    ReasonActionForm,
    action_reason,
    plural,
    refusal_text,
    site_link,
)
from questions import diff, services
from questions.models import (
    Comment,
    CommentStatus,
    Proposal,
    ProposalStatus,
)

from .base import ModerationActionsMixin


class ProposalStatusFilter(DefaultStatusFilter):
    default = ProposalStatus.PENDING
    statuses = ProposalStatus.choices


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """The review queue: pending first, the diff on the page, accept or reject."""

    list_display = ["question", "answer_kind", "author", "reason", "age", "status"]
    list_filter = [ProposalStatusFilter]
    search_fields = ["reason", "body", "answer__question__title", "author__username"]
    list_select_related = ["answer__question", "author"]
    fields = [
        "answer_link",
        "author",
        "reason",
        "status",
        "base_revision",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
        "changes",
    ]
    readonly_fields = fields
    actions = ["accept_selected", "reject_selected"]
    action_form = ReasonActionForm  # a rejection's reason, told to the proposer
    change_form_template = "admin/questions/proposal/change_form.html"

    class Media:
        css = {"all": ["css/admin-diff.css"]}

    ordering = ["created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="question", ordering="answer__question__title")
    def question(self, obj):
        return obj.answer.question

    @admin.display(description="answer")
    def answer_kind(self, obj):
        return site_link(obj.answer, f"#{obj.answer_id} ({obj.answer.get_origin_display()})")

    @admin.display(description="answer")
    def answer_link(self, obj):
        return self.answer_kind(obj)

    @admin.display(description="waiting", ordering="created_at")
    def age(self, obj):
        days = (timezone.now() - obj.created_at).days
        return "today" if days == 0 else plural(days, "day")

    @admin.display(description="changes")
    def changes(self, obj):
        """As the site's proposal page shows them: words removed and added, wrapped
        and coloured (css/admin-diff.css). An accepted proposal shows what it
        changed, the diff stored with its revision; any other, its changes
        against the current answer (questions.diff, bounded)."""
        revision = obj.revisions.order_by("number").first() if obj.status == "accepted" else None
        if revision is not None and revision.diff_base is not None:
            changes = diff.Diff(mark_safe(revision.diff_html), revision.diff_coarse)
            what = f"What it changed (revision {revision.number} of the answer):"
        else:
            changes = diff.compare(obj.answer.body, obj.body)
            what = "Against the current answer:"
        note = render_to_string("questions/includes/diff_note.html") if changes.coarse else ""
        return format_html('<p>{}</p>{}<pre class="diff">{}</pre>', what, mark_safe(note), changes)

    def _review(self, request, proposals, service, done: str, **options):
        count = 0
        for proposal in proposals:
            try:
                service(user=request.user, proposal=proposal, **options)
                count += 1
            except (services.Conflict, ValidationError, PermissionDenied) as exc:
                hint = " Review it on the site." if isinstance(exc, services.Conflict) else ""
                text = f"Proposal #{proposal.pk}: {refusal_text(exc)}{hint}"
                self.message_user(request, text, messages.WARNING)
        self.message_user(request, f"{plural(count, 'proposal')} {done}.")

    @admin.action(description="Accept the selected proposals", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._review(request, queryset, services.accept_proposal, "accepted")

    @admin.action(description="Reject the selected proposals", permissions=["change"])
    def reject_selected(self, request, queryset):
        reason = action_reason(request)
        self._review(request, queryset, services.reject_proposal, "rejected", reason=reason)

    def response_change(self, request, obj):
        buttons = [
            ("_accept", services.accept_proposal, "accepted"),
            ("_reject", services.reject_proposal, "rejected"),
        ]
        for button, service, done in buttons:
            if button in request.POST:
                # A rejection carries the reviewer's reason (the proposer is told it).
                reason = {"reason": request.POST.get("rejection_reason", "")}
                self._review(
                    request, [obj], service, done, **(reason if button == "_reject" else {})
                )
                return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        """Every field is read-only: the buttons review, nothing is saved."""


@admin.register(Comment)
class CommentAdmin(ChangesPagesMixin, ModerationActionsMixin, admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "answer", "question"]
    readonly_fields = ["author", "answer", "question", "status", "created_at"]
    actions = ["hide_selected", "restore_selected"]

    def has_add_permission(self, request):
        return False  # comments are written on the site, under an answer or a question

    def get_readonly_fields(self, request, obj=None):
        """Only a published comment's text can be edited (as on the site); restore a
        hidden one first."""
        if obj is not None and obj.status == CommentStatus.PUBLISHED:
            return self.readonly_fields
        return [*self.readonly_fields, "body"]

    def save_model(self, request, obj, form, change):
        """Saved, rendered, invalidated and audited by the site's own ``edit_comment``."""
        if change and "body" in form.changed_data:
            services.edit_comment(user=request.user, comment=obj, body=obj.body)
