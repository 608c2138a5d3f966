"""Questions' vectors in the database, and the in-process index searched by cosine.

Vectors are float32 bytes in ``QuestionVector.vector`` on both databases.
Each process keeps a matrix of the published questions' vectors and reads
only the rows changed since its last look (one indexed query), so a search
costs a matrix product: exact cosine, a few milliseconds for 100,000
questions (bench/semantic.py). Results are checked against the database
(published, filters), so a hidden question never appears even before the
matrix knows.
"""

import hashlib
import re
import threading
from collections.abc import Iterable
from datetime import timedelta

import numpy as np
from django.db import connections, transaction
from django.db.models import Count, Max
from django.utils import timezone

from mlqa_site.prepared import kept_statement
from questions import pagecache
from questions.models import Question, QuestionVector, RelatedQuestion, Status

from .model import embed, get_embedder

BATCH = 64
RELATED = 5
TEXT_CHARS = 2000
_PARAGRAPH = re.compile(r"\n\s*\n")


def first_paragraph(markdown: str) -> str:
    for paragraph in _PARAGRAPH.split(markdown or ""):
        if paragraph.strip():
            return paragraph.strip()
    return ""


def question_text(question: Question) -> str:
    """What a question's vector stands for: title, body, best answer's first paragraph."""
    answer = question.top_answer.body if question.top_answer_id else ""
    parts = [question.title, question.body or "", first_paragraph(answer)]
    return "\n".join(part for part in parts if part)[:TEXT_CHARS]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")


def embed_questions(question_ids: Iterable[int], *, force: bool = False) -> list[int]:
    """Store the vectors of these questions whose text changed (all of them with
    ``force``); returns the ids embedded."""
    ids = sorted(set(question_ids))
    model_id = get_embedder().model_id
    done: list[int] = []
    for start in range(0, len(ids), BATCH):
        questions = list(
            Question.objects.filter(pk__in=ids[start : start + BATCH])
            .select_related("top_answer")
            .only("pk", "title", "body", "top_answer__body")
        )
        known = dict(
            QuestionVector.objects.filter(question__in=questions, model_id=model_id).values_list(
                "question_id", "digest"
            )
        )
        todo = []
        for question in questions:
            text = question_text(question)
            digest = hashlib.sha256(text.encode()).hexdigest()
            if force or known.get(question.pk) != digest:
                todo.append((question.pk, text, digest))
        if not todo:
            continue
        vectors = embed([text for _, text, _ in todo])
        now = timezone.now()
        QuestionVector.objects.bulk_create(
            [
                QuestionVector(
                    question_id=pk,
                    model_id=model_id,
                    digest=digest,
                    vector=to_bytes(vector),
                    updated_at=now,
                )
                for (pk, _, digest), vector in zip(todo, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["question"],
            update_fields=["model_id", "digest", "vector", "updated_at"],
        )
        done += [pk for pk, _, _ in todo]
    return done


class VectorIndex:
    """Published questions' vectors of one model, kept up to date incrementally."""

    # Rows written just before the last look may commit after it: read them again.
    OVERLAP = timedelta(seconds=5)

    def __init__(self, model_id: str):
        self.model_id = model_id
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.position: dict[int, int] = {}
        self.latest = None  # the newest row read
        self.lock = threading.Lock()

    def refresh(self, *, retry: bool = True) -> None:
        """Read the rows written since the last look (and a few seconds before it,
        for writes that committed late); everything again when rows went away (a
        question deleted). One small query when nothing changed."""
        rows = QuestionVector.objects.filter(model_id=self.model_id)
        stats = self._stats(rows)
        if stats["n"] < len(self.ids) or stats["latest"] is None:
            self._reset()
        if stats["latest"] is None:
            return
        if self.latest is not None:
            if stats["n"] == len(self.ids) and stats["latest"] == self.latest:
                return
            rows = rows.filter(updated_at__gte=self.latest - self.OVERLAP)
        changed = list(rows.values_list("question_id", "vector"))
        with self.lock:
            self.latest = stats["latest"]
            if changed:
                self._store(changed)
            consistent = len(self.ids) == stats["n"]
        if not consistent and retry:  # rows we held went away: read them all again
            self._reset()
            self.refresh(retry=False)

    def _stats(self, rows) -> dict:
        """The number of ``rows`` and their newest write, asked on every search:
        on PostgreSQL a statement compiled once per process and model
        (``mlqa_site.prepared``; SQLite's raw rows would miss Django's dates)."""
        if connections[rows.db].vendor != "postgresql":
            return rows.aggregate(n=Count("pk"), latest=Max("updated_at"))

        def build():
            per_model = rows.order_by().values("model_id")
            return per_model.annotate(n=Count("pk"), latest=Max("updated_at")).values_list(
                "n", "latest"
            )

        found = kept_statement(("vector-stats", rows.db, self.model_id), build, {})
        n, latest = next(iter(found.rows({}, rows.db)), (0, None))
        return {"n": n, "latest": latest}

    def _reset(self) -> None:
        with self.lock:
            self.ids = np.zeros(0, dtype=np.int64)
            self.matrix = np.zeros((0, 0), dtype=np.float32)
            self.position = {}
            self.latest = None

    def _store(self, changed: list) -> None:
        new_ids = [pk for pk, _ in changed if pk not in self.position]
        vectors = np.stack([from_bytes(data) for _, data in changed])
        if self.matrix.size == 0:
            self.matrix = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        if new_ids:
            start = len(self.ids)
            self.ids = np.concatenate([self.ids, np.array(new_ids, dtype=np.int64)])
            grown = np.zeros((len(new_ids), self.matrix.shape[1]), dtype=np.float32)
            self.matrix = np.concatenate([self.matrix, grown])
            for offset, pk in enumerate(new_ids):
                self.position[pk] = start + offset
        for (pk, _), vector in zip(changed, vectors, strict=True):
            self.matrix[self.position[pk]] = vector

    def __len__(self) -> int:
        return len(self.ids)

    def nearest(self, vector: np.ndarray, k: int, *, exclude: Iterable[int] = ()) -> list:
        """Up to ``k`` (question id, cosine) pairs, most similar first."""
        with self.lock:
            ids, matrix, position = self.ids, self.matrix, self.position
        if not len(ids):
            return []
        scores = matrix @ vector
        for pk in exclude:
            if pk in position:
                scores[position[pk]] = -2.0
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in top if scores[i] > -2.0]


_indexes: dict[str, VectorIndex] = {}
_indexes_lock = threading.Lock()


def index() -> VectorIndex:
    """This process's index of the current model, brought up to date."""
    model_id = get_embedder().model_id
    with _indexes_lock:
        found = _indexes.setdefault(model_id, VectorIndex(model_id))
    found.refresh()
    return found


def forget_indexes() -> None:
    """Drop the in-process indexes (tests, after the table was emptied)."""
    with _indexes_lock:
        _indexes.clear()


def published_nearest(
    vector: np.ndarray, k: int, *, exclude=(), among=None, vectors: VectorIndex | None = None
) -> list:
    """The nearest published questions (of ``among``, a queryset, when given) as
    (id, cosine), most similar first: the index's candidates checked in one query.
    ``vectors``: the index, when the caller has just brought it up to date."""
    candidates = (vectors or index()).nearest(vector, k * 4 + 10, exclude=exclude)
    queryset = among if among is not None else Question.objects.published()
    allowed = set(queryset.filter(pk__in=[pk for pk, _ in candidates]).values_list("pk", flat=True))
    return [(pk, score) for pk, score in candidates if pk in allowed][:k]


def refresh_related(question_ids: Iterable[int]) -> set[int]:
    """Store the nearest published neighbours of these questions (shared topic
    breaking ties at two decimals) and renew their pages. Returns the ids whose
    list was stored."""
    changed = set()
    for question in Question.objects.filter(pk__in=list(question_ids)).prefetch_related("topics"):
        stored = QuestionVector.objects.filter(question=question).only("vector").first()
        if stored is None or question.status != Status.PUBLISHED:
            deleted, _ = RelatedQuestion.objects.filter(question=question).delete()
            if deleted:
                changed.add(question.pk)
            continue
        found = published_nearest(from_bytes(stored.vector), RELATED * 3, exclude=[question.pk])
        topics = {topic.pk for topic in question.topics.all()}
        sharing = set(
            Question.topics.through.objects.filter(
                question_id__in=[pk for pk, _ in found], topic_id__in=topics
            ).values_list("question_id", flat=True)
        )
        found.sort(key=lambda pair: (-round(pair[1], 2), pair[0] not in sharing))
        with transaction.atomic():
            RelatedQuestion.objects.filter(question=question).delete()
            RelatedQuestion.objects.bulk_create(
                RelatedQuestion(question=question, related_id=pk, rank=rank, similarity=score)
                for rank, (pk, score) in enumerate(found[:RELATED])
            )
        changed.add(question.pk)
    if changed:
        pagecache.question_page_changed(*changed)
    return changed


def neighbours_of(question_ids: Iterable[int]) -> set[int]:
    """Questions that list these as related, or would: their own neighbours."""
    ids = list(question_ids)
    return set(
        RelatedQuestion.objects.filter(related_id__in=ids).values_list("question_id", flat=True)
    ) | set(
        RelatedQuestion.objects.filter(question_id__in=ids).values_list("related_id", flat=True)
    )
