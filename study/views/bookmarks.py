"""Bookmarks: the toggle on a question, the bookmarks page and private notes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import member_required
from questions.errors import refuse
from questions.models import Question
from study import checking, services
from study.filters import BookmarkFilterSet

from .common import (
    BOOKMARKS_PAGE,
    BOOKMARKS_PER_PAGE,
    TOGGLE,
    NoteForm,
    back_url,
    form_errors,
    own_bookmark,
)


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
    return redirect(back_url(request, question.get_absolute_url()))


@require_GET
@member_required
@never_cache
@vary_on_headers("HX-Request")
def bookmarks(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filterset = BookmarkFilterSet(request.GET, user=request.user, now=now)
    paginator = Paginator(filterset.qs, BOOKMARKS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    checking.count_typed_answers(page.object_list)
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
        "filters": filterset.filters_value,
        "filter_form": filterset.form,
    }
    # A value that is not one of the choices is dropped and said so, with a 400.
    return render(request, template, context, status=400 if filterset.errors else 200)


@require_POST
@member_required
def bookmark_note(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = own_bookmark(request, pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            context = {"bookmark": bookmark, "note_error": form_errors(form), "note_open": True}
            return render(request, BOOKMARKS_PAGE + "#note", context, status=400)
        return refuse(request, 400, form_errors(form))
    services.save_note(user=request.user, bookmark=bookmark, note=form.cleaned_data["note"])
    if request.htmx:
        return render(request, BOOKMARKS_PAGE + "#note", {"bookmark": bookmark, "note_saved": True})
    messages.success(request, "Your note is saved.")
    return redirect(back_url(request, f"{reverse('bookmarks')}#bookmark-{bookmark.pk}"))
