"""Loading collections of questions in markdown (manage.py import_markdown)."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from mlqa_site.text import clean_text
from questions import pagecache
from questions.collection import (
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
from questions.models import Answer, AnswerRevision, Origin, Question, Source, Status
from questions.search import index_questions
from questions.topanswer import refresh_top_answer

from .content import _chunks, _revise_answers


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
    model_override = clean_text(ai_model or "").strip()
    default_source = clean_text(default_source) if default_source else default_source

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
    _revise_answers(to_revise, reindex=False, diffs=False)  # diffs when first shown
    summary.answers["updated"] += len(to_revise)

    touched = {q.pk for q in new_questions.values()} | set(answered_before)
    touched |= set(changed_source) | {answer.question_id for answer, _, _ in to_revise}
    for chunk in _chunks(sorted(touched), size=2000):
        index_questions(chunk)
    refresh_top_answer(touched)
    summary.sources.update(sources.outcomes.values())
    if dry_run:
        transaction.set_rollback(True)
    else:
        pagecache.site_changed()
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
