"""What the read API returns: one schema per kind of object, built from the
models and the selectors' annotations (no extra query per row)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from questions import leaderboard, selectors
from questions.models import Difficulty, Origin, Verification
from study import selectors as study_selectors
from study.companies import FREQUENCY_WINDOWS
from study.models import InterviewLevel

DifficultyValue = Literal[tuple(Difficulty.values)]
VerificationValue = Literal[tuple(Verification.values)]
OriginValue = Literal[tuple(Origin.values)]


def _absolute(context, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class SourceRef(Schema):
    name: str
    slug: str


class TopicRef(Schema):
    name: str
    slug: str


class SourceOut(SourceRef):
    kind: str
    url: str = Field(description="The book's or the site's home page, when known.")
    description: str
    question_count: int = Field(alias="question_total")


class TopicOut(TopicRef):
    description: str
    question_count: int = Field(alias="question_total")


class BestAnswerSummary(Schema):
    score: int
    origin: OriginValue
    ai_model: str | None
    verification: VerificationValue
    corrected: bool


class QuestionSummary(Schema):
    id: int
    title: str
    url: str
    source: SourceRef | None
    topics: list[TopicRef]
    difficulty: DifficultyValue
    answer_count: int
    bookmark_count: int
    created_at: datetime
    updated_at: datetime
    best_answer: BestAnswerSummary | None = Field(
        description="The answer ranked first on the question page (none when unanswered)."
    )

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_topics(obj) -> list:
        return list(obj.topics.all())

    @staticmethod
    def resolve_best_answer(obj) -> dict | None:
        # Stored on the question by questions.topanswer (the list selects it).
        top = obj.top_answer
        if top is None:
            return None
        return {
            "score": obj.top_answer_score,
            "origin": obj.top_answer_origin,
            "ai_model": top.ai_model or None,
            "verification": top.verification,
            "corrected": top.corrected_at is not None,
        }


class Author(Schema):
    name: str = Field(description="The member's public name.")
    username: str | None = Field(
        description="For /api/v1/users/{username}; none for a deleted or suspended member."
    )


def author_of(user) -> dict | None:
    if user is None:
        return None
    return {"name": user.public_name, "username": user.username if user.is_active else None}


class AnswerOut(Schema):
    id: int
    url: str
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The sanitised HTML the site shows.")
    origin: OriginValue
    ai_model: str | None = Field(description='The model that wrote an AI answer, e.g. "ChatGPT".')
    author: Author | None = Field(description="None for AI and imported answers.")
    score: int
    upvotes: int
    downvotes: int
    is_featured: bool = Field(description="A moderator's pick, ranked first.")
    verification: VerificationValue = Field(
        description="Where the current text stands by members' verdicts."
    )
    corrected_at: datetime | None = Field(
        description="When the community corrected an AI answer judged wrong or disputed."
    )
    revision_count: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_ai_model(obj) -> str | None:
        return obj.ai_model or None

    @staticmethod
    def resolve_author(obj) -> dict | None:
        return author_of(obj.author)


class QuestionOut(QuestionSummary):
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The sanitised HTML the site shows.")
    source_reference: str
    answers: list[AnswerOut] = Field(description="Published answers, in the site's ranking.")

    @staticmethod
    def resolve_answers(obj) -> list:
        return obj.ranked_answers


class MemberOut(Schema):
    username: str
    name: str
    bio: str
    url: str
    joined: datetime = Field(alias="date_joined")
    reputation: int

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.public_name

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _absolute(context, obj.get_absolute_url())


class ShareOut(Schema):
    count: int
    total: int = Field(description="The answers judged.")
    share: float | None
    low: float | None = Field(description="The 95% Wilson interval's low end.")
    high: float | None


def share_of(share) -> dict:
    low, high = share.interval if share.total else (None, None)
    return {
        "count": share.count,
        "total": share.total,
        "share": share.value,
        "low": low,
        "high": high,
    }


class ModelFigures(Schema):
    name: str
    answers: int
    judged: int
    verified: ShareOut
    wrong: ShareOut
    corrected: ShareOut

    @staticmethod
    def resolve_verified(obj) -> dict:
        return share_of(obj.verified)

    @staticmethod
    def resolve_wrong(obj) -> dict:
        return share_of(obj.wrong)

    @staticmethod
    def resolve_corrected(obj) -> dict:
        return share_of(obj.corrected)


class ModelOut(ModelFigures):
    slug: str
    by_topic: list[ModelFigures]
    by_source: list[ModelFigures]

    @staticmethod
    def resolve_by_topic(obj) -> list:
        return obj.breakdown.get("topic", [])

    @staticmethod
    def resolve_by_source(obj) -> list:
        return obj.breakdown.get("source", [])


class QuestionRef(Schema):
    id: int
    title: str
    url: str

    @staticmethod
    def resolve_url(obj, context) -> str:
        return _absolute(context, obj.get_absolute_url())


class PracticeOut(Schema):
    label: str = Field(description="New, Learning or Known.")
    due: datetime | None
    last_review: datetime | None
    last_rating: int | None
    stability: float | None
    difficulty: float | None


class BookmarkOut(Schema):
    id: int
    question: QuestionRef
    note: str = Field(description="The member's private note, markdown.")
    note_html: str
    created_at: datetime
    practice: PracticeOut

    @staticmethod
    def resolve_practice(obj) -> dict:
        return {
            "label": obj.practice_label,
            "due": obj.due,
            "last_review": obj.last_review,
            "last_rating": obj.last_rating,
            "stability": obj.stability,
            "difficulty": obj.difficulty,
        }


class BookmarkIn(Schema):
    question_id: int = Field(ge=1, le=2**53)
    note: str | None = Field(None, max_length=5000, description="Replaces the note when given.")


class ReviewOut(Schema):
    id: int
    bookmark_id: int
    question: QuestionRef
    rating: int = Field(description="1 again, 2 hard, 3 good, 4 easy.")
    rating_label: str
    reviewed_at: datetime
    due_after: datetime = Field(description="When the card was scheduled next.")
    duration_ms: int | None

    @staticmethod
    def resolve_question(obj):
        return obj.bookmark.question

    @staticmethod
    def resolve_rating_label(obj) -> str:
        return obj.get_rating_display()


class Message(Schema):
    detail: str


SortValue = Literal[tuple(selectors.SORTS)]
AnswersValue = Literal[tuple(selectors.ANSWER_FILTERS)]
LevelValue = Literal[tuple(InterviewLevel.values)]
WindowValue = Literal[tuple(FREQUENCY_WINDOWS)]
VerdictValue = Literal[tuple(selectors.VERDICT_FILTERS)]
ModelSortValue = Literal[tuple(leaderboard.SORTS)]
BookmarkStateValue = Literal[tuple(study_selectors.BOOKMARK_STATES)]
BookmarkSortValue = Literal[tuple(study_selectors.BOOKMARK_SORTS)]


class QuestionParams(Schema):
    q: str = Field("", max_length=200, description='Search: words, "a phrase", -exclude, or.')
    source: str | None = Field(None, max_length=120, description="A source's slug.")
    topic: str | None = Field(None, max_length=80, description="A topic's slug.")
    difficulty: DifficultyValue | None = None
    answers: AnswersValue | None = Field(None, description="Community answered, or AI only.")
    verdict: VerdictValue | None = Field(None, description="The state of the best answer.")
    sort: SortValue | None = Field(
        None, description="Newest by default; best match (relevance) when searching."
    )
    company: str | None = Field(
        None, max_length=90, description="Reported asked at this company (its slug)."
    )
    level: LevelValue | None = Field(None, description="Reported asked at this level.")
    asked_within: WindowValue | None = Field(
        None, description="Reported asked in the last 30, 90 or 365 days."
    )


class BookmarkParams(Schema):
    topic: str | None = Field(None, max_length=80, description="A topic's slug.")
    source: str | None = Field(None, max_length=120, description="A source's slug.")
    difficulty: DifficultyValue | None = None
    state: BookmarkStateValue | None = Field(None, description="The practice state.")
    sort: BookmarkSortValue | None = Field(None, description="Recently added by default.")
