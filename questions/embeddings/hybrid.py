"""Words and vectors together: reciprocal rank fusion of the lexical ranking
(full text on PostgreSQL, shared words on SQLite) with the vector one, so a
question asked in other words is still found.

Each method ranks its candidates; a question's fused score is the sum over
the methods of ``1 / (RRF_K + rank)``. Vector candidates must reach
``MLQA_SIMILAR_MIN`` cosine, so an unrelated question never enters by the
vector side alone.
"""

import functools
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When

from questions import search
from questions import similar as lexical
from questions.models import Question, RelatedQuestion

from . import store
from .model import embed, enabled, get_embedder

RRF_K = 60
CANDIDATES = 50
# Labels of the ask form's list, by cosine similarity.
LABELS = ((0.8, "very similar"), (0.65, "similar"), (0.0, "related"))


def fuse(*rankings: list[int]) -> list[int]:
    """Reciprocal rank fusion of ranked id lists, best first (ties: first seen)."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, pk in enumerate(ranking, start=1):
            scores[pk] = scores.get(pk, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores, key=lambda pk: -scores[pk])


def label(similarity: float | None) -> str:
    if similarity is None:
        return "shares words"
    return next(text for floor, text in LABELS if similarity >= floor)


@dataclass(frozen=True)
class Similar:
    question: Question
    similarity: float | None  # cosine; None when found by words only

    @property
    def label(self) -> str:
        return label(self.similarity)

    @property
    def likely_duplicate(self) -> bool:
        return self.similarity is not None and self.similarity >= settings.MLQA_DUPLICATE_MIN


@functools.lru_cache(maxsize=1024)
def _query_vector(model_id: str, text: str) -> np.ndarray:
    vector = embed([text])[0]
    vector.setflags(write=False)
    return vector


def query_vector(text: str) -> np.ndarray:
    """A search's text as a vector, kept per process for the searches asked most
    (a query is at most a couple of hundred characters: the form's limit)."""
    return _query_vector(get_embedder().model_id, text)


def vector_ranking(text: str, k: int = CANDIDATES, *, among=None) -> list[tuple[int, float]]:
    """Published questions (of ``among``) at least ``MLQA_SIMILAR_MIN`` close to ``text``.
    With no vectors stored yet, the text is not embedded at all."""
    if not text.strip():
        return []
    vectors = store.index()
    if not len(vectors):
        return []
    found = store.published_nearest(query_vector(text), k, among=among, vectors=vectors)
    return [(pk, score) for pk, score in found if score >= settings.MLQA_SIMILAR_MIN]


def similar_questions(title: str, body: str = "", *, limit: int = 5) -> list[Similar]:
    """The ask form's list: words and vectors fused, most similar first. Three
    queries whatever the data: the word match, the index's check for new
    vectors, and the published questions among the vector candidates."""
    by_words = {q.pk: q for q in lexical.similar_questions(title, limit=CANDIDATES)}
    cosine: dict[int, float] = {}
    text = f"{title}\n{body}".strip()
    if enabled() and title.strip():
        found = store.index().nearest(embed([text])[0], CANDIDATES)
        cosine = {pk: score for pk, score in found if score >= settings.MLQA_SIMILAR_MIN}
    order = fuse(list(by_words), list(cosine))
    # Vector candidates may be hidden by now: only published ones are kept.
    questions = dict(by_words)
    if cosine:
        published = Question.objects.published().only("pk", "title", "slug")
        questions.update(published.in_bulk(order[: limit * 3]))
    return [Similar(questions[pk], cosine.get(pk)) for pk in order if pk in questions][:limit]


def lexical_ranking(matched: QuerySet[Question], text: str, *, cap: int) -> list[int]:
    """The word matches' ids, best first: on PostgreSQL by full-text rank among
    the bounded candidates (``search.bounded``); on SQLite by shared words among
    the newest ``cap`` matches, read in one query."""
    if search.is_postgres(matched.db):
        return search.bounded(matched, text, order=(), by_relevance=True).ids
    rows = matched.order_by("-created_at", "-id").values_list("pk", "title", "body")[:cap]
    return word_overlap_ranking(text, rows)


def word_overlap_ranking(text: str, rows) -> list[int]:
    """SQLite: the lexical candidates, (pk, title, body) rows, ranked by how many
    of the query's content words (stemmed) their title (twice) and body share;
    ties keep their order."""
    wanted = lexical.terms(text)
    rows = list(rows)

    def score(row) -> int:
        _, title, body = row
        return 2 * len(lexical.terms(title) & wanted) + len(lexical.terms(body or "") & wanted)

    ranked = sorted(enumerate(rows), key=lambda item: (-score(item[1]), item[0]))
    return [row[0] for _, row in ranked]


def search_rows(
    filtered: QuerySet[Question], lexical_ids: list[int], text: str, *, cap: int, annotations
) -> search.Ranked:
    """Search results by relevance: the lexical candidates (ranked, best first)
    fused with the nearest questions by vector among ``filtered`` (the list's
    filters, without the word match), at most ``cap``, in fused order."""
    vectors = [pk for pk, _ in vector_ranking(text, CANDIDATES, among=filtered)]
    order = fuse(lexical_ids, vectors)[:cap]
    rows = Question.objects.using(filtered.db).annotate(**annotations)
    return search.Ranked(order, rows, headlines=text)


def related_questions(question: Question, sharing: QuerySet, *, limit: int) -> QuerySet[Question]:
    """The stored nearest neighbours first (by their rank), then questions that
    share a topic: one query, whether the neighbours are computed yet or not."""
    stored = RelatedQuestion.objects.filter(question=question)
    rank = RelatedQuestion.objects.filter(question=question, related=OuterRef("pk")).values("rank")
    return (
        Question.objects.published()
        .filter(Q(pk__in=stored.values("related_id")) | Q(pk__in=sharing.values("question_id")))
        .exclude(pk=question.pk)
        .annotate(related_rank=Subquery(rank[:1]))
        .order_by(
            Case(When(related_rank__isnull=True, then=Value(1)), default=Value(0)),
            "related_rank",
            "-bookmark_count",
            "-created_at",
        )[:limit]
    )
