"""Questions that look like a title being typed on the ask form, best match first.

Both databases rank by similarity, from the title's content words (stop words
and interview filler such as "explain" or "why" left out):

- PostgreSQL: the stored full-text document (title weighted far above body and
  answers) matched against any content word, plus the trigram similarity of
  the titles (``pg_trgm``, which also forgives a typo); the candidates come
  from the GIN indexes of both.
- SQLite: the published titles that contain a content word (at most
  ``MAX_CANDIDATES`` of them, so the cost stays bounded) are scored in Python
  by the share of the typed title's weight they cover (rare words weigh more)
  and by how much of their own title is shared.

Either way a question must share a content word and reach ``MIN_SCORE``:
titles that only share "why does … at …" are not similar.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from .models import Question
from .search import CONFIG, is_postgres

MAX_WORDS = 8
MAX_CANDIDATES = 300
MIN_SCORE = 0.15
# PostgreSQL: how much the whole question's text counts next to its title, the
# least score shown, and the title similarity that admits a title with no word
# in common (a typo: "droput").
PG_TEXT_WEIGHT = 0.25
PG_MIN_SCORE = 0.45
PG_TYPO_SIMILARITY = 0.3

# English function words, and the words every interview question uses.
STOP_WORDS = frozenset({
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done", "down",
    "during", "each", "either", "else", "even", "ever", "every", "few", "for", "from",
    "further", "get", "gets", "got", "had", "has", "have", "having", "he", "her", "here",
    "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "least", "less", "like", "may", "me", "might", "more", "most", "much", "must", "my",
    "neither", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only",
    "or", "other", "our", "ours", "out", "over", "own", "per", "rather", "same", "shall",
    "she", "should", "since", "so", "some", "such", "than", "that", "the", "their", "theirs",
    "them", "then", "there", "these", "they", "this", "those", "through", "thus", "to", "too",
    "under", "until", "up", "upon", "us", "use", "used", "uses", "using", "very", "via", "was",
    "we", "were", "what", "whatever", "when", "where", "whether", "which", "while", "who",
    "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
    "yours", "explain", "describe", "difference", "differences", "compare", "example",
    "examples", "meant", "way", "ways", "work", "works", "working", "tell", "give", "given",
    "versus", "vs", "need", "needs", "happen", "happens", "make", "makes", "good", "well",
    "still", "really", "know",
})  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s")


def stem(word: str) -> str:
    """A light English stem, always a prefix of the word: "scaling", "scaled" and
    "scales" give "scal"; "clusters" and "clustering" give "cluster"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word[-2] in "asiu":  # bias, loss, analysis, focus
                break
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word[-1] in "ey":
        word = word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """The words of ``text`` that say what it is about, in order, each once."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


def terms(text: str) -> set[str]:
    return {stem(word) for word in content_words(text)}


@dataclass(frozen=True)
class Scored:
    question: Question
    score: float


def similar_questions(title: str, *, limit: int = 5) -> list[Question]:
    """Published questions that look like ``title``, most similar first."""
    words = content_words(title)[:MAX_WORDS]
    if not words:
        return []
    published = Question.objects.published()
    if is_postgres(published.db):
        return _postgres(published, words, limit)
    return [scored.question for scored in score_sqlite(published, words)[:limit]]


def _postgres(qs: QuerySet[Question], words: list[str], limit: int) -> list[Question]:
    """Score = the share of the content words found in the title (full text, so
    "scaled" finds "scaling") + the trigram similarity of the title to those words
    + a little of the full-text rank of the whole question (body and answers)."""
    anywhere = SearchQuery(words[0], config=CONFIG)
    for word in words[1:]:
        anywhere |= SearchQuery(word, config=CONFIG)
    # Words are [a-z0-9]+ only, so the raw syntax is safe: ":A" is the title.
    in_title = [SearchQuery(f"{word}:A", search_type="raw", config=CONFIG) for word in words]
    title_hits = sum(
        (
            Case(When(search_vector=query, then=Value(1.0)), default=Value(0.0))
            for query in in_title
        ),
        Value(0.0),
    )
    typed = " ".join(words)
    return list(
        qs.filter(Q(search_vector=anywhere) | Q(title__trigram_similar=typed))
        .annotate(
            title_share=title_hits / Value(float(len(words))),
            title_similarity=TrigramSimilarity("title", typed),
            text_rank=Cast(
                SearchRank(F("search_vector"), anywhere, normalization=32), FloatField()
            ),
        )
        .annotate(
            similarity=F("title_share") + F("title_similarity") + PG_TEXT_WEIGHT * F("text_rank")
        )
        .filter(
            Q(similarity__gte=PG_MIN_SCORE)
            & (Q(title_share__gt=0) | Q(title_similarity__gte=PG_TYPO_SIMILARITY))
        )
        .only("pk", "title", "slug")
        .order_by("-similarity", "-bookmark_count", "pk")[:limit]
    )


def score_sqlite(qs: QuerySet[Question], words: list[str]) -> list[Scored]:
    """Rank by shared content words; each weighs its inverse document frequency
    among the candidates, so "dropout" counts for more than "model"."""
    wanted = {stem(word) for word in words}
    contains = Q()
    for term in wanted:
        contains |= Q(title__icontains=term)
    candidates = list(
        qs.filter(contains)
        .only("pk", "title", "slug")
        .order_by("-bookmark_count", "-created_at", "pk")[:MAX_CANDIDATES]
    )
    titles = {question.pk: terms(question.title) for question in candidates}
    frequency = Counter(term for found in titles.values() for term in found & wanted)
    total = len(candidates) + 1

    def weight(term: str) -> float:
        return math.log(1 + total / (1 + frequency[term]))

    query_weight = sum(weight(term) for term in wanted)
    ranked = []
    for question in candidates:
        shared = titles[question.pk] & wanted
        if not shared:
            continue  # matched inside a longer word only ("time" in "runtime")
        covered = sum(weight(term) for term in shared) / query_weight
        focus = len(shared) / len(titles[question.pk])
        score = covered * math.sqrt(focus)
        if score >= MIN_SCORE:
            ranked.append(Scored(question, score))
    ranked.sort(key=lambda scored: -scored.score)
    return ranked
