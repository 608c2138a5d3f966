"""Moderation in the Django admin: queues that open on what needs attention,
bulk actions that call the same services as the site, and an audit log.

Moderators are staff in the Moderators group with view/change permissions
only: they hide and restore, never delete.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import diff, pagecache, services
from .models import (
    Answer,
    AnswerRevision,
    Comment,
    Flag,
    FlagStatus,
    ModerationAction,
    Proposal,
    ProposalStatus,
    Question,
    Source,
    Topic,
    Verdict,
    VerdictNoteStatus,
    Verification,
    Vote,
)
from .search import index_questions


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _reason(exc: Exception) -> str:
    """The readable text of a refusal from a service."""
    return " ".join(getattr(exc, "messages", [str(exc)]))


class ReasonActionForm(ActionForm):
    """The action bar with an optional reason, which the audit log records."""

    reason = forms.CharField(
        label="Reason (optional):",
        required=False,
        # As long as the audit log keeps (a TextField today: None, no limit).
        max_length=ModerationAction._meta.get_field("reason").max_length,
    )


def action_reason(request) -> str:
    """The reason typed next to the action (``ReasonActionForm``), or ""."""
    return request.POST.get("reason", "").strip()


def _site_link(obj, text: str | None = None):
    return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text or str(obj))


class DefaultStatusFilter(admin.SimpleListFilter):
    """A status filter that opens on what needs attention (``default``)."""

    title = "status"
    parameter_name = "status"
    default: str
    statuses: list

    def lookups(self, request, model_admin):
        return [*self.statuses, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


class ChangesPagesMixin:
    """What an admin form or action changes shows on visitors' cached pages: every
    change Django's admin logs renews them all (admin edits are rare)."""

    def log_addition(self, request, obj, message):
        pagecache.site_changed()
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        pagecache.site_changed()
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        pagecache.site_changed()
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the site keeps exact through its services (votes behind scores,
    revisions behind history, bookmarks and reviews behind practice): shown, never
    written here, by a superuser either, since a hand-made row would skew the
    counters that depend on it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModerationActionsMixin:
    """hide / restore (and publish) through the moderation services, one log each,
    with the reason typed next to the action."""

    action_form = ReasonActionForm

    def _apply(self, request, queryset, service, done: str):
        changed, reason = 0, action_reason(request)
        for obj in queryset:
            try:
                changed += bool(service(moderator=request.user, target=obj, reason=reason))
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{obj}: {_reason(exc)}", messages.WARNING)
        self.message_user(request, f"{_plural(changed, self.model._meta.verbose_name)} {done}.")

    @admin.action(description="Hide the selected items", permissions=["change"])
    def hide_selected(self, request, queryset):
        self._apply(request, queryset, services.hide, "hidden")

    @admin.action(description="Restore the selected items", permissions=["change"])
    def restore_selected(self, request, queryset):
        self._apply(request, queryset, services.restore, "restored")


@admin.register(Source)
class SourceAdmin(ChangesPagesMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "url", "question_count"]
    list_filter = ["kind"]
    search_fields = ["name", "url"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]  # the count's GROUP BY drops Meta.ordering; autocomplete pages

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    @admin.display(description="questions", ordering="n_questions")
    def question_count(self, obj) -> int:
        return obj.n_questions


@admin.register(Topic)
class TopicAdmin(ChangesPagesMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class QuestionSearch(AutocompleteSelect):
    """Django's autocomplete, which also shows the form again after a posted
    value that is not an id (Django's own looks it up and fails with a 500)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if str(v).isdecimal()], attr)


class MergeForm(forms.Form):
    """The question the duplicates fold into, picked by searching its title."""

    into = forms.ModelChoiceField(
        label="Merge into",
        queryset=Question.objects.none(),  # set in __init__: published, not merged away
        help_text="Type a few words of the title of the question that stays.",
        error_messages={
            "required": "Choose the question that stays.",
            "invalid_choice": "That question is not published, or was itself merged away: "
            "choose a published question.",
        },
    )
    reason = forms.CharField(required=False, max_length=300)

    def __init__(self, *args, duplicates, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        into = self.fields["into"]
        # merged_into's choices are exactly the questions one may merge into.
        target = Question._meta.get_field("merged_into")
        into.widget = QuestionSearch(target, admin_site)
        into.queryset = Question.objects.complex_filter(target.get_limit_choices_to())
        self.duplicate_ids = {question.pk for question in duplicates}

    def clean_into(self):
        into = self.cleaned_data["into"]
        if into.pk in self.duplicate_ids:
            raise ValidationError(
                f"“{into}” is one of the questions being merged, and a question cannot be "
                "merged into itself: choose the question that stays."
            )
        return into


@admin.register(Question)
class QuestionAdmin(ChangesPagesMixin, ModerationActionsMixin, admin.ModelAdmin):
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
    fields = ["title", "body", "source", "source_reference", "difficulty", "topics",
              "status", "submitted_by", "merged_into", "slug", "answer_count",
              "bookmark_count", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = ["status", "merged_into", "slug", "answer_count", "bookmark_count",
                       "created_at", "updated_at"]  # fmt: skip
    date_hierarchy = "created_at"
    actions = ["publish_selected", "hide_selected", "restore_selected", "merge_selected"]
    # The merge form searches questions through the admin's autocomplete view
    # for this field (tests/accounts/test_admin_security.py walks these too).
    intermediate_autocomplete_fields = ["merged_into"]

    def save_model(self, request, obj, form, change):
        obj.render()
        super().save_model(request, obj, form, change)
        index_questions([obj.pk])
        if change and form.changed_data:
            services.moderation.log(
                moderator=request.user, action=ModerationAction.Kind.EDIT, target=obj,
                reason="changed " + ", ".join(form.changed_data),
            )  # fmt: skip

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    @admin.action(description="Publish the selected questions", permissions=["change"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, services.publish, "published")

    @admin.action(
        description="Merge the selected duplicates into another question…", permissions=["change"]
    )
    def merge_selected(self, request, queryset):
        form = MergeForm(
            request.POST if "apply" in request.POST else None,
            initial={"reason": action_reason(request)},
            duplicates=queryset,
            admin_site=self.admin_site,
        )
        if form.is_valid():
            into, merged = form.cleaned_data["into"], 0
            for duplicate in queryset:
                try:
                    services.merge_questions(
                        moderator=request.user, duplicate=duplicate, into=into,
                        reason=form.cleaned_data["reason"],
                    )  # fmt: skip
                    merged += 1
                except ValidationError as exc:
                    self.message_user(request, f"{duplicate}: {_reason(exc)}", messages.ERROR)
            self.message_user(request, f"{_plural(merged, 'question')} merged into “{into}”.")
            return None
        return TemplateResponse(
            request,
            "admin/questions/question/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge duplicate questions",
                "opts": self.model._meta,
                "questions": queryset,
                "form": form,
                "media": self.media + form.media,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


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
                self.message_user(request, f"{answer}: {_reason(exc)}", messages.WARNING)
        self.message_user(request, f"{_plural(changed, 'answer')} {done}.")

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
        self.message_user(request, f"{_plural(count, 'answer')} featured.")

    @admin.action(description="Stop featuring", permissions=["change"])
    def unfeature_selected(self, request, queryset):
        count = self._set_featured(request, queryset, False)
        self.message_user(request, f"{_plural(count, 'answer')} no longer featured.")


@admin.register(AnswerRevision)
class AnswerRevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "author", "summary", "created_at"]
    search_fields = ["body", "summary", "answer__question__title", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["answer", "author", "proposal"]


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
        "changes",
    ]
    readonly_fields = fields
    actions = ["accept_selected", "reject_selected"]
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
        return _site_link(obj.answer, f"#{obj.answer_id} ({obj.answer.get_origin_display()})")

    @admin.display(description="answer")
    def answer_link(self, obj):
        return self.answer_kind(obj)

    @admin.display(description="waiting", ordering="created_at")
    def age(self, obj):
        days = (timezone.now() - obj.created_at).days
        return "today" if days == 0 else _plural(days, "day")

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

    def _review(self, request, proposals, service, done: str):
        count = 0
        for proposal in proposals:
            try:
                service(user=request.user, proposal=proposal)
                count += 1
            except (services.Conflict, ValidationError, PermissionDenied) as exc:
                hint = " Review it on the site." if isinstance(exc, services.Conflict) else ""
                text = f"Proposal #{proposal.pk}: {_reason(exc)}{hint}"
                self.message_user(request, text, messages.WARNING)
        self.message_user(request, f"{_plural(count, 'proposal')} {done}.")

    @admin.action(description="Accept the selected proposals", permissions=["change"])
    def accept_selected(self, request, queryset):
        self._review(request, queryset, services.accept_proposal, "accepted")

    @admin.action(description="Reject the selected proposals", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset, services.reject_proposal, "rejected")

    def response_change(self, request, obj):
        buttons = [
            ("_accept", services.accept_proposal, "accepted"),
            ("_reject", services.reject_proposal, "rejected"),
        ]
        for button, service, done in buttons:
            if button in request.POST:
                self._review(request, [obj], service, done)
                return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        """Every field is read-only: the buttons review, nothing is saved."""


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["user", "answer", "value", "created_at"]
    list_filter = ["value"]
    search_fields = ["user__username", "answer__question__title"]
    list_select_related = ["user", "answer__question"]
    raw_id_fields = ["user", "answer"]


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
        self.message_user(request, f"{_plural(len(verdicts), 'verdict')} {done}.")

    @admin.action(description="Hide the selected verdicts", permissions=["change"])
    def hide_verdicts(self, request, queryset):
        self._set_hidden(request, queryset.filter(note_status=VerdictNoteStatus.PUBLISHED),
                         True, "hidden")  # fmt: skip

    @admin.action(description="Restore the selected verdicts", permissions=["change"])
    def restore_verdicts(self, request, queryset):
        self._set_hidden(request, queryset.filter(note_status=VerdictNoteStatus.HIDDEN),
                         False, "restored")  # fmt: skip


@admin.register(Comment)
class CommentAdmin(ChangesPagesMixin, ModerationActionsMixin, admin.ModelAdmin):
    list_display = ["__str__", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body", "author__username"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "answer", "question"]
    readonly_fields = ["author", "answer", "question", "status", "created_at"]
    actions = ["hide_selected", "restore_selected"]

    def save_model(self, request, obj, form, change):
        obj.render()
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            services.moderation.log(
                moderator=request.user, action=ModerationAction.Kind.EDIT, target=obj
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
        self.message_user(request, f"{_plural(count, 'flag')} {done}.")

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
