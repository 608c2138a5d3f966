"""The question list's shared part, kept per list generation.

Every reader of a list (``/``, ``/sources/<slug>/``, ``/topics/<slug>/``, with
a search, filters, a sort and a page) sees the same rows, count and
pagination: only each row's bookmark toggle is the reader's own (their mark,
the count beside it, their CSRF token). So the shared part is built once per
list generation (``pagecache.list_generation``: renewed by what changes a
row's title, answers or state, not by votes or bookmarks) and kept as a
:class:`Listing`: each row's HTML (``questions/includes/list_parts.html``,
rendered without a request, so it cannot show anything about a reader), the
count and the pagination, the search's highlighted titles and snippets. The
list page (``questions.views.list_page``) is then rendered once around it,
its reader parts left as marks, and a request reads only the reader's marks
for the page's ids (one query, ``study.selectors.mark_bookmarks``) and draws
each row's toggle with Django's own ``{% csrf_token %}``.

With the page cache off (``MLQA_PAGE_CACHE_SECONDS=0``), or a query parameter
the list does not read, the same parts are built for the one request.
"""

import functools
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.choices import CallableChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from study import selectors as study_selectors

from . import pagecache, search, selectors
from .models import Question, Source, Topic

PARTS = "questions/includes/list_parts.html"
# What a cached row keeps of its question (besides what was rendered).
# Rows' parts kept per process (RowFacts): about 2 kB each.
ROWS_KEPT = 4096
_ROW_FIELDS = ("id", "title", "slug", "status", "difficulty", "bookmark_count", "answer_count")


@dataclass
class Listing:
    """One page of one list, the same for every reader."""

    rows: list[Question]  # slim copies, with ``row_html`` (and a search's highlights)
    count: int
    number: int
    capped: bool  # a search that listed only its best candidates
    head: SafeString = field(default=SafeString(""))  # the count
    foot: SafeString = field(default=SafeString(""))  # "nothing matches", the pagination
    kept_until: float = 0.0  # when the cache lets it go (time.time()); 0 if not kept

    def page(self) -> Page:
        """The page for the template (and tests): its rows, number and paginator."""
        paginator = Paginator(range(self.count), settings.MLQA_QUESTIONS_PER_PAGE)
        return Page(self.rows, self.number, paginator)


def _slim(question: Question) -> Question:
    """A row as the cache keeps it: the few fields a page reads after rendering."""
    row = Question(**{name: getattr(question, name) for name in _ROW_FIELDS})
    row.row_html = question.row_html
    row.asked_recently = question.asked_recently
    if hasattr(question, "asked_matching"):  # the "most asked" sort with report filters
        row.asked_matching = question.asked_matching
    for name in ("title_html", "snippet_html"):
        if hasattr(question, name):
            setattr(row, name, getattr(question, name))
    return row


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What a row shows besides its title and snippet, as plain values: the
    row's other parts (``list_parts.html#row-stats`` and ``#row-meta``) are drawn
    from these alone, so equal facts draw equal HTML, and the parts are kept
    per process by their facts (``row_parts``): nothing a key leaves out can
    show, and a change to any fact is a new key, never a stale row."""

    pk: int
    slug: str
    answer_count: int
    best_score: int | None
    difficulty: str
    difficulty_label: str
    missed_first: int | None
    source: tuple[str, str] | None  # slug, name
    topics: tuple[tuple[str, str], ...]  # (slug, name), in the list's order
    top_origin: str | None
    ai_model: str
    verification: str
    corrected: bool
    script_prefix: str  # the links' prefix (reverse)

    @classmethod
    def of(cls, question: Question) -> "RowFacts":
        top = question.top_answer if question.top_origin else None
        source = question.source
        return cls(
            pk=question.pk,
            slug=question.slug,
            answer_count=question.answer_count,
            best_score=question.best_score,
            difficulty=question.difficulty,
            difficulty_label=question.get_difficulty_display(),
            missed_first=question.missed_first,
            source=(source.slug, source.name) if source else None,
            topics=_topics(question),
            top_origin=question.top_origin,
            ai_model=top.ai_model if top else "",
            verification=top.verification if top else "",
            corrected=bool(top and top.corrected_at),
            script_prefix=get_script_prefix(),
        )


def _topics(question: Question) -> tuple[tuple[str, str], ...]:
    """A row's topics: read with it (a search's page on PostgreSQL,
    ``selectors.question_pages``) or prefetched."""
    if hasattr(question, "topic_slugs"):
        return tuple(zip(question.topic_slugs, question.topic_names, strict=True))
    return tuple((topic.slug, topic.name) for topic in question.topics.all())


@dataclass(frozen=True, slots=True)
class RowParts:
    url: str
    stats: SafeString
    meta: SafeString


@functools.lru_cache(maxsize=ROWS_KEPT)
def row_parts(facts: RowFacts) -> RowParts:
    """A row's parts drawn from its facts (kept per process: see RowFacts)."""
    context = {"row": facts}
    return RowParts(
        Question(pk=facts.pk, slug=facts.slug).get_absolute_url(),
        mark_safe(render_to_string(f"{PARTS}#row-stats", context)),
        mark_safe(render_to_string(f"{PARTS}#row-meta", context)),
    )


# A row: its stats, then its linked title and snippet (the search's highlights
# when there are, escaped but for their marks) and its other facts. Drawn here
# for a page's rows rather than by a template rendered per row.
_ROW = """{stats}
          <div class="row-body">
            <h2 class="row-title"><a href="{url}">{title}</a></h2>
            {snippet}
            {meta}
          </div>
"""


def row_html(question: Question, parts: RowParts) -> SafeString:
    """A row's text besides its toggle: its ``parts`` (``row_parts``) around its
    title and, for a search, its snippet (``title_html``, ``snippet_html``)."""
    title = getattr(question, "title_html", None) or question.title
    snippet = getattr(question, "snippet_html", None)
    return format_html(
        _ROW,
        stats=parts.stats,
        url=parts.url,
        title=title,
        snippet=format_html('<p class="snippet">{}</p>', snippet) if snippet else "",
        meta=parts.meta,
    )


def build_listing(request: HttpRequest, filters: selectors.QuestionFilters) -> Listing:
    """Read and render the page's shared part: nothing here is about the reader."""
    paginator = Paginator(selectors.question_pages(filters), settings.MLQA_QUESTIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = study_selectors.with_asked_counts(page.object_list)
    if filters.q:
        search.highlight_results(rows, filters.q)
    # In development an edited template shows at once: rows are drawn afresh.
    draw = row_parts.__wrapped__ if settings.DEBUG else row_parts
    for question in rows:
        question.row_html = row_html(question, draw(RowFacts.of(question)))
    page.object_list = rows
    capped = bool(filters.q) and search.is_capped(paginator.count)
    context = {
        "page": page,
        "filters": filters,
        "search_capped": capped,
        "query": request.GET,
        "path": request.path,
    }
    return Listing(
        rows=[_slim(question) for question in rows],
        count=paginator.count,
        number=page.number,
        capped=capped,
        head=mark_safe(render_to_string(f"{PARTS}#head", context)),
        foot=mark_safe(render_to_string(f"{PARTS}#foot", context)),
    )


def listing(
    request: HttpRequest,
    filters: selectors.QuestionFilters,
    *,
    params: tuple[str, ...],
    generation: str,
) -> Listing:
    """The page's shared part, from the cache when it is there. The key is the
    list generation (``pagecache.list_generation``, "" while caching is off)
    and the address (path and query: every link on the page derives from
    them); the reader, htmx or not, plays no part in it."""
    if not generation or not pagecache.shareable(request, params):
        return build_listing(request, filters)
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    key = f"listing:{generation}:{address}"
    found = pagecache.get_kept(key)
    if found is None:
        found = build_listing(request, filters)
        found.kept_until = time.time() + pagecache.list_seconds()
        pagecache.keep(key, found, pagecache.list_seconds())
    return found


def _filter_choices(generation: str) -> tuple[list[Source], list[Topic]]:
    key = f"listchoices:{generation}"
    found = pagecache.get_kept(key)
    if found is None:
        found = (list(Source.objects.all()), list(Topic.objects.all()))
        pagecache.keep(key, found, pagecache.list_seconds())
    return found


def offer_choices(form, generation: str) -> None:
    """Give a question filter form its source and topic options, read only
    when the template draws them (an htmx swap of the results does not, nor
    does a source's page its sources): kept per list generation while caching
    is on, else each list read for this request in a plain query (the choice
    fields' own iteration opens a server-side cursor: three round trips). The
    fields still validate a chosen slug against the database."""
    if generation:
        both = functools.cache(lambda: _filter_choices(generation))
        sources, topics = (lambda: both()[0]), (lambda: both()[1])
    else:
        sources = functools.cache(lambda: list(Source.objects.all()))
        topics = functools.cache(lambda: list(Topic.objects.all()))
    for name, read, everything in (
        ("source", sources, "All sources"),
        ("topic", topics, "All topics"),
    ):
        if name in form.fields:
            form.fields[name].widget.choices = CallableChoiceIterator(
                functools.partial(_options, read, everything)
            )


def _options(read, everything: str) -> list[tuple[str, str]]:
    return [("", everything), *((item.slug, item.name) for item in read())]
