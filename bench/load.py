"""Fill an empty, migrated database with a realistic volume of MLQA content, fast.

Used by ``bench/run.py`` (``make bench``); not a command of the site. Everything
is generated from a seed and written with ``bulk_create`` in one transaction:

* members, sources and topics;
* questions with their topics (a third with a markdown body);
* answers: one AI answer per question, community answers spread over them,
  and one *big* question with 30 answers (featured, AI and community);
* one revision per answer, votes (unique per member and answer, never on
  one's own answer), comments on answers and questions (100 on the big
  question: 10 on it and 3 on each of its answers).

Bodies are markdown with paragraphs, lists, code and math; their HTML is the
site's own ``render_markdown`` output. To keep loading fast, a body is a
sequence of blocks from a pool rendered once, and its HTML is the
concatenation of the blocks' HTML: markdown renders separate blocks
independently, and ``check_rendering`` proves it on a sample of bodies
against a full render. Denormalised counters (``score``, ``upvotes``,
``downvotes``, ``answer_count``, ``revision_count``) are computed from the
rows written, so they are exactly what the site's services would keep.
Search documents are left to ``manage.py rebuild_search_index``.
"""

import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from bench.words import CODE, GENERAL, MATH, SOURCES, TITLES, TOPICS
from questions.markdown import render_markdown
from questions.models import (
    Answer,
    AnswerRevision,
    Comment,
    Difficulty,
    Origin,
    Question,
    Source,
    Status,
    Topic,
    Vote,
)

BATCH = 2000
BIG_ANSWERS = 30  # the big question's answers ...
BIG_QUESTION_COMMENTS = 10  # ... comments on the question itself ...
BIG_COMMENTS_PER_ANSWER = 3  # ... and on each of its answers: 100 comments in all.
BIG_VOTES_PER_ANSWER = 40
AI_MODEL = "ChatGPT"


@dataclass
class Loaded:
    """What the benchmark needs to know about the loaded data."""

    big_question_id: int
    big_question_url: str
    big_answer_ids: list[int]
    big_answer_authors: list[int]
    member_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Block:
    markdown: str
    html: str


class _Writer:
    """Text made of pre-rendered blocks, per topic."""

    def __init__(self, rng: random.Random, *, paragraphs_per_topic: int = 120) -> None:
        self.rng = rng
        self.topics = list(TOPICS)
        self.paragraphs: dict[str, list[_Block]] = {}
        self.extras: dict[str, list[_Block]] = {}
        for topic, words in TOPICS.items():
            self.paragraphs[topic] = [
                self._block(self._paragraph(words)) for _ in range(paragraphs_per_topic)
            ]
            extras = [self._list(words) for _ in range(6)]
            extras += [template.format(a=rng.choice(words).replace("-", "_")) for template in CODE]
            extras += [template.format(a=rng.choice(words)) for template in MATH]
            self.extras[topic] = [self._block(text) for text in extras]
        self.comments = [self._block(self._comment()) for _ in range(3000)]

    @staticmethod
    def _block(text: str) -> _Block:
        return _Block(text, render_markdown(text))

    def _sentence(self, words: list[str]) -> str:
        rng = self.rng
        chosen = [rng.choice(words) if rng.random() < 0.35 else rng.choice(GENERAL)
                  for _ in range(rng.randint(8, 18))]  # fmt: skip
        if rng.random() < 0.2:
            chosen[rng.randrange(len(chosen))] = f"**{rng.choice(words)}**"
        if rng.random() < 0.15:
            chosen[rng.randrange(len(chosen))] = f"`{rng.choice(words)}`"
        return " ".join(chosen).capitalize() + "."

    def _paragraph(self, words: list[str]) -> str:
        return " ".join(self._sentence(words) for _ in range(self.rng.randint(2, 4)))

    def _list(self, words: list[str]) -> str:
        return "\n".join(f"- {self._sentence(words)}" for _ in range(self.rng.randint(2, 4)))

    def _comment(self) -> str:
        rng = self.rng
        words = TOPICS[rng.choice(self.topics)]
        text = self._sentence(words)
        if rng.random() < 0.3:
            text += " " + self._sentence(words)
        if rng.random() < 0.1:
            text += " See [the paper](https://arxiv.org/abs/1502.03167)."
        return text

    def body(self, topic: str, *, blocks: int) -> tuple[str, str]:
        """Markdown and its HTML: paragraphs of the topic (now and then another
        topic's), with a list, code or math between two paragraphs."""
        rng = self.rng
        chosen: list[_Block] = []
        for number in range(blocks):
            if number % 2 and rng.random() < 0.5:
                chosen.append(rng.choice(self.extras[topic]))
            else:
                pool = topic if rng.random() < 0.85 else rng.choice(self.topics)
                chosen.append(rng.choice(self.paragraphs[pool]))
        return "\n\n".join(b.markdown for b in chosen), "".join(b.html for b in chosen)

    def comment(self) -> tuple[str, str]:
        block = self.rng.choice(self.comments)
        return block.markdown, block.html


@contextmanager
def _timestamps_as_given(*models) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at values set on the objects."""
    fields = [
        f for model in models for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
    ]  # fmt: skip
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def check_rendering(pairs: list[tuple[str, str]]) -> None:
    """Each stored HTML must be what the site's pipeline makes of its markdown."""
    for markdown, html in pairs:
        if render_markdown(markdown) != html:
            raise AssertionError(f"Pre-rendered HTML differs from render_markdown for:\n{markdown}")


def check_counters() -> None:
    """The denormalised counters must agree with the rows, as the services keep them."""
    votes = Vote.objects.filter(answer=OuterRef("pk")).order_by().values("answer")
    up = votes.filter(value=Vote.UP).annotate(n=Count("pk")).values("n")
    down = votes.filter(value=Vote.DOWN).annotate(n=Count("pk")).values("n")
    wrong_answers = (
        Answer.objects.annotate(
            up=Coalesce(Subquery(up), 0),
            down=Coalesce(Subquery(down), 0),
            n_revisions=Count("revisions"),
        )
        .exclude(upvotes=F("up"), downvotes=F("down"), revision_count=F("n_revisions"))
        .count()
    )
    published = Count("answers", filter=Q(answers__status=Status.PUBLISHED))
    wrong_questions = Question.objects.annotate(n=published).exclude(answer_count=F("n")).count()
    if wrong_answers or wrong_questions:
        raise AssertionError(
            f"Counters disagree with the rows: {wrong_answers} answers, "
            f"{wrong_questions} questions."
        )


@transaction.atomic
def load(
    *,
    questions: int = 10_000,
    answers: int = 50_000,
    votes: int = 100_000,
    comments: int = 50_000,
    members: int = 1_000,
    seed: int = 9,
) -> Loaded:
    if answers < questions - 1 + BIG_ANSWERS:
        raise ValueError("Every question needs an answer, and the big question 30.")
    rng = random.Random(seed)
    writer = _Writer(rng)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")

    sources = [
        Source(id=n, name=name, slug=slugify(name), url=url, kind=kind)
        for n, (name, url, kind) in enumerate(SOURCES, start=1)
    ]
    topics = [
        Topic(id=n, name=name, slug=slugify(name), description=f"Questions on {name.lower()}.")
        for n, name in enumerate(TOPICS, start=1)
    ]
    topic_ids = {topic.name: topic.pk for topic in topics}
    Source.objects.bulk_create(sources)
    Topic.objects.bulk_create(topics)

    unusable = make_password(None)
    users = [
        User(
            id=n,
            username=f"member{n:04d}",
            email=f"member{n:04d}@bench.invalid",
            password=unusable,
            display_name=f"Member {n}" if n % 3 else "",
            date_joined=now - timedelta(days=800),
        )
        for n in range(1, members + 1)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    member_ids = [user.pk for user in users]

    # Questions: ids 1..N, oldest first, over the last two years.
    big_id = questions // 2
    span = timedelta(days=730)
    question_rows: list[Question] = []
    question_topic: dict[int, str] = {}
    question_time: dict[int, datetime] = {}
    through = Question.topics.through
    question_topics = []
    for n in range(1, questions + 1):
        topic = rng.choice(writer.topics)
        words = TOPICS[topic]
        a, b = rng.sample(words, 2)
        title = rng.choice(TITLES).format(a=a, b=b)
        created = now - span + span * (n / (questions + 1))
        question = Question(
            id=n,
            title=f"{title[0].upper()}{title[1:]}",
            source=sources[n % len(sources)],
            source_reference=f"Chapter {n % 9 + 1}" if n % 3 == 0 else "",
            difficulty=rng.choice(Difficulty.values),
            submitted_by_id=rng.choice(member_ids) if n % 3 == 2 else None,
            created_at=created,
            updated_at=created,
        )
        question.render()  # the site's own slug (and an empty body)
        if rng.random() < 0.3:
            question.body, question.body_html = writer.body(topic, blocks=1)
        question_rows.append(question)
        question_topic[n] = topic
        question_time[n] = created
        others = rng.sample(writer.topics, rng.randint(0, 2))
        for name in {topic, *others}:
            question_topics.append(through(question_id=n, topic_id=topic_ids[name]))

    # Answers: the big question's 30, then one AI answer per other question,
    # then community answers on random questions (some get many, most a few).
    plan: list[tuple[int, bool]] = [(big_id, n == 0) for n in range(BIG_ANSWERS)]
    plan += [(n, True) for n in range(1, questions + 1) if n != big_id]
    community_questions = [n for n in range(1, questions + 1) if n != big_id]
    # A long tail, capped: most questions get a few answers, popular ones a few dozen.
    weights = [min(rng.paretovariate(2.5), 12.0) for _ in community_questions]
    plan += [
        (n, False) for n in rng.choices(community_questions, weights=weights, k=answers - len(plan))
    ]
    big_authors = rng.sample(member_ids, BIG_ANSWERS)
    answer_rows: list[Answer] = []
    for pk, (question_id, is_ai) in enumerate(plan, start=1):
        topic = question_topic[question_id]
        if is_ai:
            body, html = writer.body(topic, blocks=rng.randint(4, 6))
        else:
            body, html = writer.body(topic, blocks=rng.randint(1, 4))
        if question_id == big_id:
            author = None if is_ai else big_authors[pk - 1]
        else:
            author = None if is_ai else rng.choice(member_ids)
        created = question_time[question_id] + timedelta(minutes=rng.randint(1, 60 * 24 * 30))
        created = min(created, now)
        answer_rows.append(
            Answer(
                id=pk,
                question_id=question_id,
                author_id=author,
                body=body,
                body_html=html,
                origin=Origin.AI if is_ai else Origin.COMMUNITY,
                ai_model=AI_MODEL if is_ai else "",
                is_featured=question_id == big_id and pk == 2,
                revision_count=1,
                created_at=created,
                updated_at=created,
            )
        )
    big_answers = [a for a in answer_rows if a.question_id == big_id]
    check_rendering(
        [(a.body, a.body_html) for a in rng.sample(answer_rows, 40)]
        + [(q.body, q.body_html) for q in rng.sample(question_rows, 40)]
    )

    # Votes: unique per (member, answer), never on one's own answer; most up.
    vote_rows: list[Vote] = []
    seen: set[tuple[int, int]] = set()
    up: Counter[int] = Counter()
    down: Counter[int] = Counter()

    def add_vote(user_id: int, answer: Answer) -> None:
        if answer.author_id == user_id or (user_id, answer.pk) in seen:
            return
        seen.add((user_id, answer.pk))
        liked = 0.85 if answer.origin == Origin.COMMUNITY else 0.6
        value = Vote.UP if rng.random() < liked else Vote.DOWN
        (up if value == Vote.UP else down)[answer.pk] += 1
        vote_rows.append(Vote(user_id=user_id, answer_id=answer.pk, value=value))

    for answer in big_answers:
        for user_id in rng.sample(member_ids, BIG_VOTES_PER_ANSWER):
            add_vote(user_id, answer)
    answer_weights = [min(rng.paretovariate(1.2), 200.0) for _ in answer_rows]
    while len(vote_rows) < votes:
        for answer in rng.choices(answer_rows, weights=answer_weights, k=votes - len(vote_rows)):
            add_vote(rng.choice(member_ids), answer)
    for answer in answer_rows:
        answer.upvotes, answer.downvotes = up[answer.pk], down[answer.pk]
        answer.score = answer.upvotes - answer.downvotes

    answer_count = Counter(a.question_id for a in answer_rows)
    for question in question_rows:
        question.answer_count = answer_count[question.pk]

    # Comments: 100 on the big question (10 on it, 3 on each answer), the rest
    # mostly on answers.
    comment_rows: list[Comment] = []

    def add_comment(*, answer: Answer | None = None, question_id: int | None = None) -> None:
        body, html = writer.comment()
        since = answer.created_at if answer else question_time[question_id]
        created = min(since + timedelta(minutes=rng.randint(1, 60 * 24 * 60)), now)
        comment_rows.append(
            Comment(
                author_id=rng.choice(member_ids),
                answer_id=answer.pk if answer else None,
                question_id=question_id,
                body=body,
                body_html=html,
                created_at=created,
                updated_at=created,
            )
        )

    for _ in range(BIG_QUESTION_COMMENTS):
        add_comment(question_id=big_id)
    for answer in big_answers:
        for _ in range(BIG_COMMENTS_PER_ANSWER):
            add_comment(answer=answer)
    others = [a for a in answer_rows if a.question_id != big_id]
    while len(comment_rows) < comments:
        if rng.random() < 0.9:
            add_comment(answer=rng.choice(others))
        else:
            add_comment(question_id=rng.choice(community_questions))

    revisions = [
        AnswerRevision(
            answer_id=a.pk,
            number=1,
            body=a.body,
            author_id=a.author_id,
            summary="Original answer",
            created_at=a.created_at,
        )
        for a in answer_rows
    ]

    with _timestamps_as_given(Question, Answer, AnswerRevision, Comment):
        Question.objects.bulk_create(question_rows, batch_size=BATCH)
        through.objects.bulk_create(question_topics, batch_size=BATCH * 5)
        Answer.objects.bulk_create(answer_rows, batch_size=BATCH)
        AnswerRevision.objects.bulk_create(revisions, batch_size=BATCH)
        Comment.objects.bulk_create(comment_rows, batch_size=BATCH)
    Vote.objects.bulk_create(vote_rows, batch_size=BATCH * 5)

    # Explicit ids were given: move the sequences past them for the site's inserts.
    models = [Source, Topic, User, Question, Answer, AnswerRevision, Vote, Comment]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)

    check_counters()
    big = next(q for q in question_rows if q.pk == big_id)
    return Loaded(
        big_question_id=big_id,
        big_question_url=big.get_absolute_url(),
        big_answer_ids=[a.pk for a in big_answers],
        big_answer_authors=[a.author_id for a in big_answers if a.author_id],
        member_ids=member_ids,
        counts={
            "members": len(users),
            "questions": len(question_rows),
            "answers": len(answer_rows),
            "answer_revisions": len(revisions),
            "votes": len(vote_rows),
            "comments": len(comment_rows),
            "big_question_answers": len(big_answers),
            "big_question_comments": BIG_QUESTION_COMMENTS + BIG_COMMENTS_PER_ANSWER * BIG_ANSWERS,
        },
    )
