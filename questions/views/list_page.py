"""A question list (``/``, a source's or a topic's page, a search) for one
reader: a cached shell around their own parts.

What a list shows is the same for every reader except a few parts (placed in
the templates with ``{% reader_part %}``): ``base.html``'s CSRF header,
account menu and messages, a topic's follow button, and each row's bookmark
toggle (the reader's mark, the count beside it, their CSRF token). So the
page is rendered once per list generation and address (scheme, host, path
and query, and whether htmx asked for the ``#results`` fragment) with those
parts left as marks (``page_shell.split``), and kept in this process's
``pages`` cache (page-sized entries) with the page's status (400 when a
filter value was not understood: the page says which) and, per row, what its
toggle needs that is the same for everyone: the question's id, its cached
bookmark count and the toggle's address.

A request whose shell is kept builds no FilterSet, form or listing: it reads
the reader's marks for the shell's rows and their unread notifications for
the header (one query, ``study.selectors.mark_bookmarks``) and renders only
the parts, with its own request and context (``page_shell.fill``): the
toggles are drawn by ``study.toggles`` with Django's ``{% csrf_token %}``.
Nothing stored holds a reader's data, and nothing is substituted into the
stored text.

With the page cache off, or a query parameter the list does not read, the
page is rendered whole for the one request, as before.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape

from questions import filters, listing, pagecache
from questions.models import Source, Topic
from questions.views import page_shell
from study import selectors as study_selectors
from study import toggles

LIST_PARAMS = filters.list_params()
TEMPLATE = "questions/question_list.html"
FRAGMENT = f"{TEMPLATE}#results"


class Row:
    """A row of a kept shell, as its toggle sees it (``question`` in the part)."""

    __slots__ = ("bookmark_count", "is_bookmarked", "pk", "toggle_url")

    def __init__(self, pk: int, bookmark_count: int, toggle_url: str) -> None:
        self.pk, self.bookmark_count, self.toggle_url = pk, bookmark_count, toggle_url
        self.is_bookmarked = False


@dataclass
class ListShell:
    """A list page's text around its reader parts, the same for every reader."""

    pieces: list[str]  # [text, part, text, … text] (page_shell.split)
    rows: list[tuple[int, int, str]]  # (question id, bookmark count, toggle's address escaped)
    status: int


def _page_context(
    request: HttpRequest,
    generation: str,
    *,
    source: Source | None,
    topic: Topic | None,
    heading: str,
    intro: str,
    fragment: bool,
) -> tuple[dict, int, float]:
    """The template's context, the page's status, and until when its rows are kept."""
    filterset = filters.QuestionFilterSet(request.GET, fixed_source=source, fixed_topic=topic)
    chosen = filterset.filters_value
    # The rows, count and pagination every reader sees (cached per list generation).
    shared = listing.listing(request, chosen, params=LIST_PARAMS, generation=generation)
    listing.offer_choices(filterset.form, generation)
    context = {
        "page": shared.page(),
        "listing": shared,
        "filters": chosen,
        "filter_form": filterset.form,
        "heading": heading,
        "intro": intro,
        "fixed_topic": topic,
        "sort_oob": fragment,  # the sort select, redrawn with the results
        # A broad search lists its best candidates only (questions.search.bounded).
        "search_capped": shared.capped,
    }
    # A value that is not one of the choices is dropped and said so, with a 400.
    return context, 400 if filterset.errors else 200, shared.kept_until


def _shell_key(request: HttpRequest, generation: str, fragment: bool) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(f"{address}\n{fragment}".encode(), digest_size=16).hexdigest()
    return f"lshell:{generation}:{digest}"


def _seconds_left(kept_until: float) -> int:
    """A shell lasts no longer than the rows it was made from (their counts may lag)."""
    if not kept_until:
        return pagecache.list_seconds()
    return max(1, min(pagecache.list_seconds(), round(kept_until - time.time())))


def list_page(
    request: HttpRequest,
    *,
    source: Source | None = None,
    topic: Topic | None = None,
    heading: str = "Questions",
    intro: str = "",
) -> HttpResponse:
    # A history restore (back/forward with htmx's cache empty) needs the whole page.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    template_name = FRAGMENT if fragment else TEMPLATE
    generation = pagecache.list_generation()
    keep = bool(generation) and pagecache.shareable(request, LIST_PARAMS)
    key = _shell_key(request, generation, fragment) if keep else ""
    local = caches["pages"]
    shell = local.get(key) if keep else None
    if shell is None:
        context, status, kept_until = _page_context(
            request,
            generation,
            source=source,
            topic=topic,
            heading=heading,
            intro=intro,
            fragment=fragment,
        )
        pieces = page_shell.split(template_name, request, context) if keep else None
        if pieces is None:  # not kept: rendered whole for this request
            unread = study_selectors.mark_bookmarks(context["page"].object_list, request.user)
            if unread is not None:  # read with the marks: the header's count
                context["inbox_unread"] = unread
            return render(request, template_name, context, status=status)
        rows = [
            (row.pk, row.bookmark_count, escape(reverse("bookmark_toggle", args=[row.pk])))
            for row in context["page"].object_list
        ]
        shell = ListShell(pieces, rows, status)
        local.set(key, shell, _seconds_left(kept_until))
    rows = [Row(*row) for row in shell.rows]
    unread = study_selectors.mark_bookmarks(rows, request.user)
    reader = {"fixed_topic": topic, "back": toggles.back_path(request)}
    if unread is not None:  # read with the marks: the header's count
        reader["inbox_unread"] = unread
    html = page_shell.fill(
        request,
        template_name,
        shell.pieces,
        reader,
        instances={str(row.pk): {"question": row} for row in rows},
    )
    return HttpResponse(html, status=shell.status)
