"""A member's bookmarks as an Anki deck, a CSV file or markdown."""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import member_required
from questions.errors import refuse
from study import exports
from study.filters import BookmarkFilterSet
from study.models import Bookmark


def _download(content: bytes | str, *, content_type: str, extension: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="mlqa-bookmarks-{stamp}.{extension}"'
    return response


class BadFilters(Exception):
    pass


def _export_bookmarks(request: HttpRequest) -> list[Bookmark]:
    filterset = BookmarkFilterSet(request.GET, user=request.user)
    if filterset.errors:
        raise BadFilters(" ".join(filterset.form.problems()))
    return exports.export_bookmarks(request.user, filterset.filters_value)


def _refusing_bad_filters(view):
    """A filter value that is not one of the choices: a 400 that says which, not a
    file with other bookmarks than asked for."""

    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            return view(request)
        except BadFilters as exc:
            return refuse(request, 400, str(exc))

    return wrapped


@require_GET
@member_required
@never_cache
@_refusing_bad_filters
def export_apkg(request: HttpRequest) -> HttpResponse:
    data = exports.build_apkg(_export_bookmarks(request), base_url=request.build_absolute_uri("/"))
    return _download(data, content_type="application/apkg", extension="apkg")


@require_GET
@member_required
@never_cache
@_refusing_bad_filters
def export_csv(request: HttpRequest) -> HttpResponse:
    text = exports.build_csv(_export_bookmarks(request), base_url=request.build_absolute_uri("/"))
    return _download(text, content_type="text/csv; charset=utf-8", extension="csv")


@require_GET
@member_required
@never_cache
@_refusing_bad_filters
def export_markdown(request: HttpRequest) -> HttpResponse:
    text = exports.build_markdown(_export_bookmarks(request))
    return _download(text, content_type="text/markdown; charset=utf-8", extension="md")
