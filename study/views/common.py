"""What the study views share: forms, the pages' templates, and small helpers."""

from django import forms
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from questions.models import Status
from study import scheduling, services
from study.models import Bookmark, InterviewLevel

BOOKMARKS_PAGE = "study/bookmarks.html"
PRACTICE_PAGE = "study/practice.html"
TOGGLE = "study/includes/bookmark_toggle.html"
TOOLS = "study/includes/question_study_tools.html"
BOOKMARKS_PER_PAGE = 50


class NoteForm(forms.Form):
    note = forms.CharField(max_length=services.NOTE_MAX, required=False, strip=True)


class ReportForm(forms.Form):
    company = forms.CharField(max_length=services.COMPANY_MAX, required=False, strip=True)
    level = forms.ChoiceField(choices=[("", ""), *InterviewLevel.choices], required=False)
    year = forms.IntegerField(required=False, min_value=services.FIRST_REPORT_YEAR)

    def clean_year(self) -> int | None:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if year is not None and year > this_year:
            raise forms.ValidationError(f"The year cannot be after {this_year}.")
        return year


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[(value, name) for value, name in scheduling.RATINGS],
        coerce=int,
        error_messages={
            "required": "Choose a rating: 1 (again), 2 (hard), 3 (good) or 4 (easy).",
            "invalid_choice": "A rating is 1 (again), 2 (hard), 3 (good) or 4 (easy).",
        },
    )
    duration_ms = forms.CharField(required=False)
    seen = forms.CharField(required=False, max_length=40)
    typed_answer = forms.CharField(required=False, max_length=services.TYPED_MAX, strip=True)

    def clean_duration_ms(self) -> int | None:
        """Time spent on the card, for the review log only: a missing, malformed or
        implausible value (a tab left open overnight) is dropped, not an error."""
        try:
            duration = int(self.cleaned_data["duration_ms"])
        except ValueError:
            return None
        return duration if 0 <= duration <= 3_600_000 else None


def form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{'' if name == '__all__' else name.replace('_', ' ').capitalize() + ': '}{error}"
        for name, errors in form.errors.items()
        for error in errors
    )


def back_url(request: HttpRequest, fallback: str) -> str:
    """The page a plain form came from (its ``next`` field), if it is on this site."""
    target = request.POST.get("next", "")
    # A path on this site only: redirect() would try a bare word as a view name.
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def own_bookmark(request: HttpRequest, pk: int) -> Bookmark:
    """The member's bookmark on a published question; anyone else's is a 404."""
    return get_object_or_404(
        Bookmark.objects.select_related("question__source"),
        pk=pk,
        user=request.user,
        question__status=Status.PUBLISHED,
    )
