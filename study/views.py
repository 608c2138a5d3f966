"""Study tools: bookmarks with notes, practice, "I was asked this", exports.

Everything here is the member's own: other members' bookmarks are a 404 and
visitors are sent to log in. Each action is a plain form post that redirects
back, and with htmx a swap of a named partial of the page's own template.
Bad input is a 400 with a readable message (htmx swaps 4xx fragments too).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import member_required
from questions.errors import refuse
from questions.models import Difficulty, Question, Source, Status, Topic

from . import exports, scheduling, selectors, services
from .models import Bookmark, InterviewLevel

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

    def clean_duration_ms(self) -> int | None:
        """Time spent on the card, for the review log only: a missing, malformed or
        implausible value (a tab left open overnight) is dropped, not an error."""
        try:
            duration = int(self.cleaned_data["duration_ms"])
        except ValueError:
            return None
        return duration if 0 <= duration <= 3_600_000 else None


def _errors(form: forms.Form) -> str:
    return " ".join(
        f"{'' if name == '__all__' else name.replace('_', ' ').capitalize() + ': '}{error}"
        for name, errors in form.errors.items()
        for error in errors
    )


def _back(request: HttpRequest, fallback: str) -> str:
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


def _own_bookmark(request: HttpRequest, pk: int) -> Bookmark:
    """The member's bookmark on a published question; anyone else's is a 404."""
    return get_object_or_404(
        Bookmark.objects.select_related("question__source"),
        pk=pk,
        user=request.user,
        question__status=Status.PUBLISHED,
    )


# --- Bookmarks ---------------------------------------------------------------------------


@require_POST
@member_required
def bookmark_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk)
    try:
        bookmark = services.toggle_bookmark(user=request.user, question=question)
    except PermissionDenied as exc:
        raise Http404("No such question.") from exc
    if request.htmx:
        if request.POST.get("row"):
            # A row of the bookmarks page: removed, it becomes a notice with a way
            # back; bookmarked again, the row returns with its note.
            if bookmark is None:
                bookmark = services.removed_bookmark(user=request.user, question=question)
            context = {"question": question, "bookmark": bookmark, "now": timezone.now()}
            return render(request, BOOKMARKS_PAGE + "#row", context)
        return render(request, TOGGLE, {"question": question, "bookmarked": bookmark is not None})
    if bookmark is None:
        messages.success(
            request,
            "Removed from your bookmarks. Your note and practice history are kept: "
            "bookmark it again to get them back.",
        )
    elif bookmark.note or bookmark.state is not None:
        messages.success(request, "Bookmarked again, with your note and practice history.")
    else:
        messages.success(request, "Bookmarked. Practise it from your practice page.")
    return redirect(_back(request, question.get_absolute_url()))


def _bookmark_filters_context(filters: selectors.BookmarkFilters) -> dict:
    return {
        "filters": filters,
        "topics": Topic.objects.all(),
        "sources": Source.objects.all(),
        "difficulties": Difficulty.choices,
        "states": selectors.BOOKMARK_STATES,
        "sorts": selectors.BOOKMARK_SORTS,
    }


@require_GET
@member_required
@never_cache
@vary_on_headers("HX-Request")
def bookmarks(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = selectors.BookmarkFilters.from_params(request.GET)
    paginator = Paginator(
        selectors.member_bookmarks(request.user, filters, now=now), BOOKMARKS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    template = BOOKMARKS_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("sort", None)
    context = {
        "page": page,
        "now": now,
        "export_query": query.urlencode(),
        **_bookmark_filters_context(filters),
    }
    return render(request, template, context)


@require_POST
@member_required
def bookmark_note(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = _own_bookmark(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            context = {"bookmark": bookmark, "note_error": _errors(form), "note_open": True}
            return render(request, BOOKMARKS_PAGE + "#note", context, status=400)
        return refuse(request, 400, _errors(form))
    services.save_note(user=request.user, bookmark=bookmark, note=form.cleaned_data["note"])
    if request.htmx:
        return render(request, BOOKMARKS_PAGE + "#note", {"bookmark": bookmark, "note_saved": True})
    messages.success(request, "Your note is saved.")
    return redirect(_back(request, f"{reverse('bookmarks')}#bookmark-{bookmark.pk}"))


# --- "I was asked this" ----------------------------------------------------------------


@require_POST
@member_required
def question_asked(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), pk=pk)
    form = ReportForm(request.POST)
    message, status = "", 200
    if not form.is_valid():
        message, status = _errors(form), 400
    else:
        try:
            services.report_asked(user=request.user, question=question, **form.cleaned_data)
        except services.AlreadyReported as exc:
            message, status = str(exc), 409
        except services.StudyError as exc:
            message, status = str(exc), 400
        else:
            message = "Thank you! Your report helps other candidates prepare."
    if request.htmx:
        context = {
            "question": question,
            **selectors.question_page_context(question, request.user),
            "asked_message": message,
            "asked_failed": status != 200,
        }
        return render(request, TOOLS + "#asked", context, status=status)
    if status == 409:
        messages.info(request, message)
    elif status != 200:
        return refuse(request, status, message)
    else:
        messages.success(request, message)
    return redirect(question)


# --- Practice ------------------------------------------------------------------------------


def _practice_context(request: HttpRequest, **extra) -> dict:
    session = selectors.practice_session(request.user)
    return {
        "session": session,
        "token": scheduling.card_token(session.card) if session.card else "",
        "progress": selectors.topic_progress(request.user),
        "chart": selectors.review_chart(request.user, now=session.now),
        "practice_topics": selectors.practice_topics(),
        "new_per_day": scheduling.new_cards_per_day(),
        **extra,
    }


def _practice_response(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    template = PRACTICE_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#session"
    return render(request, template, _practice_context(request, **extra), status=status)


@require_GET
@member_required
@never_cache
@vary_on_headers("HX-Request")
def practice(request: HttpRequest) -> HttpResponse:
    return _practice_response(request)


@require_POST
@member_required
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = _own_bookmark(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _practice_response(request, status=400, flash=_errors(form), flash_error=True)
        return refuse(request, 400, _errors(form))
    data = form.cleaned_data
    result = services.review(
        user=request.user,
        bookmark=bookmark,
        rating=data["rating"],
        duration_ms=data["duration_ms"],
        seen=data["seen"] or None,
    )
    if result is None:
        flash = "That card was already rated; here is the next one."
    else:
        back_in = scheduling.humanize_interval(result.due_after - result.reviewed_at)
        flash = f"{result.get_rating_display()}: back in {back_in}."
    if request.htmx:
        return _practice_response(request, flash=flash)
    messages.success(request, flash)
    return redirect("practice")


@require_POST
@member_required
def practice_start(request: HttpRequest) -> HttpResponse:
    """Bookmark every question of a topic in one step, then practise them."""
    topic = Topic.objects.filter(slug=request.POST.get("topic", "")).first()
    if topic is None:
        message = "Choose a topic to practise."
        if request.htmx:
            return _practice_response(request, status=400, flash=message, flash_error=True)
        return refuse(request, 400, message)
    added = services.bookmark_topic(user=request.user, topic=topic)
    if added:
        flash = f"Added {added} {topic.name} question{'s' if added != 1 else ''} to practise."
    else:
        flash = f"You already have every {topic.name} question in your bookmarks."
    if request.htmx:
        return _practice_response(request, flash=flash)
    messages.success(request, flash)
    return redirect("practice")


# --- Exports --------------------------------------------------------------------------------


def _download(content: bytes | str, *, content_type: str, extension: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mlqa-bookmarks-{stamp}.{extension}"'
    return response


def _export_bookmarks(request: HttpRequest) -> list[Bookmark]:
    return exports.export_bookmarks(
        request.user, selectors.BookmarkFilters.from_params(request.GET)
    )


@require_GET
@member_required
@never_cache
def export_apkg(request: HttpRequest) -> HttpResponse:
    data = exports.build_apkg(_export_bookmarks(request), base_url=request.build_absolute_uri("/"))
    return _download(data, content_type="application/apkg", extension="apkg")


@require_GET
@member_required
@never_cache
def export_csv(request: HttpRequest) -> HttpResponse:
    text = exports.build_csv(_export_bookmarks(request), base_url=request.build_absolute_uri("/"))
    return _download(text, content_type="text/csv; charset=utf-8", extension="csv")


@require_GET
@member_required
@never_cache
def export_markdown(request: HttpRequest) -> HttpResponse:
    text = exports.build_markdown(_export_bookmarks(request))
    return _download(text, content_type="text/markdown; charset=utf-8", extension="md")
