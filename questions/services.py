"""Every write that touches more than one row, with its permission check.

Views, the admin and management commands call these functions; none of them
writes counters or revisions on its own.
"""

from collections.abc import Iterable
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from .collection import (
    SOURCE_NAME_MAX_LENGTH,
    Entry,
    ImportSummary,
    ParsedCollection,
    Progress,
    SourceLink,
    body_continues_title,
    normalise_url,
    question_key,
    same_text,
    source_kind,
    source_slug,
    split_title,
    strip_symbols,
)
from .models import (
    Answer,
    AnswerRevision,
    Comment,
    CommentStatus,
    Difficulty,
    Flag,
    FlagStatus,
    Origin,
    Proposal,
    ProposalStatus,
    Question,
    Source,
    Status,
    Topic,
    Vote,
)
from .search import index_questions

VoteChoice = Literal["up", "down", "clear"]
_VOTE_VALUES: dict[str, int] = {"up": Vote.UP, "down": Vote.DOWN, "clear": 0}


@transaction.atomic
def create_question(
    *,
    title: str,
    body: str = "",
    source: Source | None = None,
    source_reference: str = "",
    difficulty: str = Difficulty.UNRATED,
    topics: Iterable[Topic] = (),
    submitted_by: User | None = None,
    status: str = Status.PUBLISHED,
) -> Question:
    question = Question(
        title=title.strip(),
        body=body,
        source=source,
        source_reference=source_reference,
        difficulty=difficulty,
        submitted_by=submitted_by,
        status=status,
    )
    question.render()
    question.save()
    question.topics.set(topics)
    index_questions([question.pk])
    return question


@transaction.atomic
def create_answer(
    *,
    question: Question,
    body: str,
    author: User | None = None,
    origin: str = Origin.COMMUNITY,
    ai_model: str = "",
    status: str = Status.PUBLISHED,
    is_featured: bool = False,
) -> Answer:
    """Store an answer with its first revision and count it on the question."""
    if origin == Origin.COMMUNITY and author is None:
        raise ValueError("A community answer needs an author.")
    answer = Answer(
        question=question,
        body=body,
        author=author,
        origin=origin,
        ai_model=ai_model if origin == Origin.AI else "",
        status=status,
        is_featured=is_featured,
        revision_count=1,
    )
    answer.render()
    answer.save()
    AnswerRevision.objects.create(
        answer=answer, number=1, body=body, author=author, summary="Original answer"
    )
    if status == Status.PUBLISHED:
        Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
        index_questions([question.pk])
    return answer


@transaction.atomic
def cast_vote(*, user: User, answer: Answer, choice: VoteChoice) -> Answer:
    """Vote an answer up or down, or clear the vote; returns the fresh answer.

    The Vote row and the answer's denormalised counters change in one
    transaction, with F() updates, so concurrent votes keep the score exact.
    """
    if choice not in _VOTE_VALUES:
        raise ValueError(f"Unknown vote {choice!r}: use up, down or clear.")
    _require_member(user)
    if answer.author_id is not None and answer.author_id == user.pk:
        raise PermissionDenied("You cannot vote on your own answer.")
    if answer.status != Status.PUBLISHED or answer.question.status != Status.PUBLISHED:
        raise PermissionDenied("This answer is not open for votes.")

    new = _VOTE_VALUES[choice]
    existing = Vote.objects.select_for_update().filter(user=user, answer=answer).first()
    old = existing.value if existing else 0
    if new == old:
        return answer
    if existing and new:
        existing.value = new
        existing.save(update_fields=["value", "updated_at"])
    elif existing:
        existing.delete()
    else:
        Vote.objects.create(user=user, answer=answer, value=new)

    up = (new == Vote.UP) - (old == Vote.UP)
    down = (new == Vote.DOWN) - (old == Vote.DOWN)
    Answer.objects.filter(pk=answer.pk).update(
        score=F("score") + (new - old),
        upvotes=F("upvotes") + up,
        downvotes=F("downvotes") + down,
    )
    answer.refresh_from_db(fields=["score", "upvotes", "downvotes"])
    return answer


@transaction.atomic
def add_comment(
    *,
    author: User,
    body: str,
    answer: Answer | None = None,
    question: Question | None = None,
) -> Comment:
    if (answer is None) == (question is None):
        raise ValueError("A comment goes on exactly one answer or one question.")
    target_question = question or answer.question
    if target_question.status != Status.PUBLISHED or (
        answer is not None and answer.status != Status.PUBLISHED
    ):
        raise PermissionDenied("Comments are closed on content that is not published.")
    comment = Comment(author=author, body=body, answer=answer, question=question)
    comment.render()
    comment.save()
    return comment


# --- Collections of questions in markdown (manage.py import_markdown) -----------------


@transaction.atomic
def revise_answer(
    *, answer: Answer, body: str, author: User | None = None, summary: str = ""
) -> AnswerRevision:
    """Make ``body`` the answer's text, kept as its next numbered revision."""
    return _revise_answers([(answer, body, summary)], author=author)[0]


def _revise_answers(
    changes: list[tuple[Answer, str, str]], *, author: User | None = None, reindex: bool = True
) -> list[AnswerRevision]:
    """New text for many answers at once: each gets its next numbered revision.

    The answer rows are locked first, so the revision numbers (and
    ``revision_count``) stay exact when two edits race. Call inside a
    transaction.
    """
    if len({answer.pk for answer, _, _ in changes}) != len(changes):
        raise ValueError("Each answer can be revised once per call.")
    locked: dict[int, tuple[int, str]] = {}
    for chunk in _chunks([answer.pk for answer, _, _ in changes]):
        rows = Answer.objects.select_for_update().filter(pk__in=chunk)
        locked.update(
            (pk, (count, status))
            for pk, count, status in rows.values_list("pk", "revision_count", "status")
        )
    max_summary = AnswerRevision._meta.get_field("summary").max_length
    revisions = []
    for answer, body, summary in changes:
        count, _ = locked[answer.pk]
        answer.body = body
        answer.render()
        answer.revision_count = count + 1
        revisions.append(
            AnswerRevision(
                answer=answer,
                number=count + 1,
                body=body,
                author=author,
                summary=summary[:max_summary],
            )
        )
    answers = [answer for answer, _, _ in changes]
    Answer.objects.bulk_update(answers, ["body", "body_html"], batch_size=500)
    now = timezone.now()
    for chunk in _chunks([answer.pk for answer in answers]):
        Answer.objects.filter(pk__in=chunk).update(
            revision_count=F("revision_count") + 1, updated_at=now
        )
    for answer in answers:
        answer.updated_at = now
    AnswerRevision.objects.bulk_create(revisions, batch_size=1000)
    if reindex:
        published = {
            answer.question_id
            for answer, _, _ in changes
            if locked[answer.pk][1] == Status.PUBLISHED
        }
        for chunk in _chunks(sorted(published), size=2000):
            index_questions(chunk)
    return revisions


@transaction.atomic
def import_collection(
    *,
    collections: Iterable[ParsedCollection],
    ai_model: str | None = None,
    default_source: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Load parsed collection documents: questions, their AI answers and sources.

    Idempotent: a question is found again by its normalised text (case, white
    space and punctuation do not count) and an AI answer by its question and
    model. An unchanged answer is left alone, a changed one gets a new
    revision, unless the site has edited it since (an accepted proposal, a
    moderator's rollback): then the site's text stays and a warning says so.
    Community answers, votes and comments are never touched. A question's
    source is set when the document names one; prompt sections without one
    take ``default_source``.

    The work is done in bulk (a few queries per thousand entries); ``dry_run``
    does all of it and rolls back, so the summary's counts are real.
    """
    summary = ImportSummary(dry_run=dry_run)
    sources = _SourceBook()
    known = _known_questions()
    model_override = (ai_model or "").strip()

    # 1. Decide, in memory, what each entry means.
    planned: list[tuple[ParsedCollection, Entry, str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for collection in collections:
        for entry in collection.entries:
            model = model_override or entry.ai_model or collection.default_model
            if not model:
                raise ValueError(
                    f"{collection.path}:{entry.line}: no AI model for this answer: "
                    "give one with ai_model (the document has no table header naming it)."
                )
            key = entry.key
            where = f"{collection.path}:{entry.line}"
            if first := seen.get((key, model.casefold())):
                summary.warn(collection.path, entry.line, f"same question as {first}; left out")
                continue
            seen[key, model.casefold()] = where
            planned.append((collection, entry, key, model))

    existing_ai = _ai_answers(sorted({known[key][0] for *_, key, _ in planned if key in known}))
    new_questions: dict[str, Question] = {}
    changed_source: dict[int, Source] = {}
    question_outcome: dict[str, str] = {}
    new_answers: list[tuple[str, Answer, str]] = []  # (question key, answer, file name)
    revisions: list[tuple[Answer, ParsedCollection, Entry]] = []
    resolved: dict[tuple, Source | None] = {}
    for done, (collection, entry, key, model) in enumerate(planned, start=1):
        ref_key = (id(collection), entry.kind, entry.source_key, entry.heading)
        if ref_key not in resolved:
            ref = collection.source_for(entry)
            if ref is None and entry.kind == "prompt" and default_source:
                ref = default_source
            resolved[ref_key] = sources.get(ref) if ref is not None else None
        source = resolved[ref_key]

        question_id = known[key][0] if key in known else None
        if question_id is not None:
            if source is not None and source.pk != known[key][1]:
                changed_source[question_id] = source
                question_outcome[key] = "updated"
            else:
                question_outcome.setdefault(key, "unchanged")
        elif key not in new_questions:
            title, body = split_title(entry.question)
            question = Question(title=title, body=body, source=source, status=Status.PUBLISHED)
            question.render()
            new_questions[key] = question
            question_outcome[key] = "created"

        current = existing_ai.get((question_id, model.casefold())) if question_id else None
        if entry.answer and current is None:
            answer = Answer(
                question_id=question_id,
                body=entry.answer,
                origin=Origin.AI,
                ai_model=model,
                status=Status.PUBLISHED,
                revision_count=1,
            )
            answer.render()
            new_answers.append((key, answer, collection.file_name))
        elif entry.answer and same_text(current.body, entry.answer):
            summary.answers["unchanged"] += 1
        elif entry.answer:
            revisions.append((current, collection, entry))
        if progress and (done % 250 == 0 or done == len(planned)):
            progress(done, len(planned))
    summary.questions.update(question_outcome.values())

    # 2. Write it.
    for question_id, source in changed_source.items():
        question = Question.objects.get(pk=question_id)
        question.source = source
        question.save(update_fields=["source", "updated_at"])

    for key, _answer, _ in new_answers:
        if key in new_questions:
            new_questions[key].answer_count += 1
    _bulk_create(Question, list(new_questions.values()))

    answered_before: list[int] = []
    for key, answer, _ in new_answers:
        if answer.question_id is None:
            answer.question_id = new_questions[key].pk
        else:
            answered_before.append(answer.question_id)
    _bulk_create(Answer, [answer for _, answer, _ in new_answers])
    AnswerRevision.objects.bulk_create(
        (
            AnswerRevision(
                answer=answer, number=1, body=answer.body, summary=f"Imported from {name}"
            )
            for _, answer, name in new_answers
        ),
        batch_size=1000,
    )
    for chunk in _chunks(answered_before):
        Question.objects.filter(pk__in=chunk).update(answer_count=F("answer_count") + 1)
    summary.answers["created"] += len(new_answers)

    kept = _site_edited(current for current, *_ in revisions)
    to_revise: list[tuple[Answer, str, str]] = []
    for current, collection, entry in revisions:
        last_imported = kept.get(current.pk)
        if last_imported is None:
            to_revise.append((current, entry.answer, f"Updated from {collection.file_name}"))
            continue
        summary.answers["unchanged"] += 1
        if not same_text(last_imported, entry.answer):
            summary.warn(
                collection.path,
                entry.line,
                f"answer #{current.pk} was edited on the site after it was imported; "
                "kept the site's text, not the file's new one",
            )
    _revise_answers(to_revise, reindex=False)
    summary.answers["updated"] += len(to_revise)

    touched = {q.pk for q in new_questions.values()} | set(answered_before)
    touched |= set(changed_source) | {answer.question_id for answer, _, _ in to_revise}
    for chunk in _chunks(sorted(touched), size=2000):
        index_questions(chunk)
    summary.sources.update(sources.outcomes.values())
    if dry_run:
        transaction.set_rollback(True)
    return summary


class _SourceBook:
    """Sources found by URL, name or slug, loaded once; created when missing."""

    def __init__(self) -> None:
        self.by_url: dict[str, Source] = {}
        self.by_name: dict[str, Source] = {}
        self.by_slug: dict[str, Source] = {}
        self.outcomes: dict[int, str] = {}
        for source in Source.objects.order_by("pk"):
            self._remember(source)

    def _remember(self, source: Source) -> None:
        if url := normalise_url(source.url):
            self.by_url.setdefault(url, source)
        self.by_name.setdefault(source.name.casefold(), source)
        self.by_slug.setdefault(source.slug, source)

    def get(self, ref: SourceLink | str) -> Source:
        if isinstance(ref, SourceLink):
            name, url, kind = ref.display_name, ref.url, source_kind(ref.name, ref.url)
        else:
            name = strip_symbols(ref)[:SOURCE_NAME_MAX_LENGTH]
            url, kind = "", source_kind(name, "")
        slug = source_slug(name)
        found = (
            (self.by_url.get(normalise_url(url)) if url else None)
            or self.by_name.get(name.casefold())
            or self.by_slug.get(slug)
        )
        if found is None:
            found = Source.objects.create(name=name, slug=slug, url=url, kind=kind)
            self._remember(found)
            self.outcomes[found.pk] = "created"
        elif url and not found.url:
            found.url = url
            found.save(update_fields=["url"])
            self._remember(found)
            self.outcomes.setdefault(found.pk, "updated")
        else:
            self.outcomes.setdefault(found.pk, "unchanged")
        return found


def _known_questions() -> dict[str, tuple[int, int | None]]:
    """Normalised text -> (question id, source id), for every stored question.

    Titles first; then the bodies of questions whose body is their full text
    (a question too long for a title). The oldest question wins a tie.
    """
    rows = list(Question.objects.order_by("pk").values_list("pk", "title", "body", "source_id"))
    known: dict[str, tuple[int, int | None]] = {}
    for pk, title, _, source_id in rows:
        known.setdefault(question_key(title), (pk, source_id))
    for pk, title, body, source_id in rows:
        if body_continues_title(title, body):
            known.setdefault(question_key(body), (pk, source_id))
    return known


def _ai_answers(question_ids: list[int]) -> dict[tuple[int, str], Answer]:
    """(question id, model in lower case) -> the oldest AI answer of that model."""
    found: dict[tuple[int, str], Answer] = {}
    for chunk in _chunks(question_ids):
        answers = Answer.objects.filter(origin=Origin.AI, question_id__in=chunk).order_by("pk")
        for answer in answers.only("pk", "question_id", "ai_model", "body", "status"):
            found.setdefault((answer.question_id, answer.ai_model.casefold()), answer)
    return found


def _site_edited(answers: Iterable[Answer]) -> dict[int, str]:
    """For answers whose latest revision came from the site (a member's accepted
    proposal, a moderator), the text of their last imported revision."""
    ids = [answer.pk for answer in answers]
    latest: dict[int, AnswerRevision] = {}
    imported: dict[int, str] = {}
    for chunk in _chunks(ids):
        revisions = AnswerRevision.objects.filter(answer_id__in=chunk).order_by(
            "answer_id", "number"
        )
        for revision in revisions.only("answer_id", "body", "author_id", "proposal_id"):
            latest[revision.answer_id] = revision
            if revision.author_id is None and revision.proposal_id is None:
                imported[revision.answer_id] = revision.body
    return {
        answer_id: imported.get(answer_id, "")
        for answer_id, revision in latest.items()
        if revision.author_id is not None or revision.proposal_id is not None
    }


def _bulk_create(model, objects: list) -> None:
    """bulk_create that needs the new primary keys back (PostgreSQL, SQLite >= 3.35)."""
    model.objects.bulk_create(objects, batch_size=1000)
    if objects and objects[-1].pk is None:
        raise RuntimeError("This database does not return the keys of bulk inserts.")


def _chunks(items: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Community: answers, comments, proposals, flags, submitted questions --------------


class Conflict(Exception):
    """The answer changed since the proposal was written; the reviewer must look again."""


def _require_member(user: User) -> None:
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied("Log in to do that.")


def can_edit(user: User, owner_id: int | None) -> bool:
    """Owners edit their own content; moderators edit anyone's."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_moderator or (owner_id is not None and owner_id == user.pk)


def _require_owner_or_moderator(user: User, owner_id: int | None, what: str) -> None:
    _require_member(user)
    if not can_edit(user, owner_id):
        raise PermissionDenied(f"Only the author of this {what} or a moderator can do that.")


def _require_published_answer(answer: Answer) -> None:
    if answer.status != Status.PUBLISHED or answer.question.status != Status.PUBLISHED:
        raise PermissionDenied("This answer is not published.")


def current_revision(answer: Answer) -> AnswerRevision | None:
    return answer.revisions.order_by("-number").first()


@transaction.atomic
def answer_question(*, user: User, question: Question, body: str) -> Answer:
    """A member's own answer to a published question."""
    _require_member(user)
    if question.status != Status.PUBLISHED:
        raise PermissionDenied("This question is not open for answers.")
    return create_answer(question=question, body=body, author=user, origin=Origin.COMMUNITY)


@transaction.atomic
def edit_answer(*, user: User, answer: Answer, body: str, summary: str = "") -> AnswerRevision:
    """The author (or a moderator) rewrites an answer: a new revision."""
    _require_owner_or_moderator(user, answer.author_id, "answer")
    _require_published_answer(answer)
    if body.strip() == answer.body.strip():
        raise ValidationError("Nothing changed.")
    return revise_answer(answer=answer, body=body, author=user, summary=summary or "Edited")


@transaction.atomic
def rollback_answer(*, user: User, answer: Answer, number: int) -> AnswerRevision:
    """Bring back the text of an earlier revision, as a new revision."""
    _require_owner_or_moderator(user, answer.author_id, "answer")
    target = answer.revisions.filter(number=number).first()
    if target is None:
        raise ValidationError(f"Answer #{answer.pk} has no revision {number}.")
    if target.body == answer.body:
        raise ValidationError("That revision is already the current text.")
    return revise_answer(
        answer=answer, body=target.body, author=user, summary=f"Rolled back to revision {number}"
    )


@transaction.atomic
def propose_answer(*, user: User, answer: Answer, body: str, reason: str) -> Proposal:
    """Propose a better version of someone else's answer."""
    _require_member(user)
    _require_published_answer(answer)
    if answer.author_id == user.pk:
        raise PermissionDenied("This is your answer: edit it instead of proposing.")
    if body.strip() == answer.body.strip():
        raise ValidationError("Your version is the same as the current answer.")
    if Proposal.objects.filter(answer=answer, author=user, status=ProposalStatus.PENDING).exists():
        raise ValidationError(
            "You already have a proposal waiting on this answer. Withdraw it to send another."
        )
    return Proposal.objects.create(
        answer=answer,
        author=user,
        body=body,
        reason=reason.strip(),
        base_revision=current_revision(answer),
    )


def can_review(user: User, answer: Answer) -> bool:
    """The answer's author reviews proposals; moderators review any, AI answers above all."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_moderator or (answer.author_id is not None and answer.author_id == user.pk)


def _pending(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(f"This proposal was already {locked.get_status_display().lower()}.")
    return locked


@transaction.atomic
def accept_proposal(
    *, user: User, proposal: Proposal, seen_revision: int | None = None
) -> AnswerRevision:
    """Make the proposal the answer's text: a new revision credited to the proposer.

    If the answer changed after the proposal was written, acceptance needs the
    reviewer to have seen the current revision (``seen_revision``), otherwise
    ``Conflict`` is raised.
    """
    answer = proposal.answer
    if not can_review(user, answer):
        raise PermissionDenied("Only the answer's author or a moderator can review proposals.")
    proposal = _pending(proposal)
    _require_published_answer(answer)
    current = current_revision(answer)
    if current and proposal.base_revision_id != current.pk and seen_revision != current.number:
        raise Conflict(
            f"The answer changed after this proposal was written (now revision "
            f"{current.number}). Compare it with the current text before accepting."
        )
    revision = revise_answer(
        answer=answer,
        body=proposal.body,
        author=proposal.author,
        summary=f"Accepted proposal: {proposal.reason}",
    )
    revision.proposal = proposal
    revision.save(update_fields=["proposal"])
    proposal.status = ProposalStatus.ACCEPTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return revision


@transaction.atomic
def reject_proposal(*, user: User, proposal: Proposal) -> Proposal:
    if not can_review(user, proposal.answer):
        raise PermissionDenied("Only the answer's author or a moderator can review proposals.")
    proposal = _pending(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return proposal


@transaction.atomic
def withdraw_proposal(*, user: User, proposal: Proposal) -> Proposal:
    _require_member(user)
    if proposal.author_id != user.pk:
        raise PermissionDenied("Only the member who made this proposal can withdraw it.")
    proposal = _pending(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    return proposal


@transaction.atomic
def edit_comment(*, user: User, comment: Comment, body: str) -> Comment:
    _require_owner_or_moderator(user, comment.author_id, "comment")
    if comment.status != CommentStatus.PUBLISHED:
        raise PermissionDenied("This comment can no longer be edited.")
    comment.body = body
    comment.render()
    comment.save(update_fields=["body", "body_html", "updated_at"])
    return comment


@transaction.atomic
def delete_comment(*, user: User, comment: Comment) -> Comment:
    """The author removes their comment: it stays as "comment deleted"."""
    _require_owner_or_moderator(user, comment.author_id, "comment")
    if comment.status == CommentStatus.DELETED:
        return comment
    comment.status = CommentStatus.DELETED
    comment.save(update_fields=["status", "updated_at"])
    return comment


@transaction.atomic
def flag_content(
    *, user: User, target: Question | Answer | Comment, reason: str, note: str = ""
) -> Flag:
    """Report content to the moderators; one open flag per member and target."""
    _require_member(user)
    field = type(target).__name__.lower()
    if Flag.objects.filter(reporter=user, status=FlagStatus.OPEN, **{field: target}).exists():
        raise ValidationError(f"You have already flagged this {field}; a moderator will look.")
    return Flag.objects.create(reporter=user, reason=reason, note=note.strip(), **{field: target})


@transaction.atomic
def submit_question(
    *,
    user: User,
    title: str,
    body: str = "",
    source: Source | None = None,
    topics: Iterable[Topic] = (),
) -> Question:
    """A member's new question, held for a moderator (``pending``)."""
    _require_member(user)
    return create_question(
        title=title,
        body=body,
        source=source,
        topics=topics,
        submitted_by=user,
        status=Status.PENDING,
    )
