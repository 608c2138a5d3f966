"""Reads that pages share: one function per question a page asks the database."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from study import companies
from study.models import Company, InterviewReport

from . import search, search_sql
from .embeddings import hybrid
from .embeddings.model import enabled as embeddings_enabled
from .models import (
    Answer,
    AnswerRevision,
    Comment,
    CommentStatus,
    Difficulty,
    Origin,
    Question,
    Source,
    Status,
    Topic,
    Verdict,
    VerdictNoteStatus,
    Verification,
    Vote,
)

SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "top": "Top answer score",
    "community": "Unanswered by the community",
    "bookmarked": "Most bookmarked",
    "asked": "Most asked in the last 12 months",
    "missed": "Most missed the first time",  # empirical difficulty, below
}
ANSWER_FILTERS = {"community": "Has a community answer", "ai-only": "AI answer only"}
# ?verdict=: the state of each question's best answer.
VERDICT_FILTERS = {
    "unreviewed": "Best answer unreviewed",
    "verified": "Best answer verified",
    "disputed": "Best answer disputed",
    "wrong": "Best answer judged wrong",
    "corrected": "Best answer: a corrected AI draft",
}


@dataclass(frozen=True)
class QuestionFilters:
    q: str = ""
    source: Source | None = None
    topic: Topic | None = None
    difficulty: str = ""
    answers: str = ""
    sort: str = ""
    verdict: str = ""
    # Interview reports (study.companies): at a company, a level, in the last N days.
    company: Company | None = None
    level: str = ""
    asked_within: int | None = None
    missed: str = ""  # empirical difficulty, below

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.source
            or self.topic
            or self.difficulty
            or self.answers
            or self.verdict
            or self.reported
            or self.missed
        )

    @property
    def reported(self) -> bool:
        return bool(self.company or self.level or self.asked_within)

    @property
    def effective_sort(self) -> str:
        """Search results rank by relevance unless another order is asked for."""
        if self.sort in SORTS and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else "newest"


# --- Empirical difficulty (issue 17): ?missed=N keeps the questions that at least N %
# of members missed the first time they practised them (measured ones only:
# study/empirical.py); sort=missed puts the most missed first.
MISSED_FILTERS = {
    "25": "Missed by at least 25%",
    "50": "Missed by at least 50%",
    "75": "Missed by at least 75%",
}


def filter_missed(qs: QuerySet[Question], missed: str) -> QuerySet[Question]:
    if missed in MISSED_FILTERS:
        qs = qs.filter(missed_first__gte=int(missed))
    return qs


def question_list(filters: QuestionFilters) -> QuerySet[Question]:
    """Published questions for the list (the read API, scripts), with what each
    row shows. Each row's best answer is stored on it (``questions.topanswer``):
    a join, not a subquery per row. A search keeps a bounded set of candidates
    (``search.bounded``), so its cost does not grow with the data."""
    found = _found(filters)
    if isinstance(found, search.Ranked):
        return _listed(found.as_queryset())
    return _listed(found)


def question_pages(filters: QuestionFilters) -> QuerySet[Question] | search.Ranked:
    """What the list page paginates: ``question_list``'s rows, except that a
    search is its candidates' ids, read and ranked once (their number is the
    count), whose rows are read a page at a time (``search.Ranked``)."""
    found = _found(filters)
    if not isinstance(found, search.Ranked):
        return _listed(found)
    using = found.rows.db
    annotations = found.rows.query.annotations
    if search.is_postgres(using) and not {"asked_recently", "asked_matching"} & set(annotations):
        # One statement compiled once per process (questions.search_sql).
        ranked = "rank" in annotations
        read = functools.partial(search_sql.page_rows, filters.q, ranked=ranked, using=using)
        return found.reading_pages(read)
    return found.with_rows(_listed_page)


def _found(filters: QuestionFilters) -> QuerySet[Question] | search.Ranked:
    """The list's questions in order, before what a row shows is added."""
    reports = companies.matching_reports(
        company=filters.company, level=filters.level, within_days=filters.asked_within
    )
    qs, filtered, order, annotations = _narrowed(filters, reports)
    if not filters.q:
        return qs.annotate(**annotations).order_by(*order)
    found = search_sql.candidates(filters, reports, _narrowed)
    sort = filters.effective_sort
    if sort == "relevance" and embeddings_enabled():
        return hybrid_search(qs, filtered, filters.q, annotations=annotations, found=found)
    return search.bounded(
        qs,
        filters.q,
        order=order,
        by_relevance=sort == "relevance",
        annotations=annotations,
        found=found,
    )


def _narrowed(filters: QuestionFilters, reports) -> tuple[QuerySet, QuerySet, tuple, dict]:
    """The list's questions (matching the words, if any), the same before the
    word match (hybrid search looks for vectors among them), their order and
    the annotations it refers to."""
    qs = Question.objects.published()
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.topic:
        qs = qs.filter(topics=filters.topic)
    if filters.difficulty in Difficulty.values:
        qs = qs.filter(difficulty=filters.difficulty)
    filtered = qs
    if filters.q:
        qs = search.matching(qs, filters.q)
    answers = Answer.objects.published().filter(question=OuterRef("pk"))
    # Only in the filter and the sort that need it: as a column of every row,
    # PostgreSQL computes it by scanning all community answers (a hashed
    # subplan), whatever the page size.
    has_community = Exists(answers.filter(origin=Origin.COMMUNITY))
    if filters.answers == "community":
        qs = qs.filter(has_community)
    elif filters.answers == "ai-only":
        qs = qs.filter(Exists(answers.filter(origin=Origin.AI)), ~has_community)
    if reports is not None:
        qs = qs.filter(Exists(reports.filter(question=OuterRef("pk"))))
    if filters.verdict == "corrected":
        qs = qs.filter(top_answer__corrected_at__isnull=False)
    elif filters.verdict in Verification.values:
        qs = qs.filter(top_answer__verification=filters.verdict)
    qs = filter_missed(qs, filters.missed)
    newest = (F("created_at").desc(), F("id").desc())
    annotations = {}
    match filters.effective_sort:
        case "top":
            order = (F("top_answer_score").desc(nulls_last=True), *newest)
        case "community":
            order = (has_community.asc(), *newest)
        case "bookmarked":
            order = (F("bookmark_count").desc(), *newest)
        case "missed":
            order = (F("missed_first").desc(nulls_last=True), *newest)
        case "asked":
            # Counted per row only for this sort; other lists count the page's rows.
            # With report filters, how often asked at that company, level, period
            # (``asked_matching``); otherwise in the last 12 months.
            name = "asked_recently" if reports is None else "asked_matching"
            counted = InterviewReport.objects.visible().recent() if reports is None else reports
            annotations[name] = counted.count_per_question()
            order = (F(name).desc(), *newest)
        case _:
            order = newest
    return qs, filtered, order, annotations


def _listed(qs: QuerySet[Question]) -> QuerySet[Question]:
    """What a row shows. The best answer's facts come with the row
    (select_related, which the page's count leaves out), its text left behind."""
    return (
        qs.for_list()
        .select_related("top_answer")
        .defer("top_answer__body", "top_answer__body_html")
        .annotate(best_score=F("top_answer_score"), top_origin=F("top_answer_origin"))
    )


def _listed_page(qs: QuerySet[Question]) -> QuerySet[Question]:
    """``_listed`` for the rows of a search's page where ``search_sql.page_rows``
    does not read them (SQLite, the "most asked" sort), with what the page
    shows of them that other lists read in queries of their own
    (``search_sql.page_annotations``; on SQLite the topics are prefetched)."""
    qs = _listed(qs)
    extra = search_sql.page_annotations()
    if "asked_recently" in qs.query.annotations:  # the "most asked" sort counted it
        del extra["asked_recently"]
    if not search.is_postgres(qs.db):
        return qs.annotate(**{k: v for k, v in extra.items() if not k.startswith("topic_")})
    return qs.prefetch_related(None).annotate(**extra)  # _listed's one prefetch, the topics


def hybrid_search(matched, filtered, text: str, *, annotations, found=None) -> search.Ranked:
    """Best match first: the word matches' ranking (full-text rank on PostgreSQL,
    shared words on SQLite) fused with the nearest questions by vector.
    ``found``: the word matches' candidates, when read already (``search_sql``)."""
    cap = settings.MLQA_SEARCH_CANDIDATES
    if found is not None:
        lexical_ids = search.best_first(found)
    else:
        lexical_ids = hybrid.lexical_ranking(matched, text, cap=cap)
    if search.is_postgres(matched.db):  # the rows keep their full-text rank
        annotations = {**annotations, "rank": search.rank_of(text)}
    return hybrid.search_rows(filtered, lexical_ids, text, cap=cap, annotations=annotations)


def visible_comments() -> QuerySet[Comment]:
    """Comments a page lists: published ones, and deleted ones as a placeholder."""
    return Comment.objects.filter(
        status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED]
    ).select_related("author")


def answer_comments() -> Prefetch:
    """The comments an answer lists, with their authors."""
    return Prefetch("comments", queryset=visible_comments())


def votes_by(user, answer_ids) -> dict[int, int]:
    """The member's vote (+1 or -1) on each of these answers that they voted on."""
    if not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(user=user, answer_id__in=answer_ids).values_list("answer_id", "value")
    )


def similar_questions(title: str, body: str = "", *, limit: int = 5) -> list[hybrid.Similar]:
    """Published questions that look like ``title`` and ``body`` (for the ask form),
    best first: words and vectors fused (questions.embeddings.hybrid)."""
    return hybrid.similar_questions(title, body, limit=limit)


def related_questions(question: Question, *, limit: int = 5) -> QuerySet[Question]:
    """Other published questions that share a topic with this one."""
    topic_ids = [topic.pk for topic in question.topics.all()]
    # A semi-join rather than a join + DISTINCT, so that PostgreSQL walks the
    # (status, -bookmark_count, -created_at) index and stops after ``limit`` rows.
    sharing = Question.topics.through.objects.filter(topic_id__in=topic_ids)
    if embeddings_enabled():  # the stored nearest neighbours first (embeddings.store)
        return hybrid.related_questions(question, sharing, limit=limit)
    return (
        Question.objects.published()
        .filter(pk__in=sharing.values("question_id"))
        .exclude(pk=question.pk)
        .order_by("-bookmark_count", "-created_at")[:limit]
    )


def topics_index() -> QuerySet[Topic]:
    """Every topic with ``question_total``, its published questions, in one query."""
    published = Q(questions__status=Status.PUBLISHED)
    return Topic.objects.annotate(question_total=Count("questions", filter=published)).order_by(
        "name"
    )


def sources_index() -> QuerySet[Source]:
    """Every source with ``question_total``, its published questions, in one query."""
    published = Q(questions__status=Status.PUBLISHED)
    return Source.objects.annotate(question_total=Count("questions", filter=published)).order_by(
        "name"
    )


def topics_with_questions() -> QuerySet[Topic]:
    return Topic.objects.filter(questions__status=Status.PUBLISHED).distinct()


# --- Vetting -----------------------------------------------------------------------

VERDICT_NOTES_SHOWN = 10


def attach_verdicts(answers: list[Answer], user, *, mine: bool = True) -> None:
    """Set what the verdict box of each answer shows, in three queries whatever
    the number of answers or verdicts: ``my_verdict`` (the reader's, or None;
    not set with ``mine=False``), ``verdict_notes`` (the latest notes that say
    what is wrong, those on the current text first, at most
    VERDICT_NOTES_SHOWN) and ``correctors`` (the members whose revisions
    changed the text, first to last)."""
    if not answers:
        return
    by_id = {answer.pk: answer for answer in answers}
    for answer in answers:
        answer.verdict_notes, answer.correctors = [], []

    def mark(verdict: Verdict) -> Verdict:
        verdict.is_current = verdict.revision_number == by_id[verdict.answer_id].revision_count
        return verdict

    with_number = Verdict.objects.annotate(revision_number=F("revision__number"))
    if mine:
        attach_my_verdicts(answers, user)
    current_first = Window(
        RowNumber(),
        partition_by=[F("answer_id")],
        order_by=[
            Case(
                When(revision__number=F("answer__revision_count"), then=Value(0)), default=Value(1)
            ).asc(),
            F("updated_at").desc(),
            F("id").desc(),
        ],
    )
    notes = (
        with_number.filter(answer_id__in=by_id, note_status=VerdictNoteStatus.PUBLISHED)
        .exclude(note="")
        .select_related("user")
        .annotate(place=current_first)
        .filter(place__lte=VERDICT_NOTES_SHOWN)
        .order_by("answer_id", "place")
    )
    for verdict in notes:
        by_id[verdict.answer_id].verdict_notes.append(mark(verdict))
    revisions = (
        AnswerRevision.objects.filter(answer_id__in=by_id, number__gt=1, author__isnull=False)
        .select_related("author")
        .order_by("answer_id", "number")
    )
    for revision in revisions:
        correctors = by_id[revision.answer_id].correctors
        if revision.author not in correctors:
            correctors.append(revision.author)


def attach_my_verdicts(answers: list[Answer], user) -> None:
    """Set ``my_verdict`` on each answer: the reader's Verdict (with ``is_current``:
    on the answer's current text) or None; one query for a member, none otherwise."""
    by_id = {answer.pk: answer for answer in answers}
    for answer in answers:
        answer.my_verdict = None
    if not user.is_authenticated or not answers:
        return
    mine = Verdict.objects.annotate(revision_number=F("revision__number")).filter(
        user=user, answer_id__in=by_id
    )
    for verdict in mine:
        answer = by_id[verdict.answer_id]
        verdict.is_current = verdict.revision_number == answer.revision_count
        answer.my_verdict = verdict


def review_queue(user, *, topic: Topic | None = None, skipped=()) -> QuerySet[Answer]:
    """AI answers that need verdicts, for /review/: published, not settled by a
    moderator, unreviewed or disputed, that the member has not judged in their
    current form; fewest verdicts first, disputed before unreviewed, oldest first."""
    judged = Verdict.objects.filter(
        user=user, answer=OuterRef("pk"), revision__number=OuterRef("revision_count")
    )
    answers = (
        Answer.objects.published()
        .filter(
            origin=Origin.AI,
            question__status=Status.PUBLISHED,
            verification__in=[Verification.UNREVIEWED, Verification.DISPUTED],
            verification_confirmed_by__isnull=True,
        )
        .exclude(Exists(judged))
        .exclude(pk__in=list(skipped))
    )
    if topic is not None:
        answers = answers.filter(question__topics=topic)
    total = F("verdicts_correct") + F("verdicts_partly") + F("verdicts_wrong")
    disputed_first = Case(When(verification=Verification.DISPUTED, then=Value(0)), default=Value(1))
    return answers.annotate(verdict_count=total).order_by(
        "verdict_count", disputed_first, "created_at", "id"
    )
