"""Sources, topics and questions: the catalogue, edited through the content service."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse

from mlqa_site.admin_mixins import (
    ChangesPagesMixin,
    action_reason,
    plural,
    refusal_text,
)
from questions import services
from questions.models import (
    Question,
    Source,
    Topic,
)

from .base import ModerationActionsMixin


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
        """Rendered, indexed and audited by the same service as every question edit;
        the topics follow in ``save_related``."""
        services.save_question(
            editor=request.user, question=obj, changed=form.changed_data if change else ()
        )

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
                    self.message_user(request, f"{duplicate}: {refusal_text(exc)}", messages.ERROR)
            self.message_user(request, f"{plural(merged, 'question')} merged into “{into}”.")
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
