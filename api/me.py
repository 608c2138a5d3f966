"""A member's own study data, read (and one bookmark added) with a personal
access token. ``request.auth`` is the token; these endpoints are all a token
can reach."""

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from accounts.models import User
from questions.models import Question, Status
from study import services as study
from study.filters import BookmarkFilterSet
from study.models import Bookmark, Review

from .common import Pages
from .schemas import BookmarkIn, BookmarkOut, BookmarkParams, Message, ReviewOut

router = Router(tags=["me"])


def _member(request: HttpRequest) -> User:
    return request.auth.user


@router.get("/bookmarks", response=list[BookmarkOut], summary="My bookmarks")
@paginate(Pages)
def my_bookmarks(request: HttpRequest, params: Query[BookmarkParams]):
    """Your bookmarks on published questions, with your private notes and each
    card's practice state, filtered and sorted as on /bookmarks/."""
    filterset = BookmarkFilterSet(params.model_dump(exclude_none=True), user=_member(request))
    for name in ("topic", "source"):
        if name in filterset.errors:
            raise HttpError(404, f"No {name} with this slug.")
    if filterset.errors:
        raise HttpError(422, " ".join(filterset.form.problems()))
    return filterset.qs.select_related("question")


@router.post(
    "/bookmarks",
    response={200: BookmarkOut, 201: BookmarkOut, 404: Message, 422: Message},
    summary="Bookmark a question",
)
def add_bookmark(request: HttpRequest, payload: BookmarkIn):
    """Bookmark a published question (201), or find it already bookmarked (200);
    a note, when given, replaces the bookmark's note. A question bookmarked and
    removed before comes back with its note and practice history."""
    member = _member(request)
    question = Question.objects.published().filter(pk=payload.question_id).first()
    if question is None:
        raise HttpError(404, "No published question with this id.")
    with transaction.atomic():
        # One member's bookmark writes in turn: two requests at once add one bookmark.
        list(User.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))
        bookmark = Bookmark.objects.filter(user=member, question=question).first()
        created = bookmark is None
        if created:
            bookmark = study.toggle_bookmark(user=member, question=question)
        if payload.note is not None:
            try:
                study.save_note(user=member, bookmark=bookmark, note=payload.note)
            except study.StudyError as exc:
                raise HttpError(422, str(exc)) from exc
    bookmark.question = question
    return Reply(201 if created else 200, bookmark)


@router.get("/reviews", response=list[ReviewOut], summary="My practice reviews")
@paginate(Pages)
def my_reviews(request: HttpRequest):
    """Your practice reviews, newest first, of questions still bookmarked and published."""
    return (
        Review.objects.filter(
            bookmark__user=_member(request),
            bookmark__removed_at__isnull=True,
            bookmark__question__status=Status.PUBLISHED,
        )
        .select_related("bookmark__question")
        .order_by("-reviewed_at", "-id")
    )
