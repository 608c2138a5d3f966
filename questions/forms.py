"""Forms for community actions. Length limits are the model fields' own
(``max_length_of``), so a form never accepts what the database refuses, nor
refuses what it keeps."""

import re

from django import forms

from .models import AnswerRevision, Comment, Flag, FlagReason, Proposal, Question, Source, Topic


def max_length_of(model, field: str) -> int:
    return model._meta.get_field(field).max_length


ANSWER_MAX = 20_000
COMMENT_MAX = max_length_of(Comment, "body")
REASON_MAX = max_length_of(Proposal, "reason")
TITLE_MIN = 15


class MarkdownField(forms.CharField):
    def __init__(self, *, min_length: int = 1, max_length: int, rows: int = 10, **kwargs):
        kwargs.setdefault("strip", True)
        super().__init__(
            min_length=min_length,
            max_length=max_length,
            widget=forms.Textarea(attrs={"rows": rows, "class": "markdown-input"}),
            **kwargs,
        )


class AnswerForm(forms.Form):
    body = MarkdownField(
        label="Your answer",
        min_length=30,
        max_length=ANSWER_MAX,
        rows=12,
        help_text="Markdown, with code blocks and $math$. At least 30 characters.",
    )


class AnswerEditForm(AnswerForm):
    summary = forms.CharField(
        label="What did you change?",
        max_length=max_length_of(AnswerRevision, "summary"),
        required=False,
        help_text="Optional: a short note shown in the history.",
    )


class ProposalForm(forms.Form):
    body = MarkdownField(label="Improved answer", min_length=30, max_length=ANSWER_MAX, rows=16)
    reason = forms.CharField(
        label="What does your version fix?",
        max_length=REASON_MAX,
        help_text="e.g. “The original blames overfitting; the real causes are …”",
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if body.strip() == self.current.strip():
            raise forms.ValidationError("Your version is the same as the current answer.")
        return body


class CommentForm(forms.Form):
    body = MarkdownField(
        label="Comment", min_length=2, max_length=COMMENT_MAX, rows=3,
        help_text=f"Short markdown, up to {COMMENT_MAX} characters.",
    )  # fmt: skip


_QUESTION_REF = re.compile(r"^#?(\d+)$|^(?:[a-z]+://[^/]+)?/questions/(\d+)(?:/|$)", re.I)


class FlagForm(forms.Form):
    TARGETS = ("question", "answer", "comment")

    target = forms.ChoiceField(choices=[(t, t) for t in TARGETS], widget=forms.HiddenInput)
    id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    reason = forms.ChoiceField(label="What is wrong?", choices=FlagReason.choices)
    original = forms.CharField(
        label="The original question",
        max_length=300,
        required=False,
        help_text="Paste its address, or its number (the one after /questions/).",
    )
    original_pick = forms.IntegerField(
        label="Or pick it among the similar questions", min_value=1, required=False
    )
    note = forms.CharField(
        label="Details for the moderators (optional)",
        max_length=max_length_of(Flag, "note"),
        required=False,
    )

    def __init__(self, *args, flagged=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.flagged = flagged  # the question, answer or comment being flagged

    @property
    def asks_for_original(self) -> bool:
        """Only a question can be a duplicate of another question."""
        return isinstance(self.flagged, Question)

    def clean(self):
        data = super().clean()
        data["duplicate_of"] = None
        if data.get("reason") != FlagReason.DUPLICATE or not self.asks_for_original:
            return data
        ref = (data.get("original") or "").strip() or str(data.get("original_pick") or "")
        if not ref:
            self.add_error("original", "Say which question this one repeats.")
            return data
        match = _QUESTION_REF.match(ref)
        if not match:
            self.add_error(
                "original", "Give the original question's address (…/questions/123/…) or number."
            )
            return data
        pk = int(match.group(1) or match.group(2))
        original = Question.objects.published().filter(pk=pk).first()
        if original is None:
            self.add_error("original", f"There is no published question number {pk}.")
        elif original.pk == self.flagged.pk:
            self.add_error("original", "That is this question: give the one it repeats.")
        else:
            data["duplicate_of"] = original
        return data


class QuestionForm(forms.Form):
    title = forms.CharField(
        label="Question",
        min_length=TITLE_MIN,
        max_length=max_length_of(Question, "title"),
        help_text="The question as an interviewer would ask it.",
    )
    body = MarkdownField(
        label="Details (optional)", required=False, max_length=5000, rows=6, min_length=0,
        help_text="Context or constraints, in markdown.",
    )  # fmt: skip
    source = forms.ModelChoiceField(
        queryset=Source.objects.all(), required=False, empty_label="No particular source"
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Up to three.",
    )

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > 3:
            raise forms.ValidationError("Choose at most three topics.")
        return topics
