"""Endpoints anyone may read: published questions with their published
answers, sources, topics, members' public profiles, the AI models leaderboard.
Reads go through the site's own selectors, so the API lists, filters, sorts and
ranks exactly as the pages do, and shows nothing hidden or pending."""

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.models import User
from accounts.reputation import with_reputation
from questions import leaderboard, selectors
from questions.filters import QuestionFilterSet
from questions.models import Question

from .common import Pages
from .schemas import (
    MemberOut,
    Message,
    ModelOut,
    ModelSortValue,
    QuestionOut,
    QuestionParams,
    QuestionSummary,
    SourceOut,
    TopicOut,
)

router = Router()

NOT_FOUND = {404: Message}


def _found(queryset, missing: str, **lookup):
    """The one row matching ``lookup``, or a 404 whose detail is ``missing``."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise HttpError(404, missing)
    return found


@router.get(
    "/questions",
    response={200: list[QuestionSummary], **NOT_FOUND},
    tags=["questions"],
    summary="List published questions",
)
@paginate(Pages)
def list_questions(request: HttpRequest, params: Query[QuestionParams]):
    """Published questions, filtered and sorted as on the site's home page."""
    # The schema documents and type-checks the parameters; the site's FilterSet
    # reads them, so the API filters exactly as the pages do.
    filterset = QuestionFilterSet(params.model_dump(exclude_none=True))
    for name in ("source", "topic", "company"):
        if name in filterset.errors:
            raise HttpError(404, f"No {name} with this slug.")
    if filterset.errors:
        raise HttpError(422, " ".join(filterset.form.problems()))
    return filterset.qs


@router.get(
    "/questions/{int:question_id}",
    response={200: QuestionOut, **NOT_FOUND},
    tags=["questions"],
    summary="One question with its answers",
)
def get_question(request: HttpRequest, question_id: int):
    """A published question and its published answers, ranked as on its page:
    a moderator's pick first, an answer judged wrong last, then by score."""
    question = _found(
        Question.objects.published().for_list(),
        "No published question with this id.",
        pk=question_id,
    )
    question.ranked_answers = list(question.answers.published().ranked().select_related("author"))
    # The first of them is the question's stored best answer (questions.topanswer
    # keeps it exact): the summary reads it from here instead of asking again.
    question.top_answer = question.ranked_answers[0] if question.ranked_answers else None
    return question


@router.get("/sources", response=list[SourceOut], tags=["catalogue"], summary="List sources")
@paginate(Pages)
def list_sources(request: HttpRequest):
    """Every source, by name, with its number of published questions."""
    return selectors.sources_index()


@router.get(
    "/sources/{slug}",
    response={200: SourceOut, **NOT_FOUND},
    tags=["catalogue"],
    summary="One source",
)
def get_source(request: HttpRequest, slug: str):
    """A source and its number of published questions; they are listed by
    /api/v1/questions?source={slug}."""
    return _found(selectors.sources_index(), "No source with this slug.", slug=slug)


@router.get("/topics", response=list[TopicOut], tags=["catalogue"], summary="List topics")
@paginate(Pages)
def list_topics(request: HttpRequest):
    """Every topic, by name, with its number of published questions."""
    return selectors.topics_index()


@router.get(
    "/topics/{slug}",
    response={200: TopicOut, **NOT_FOUND},
    tags=["catalogue"],
    summary="One topic",
)
def get_topic(request: HttpRequest, slug: str):
    """A topic and its number of published questions; they are listed by
    /api/v1/questions?topic={slug}."""
    return _found(selectors.topics_index(), "No topic with this slug.", slug=slug)


@router.get(
    "/users/{username}",
    response={200: MemberOut, **NOT_FOUND},
    tags=["members"],
    summary="A member's public profile",
)
def get_member(request: HttpRequest, username: str):
    """Public name, bio, reputation; suspended and deleted members are not found."""
    members = with_reputation(User.objects.filter(is_active=True))
    return _found(members, "No member with this username.", username=username)


@router.get(
    "/models",
    response=list[ModelOut],
    tags=["vetting"],
    summary="The AI models leaderboard",
)
@paginate(Pages)
def list_models(request: HttpRequest, sort: ModelSortValue | None = None):
    """Each AI model's published answers and how their drafts fared with the
    community: the shares verified, judged wrong and corrected, each with its 95%
    Wilson interval, overall, by topic and by source. Ranked by the pessimistic
    end of the interval of the sort (the share verified by default)."""
    return leaderboard.leaderboard(sort=sort or "verified")
