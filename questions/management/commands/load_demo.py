"""Load MLQA's demo content: sources, topics, members, questions, answers,
votes, and the vetting of the AI answers (verdicts, corrections, a moderator's
confirmations) by more than one AI model.

Idempotent: running it again adds only what is missing and changes nothing
that is already there (matched by slug, username and question title; an AI
answer by its model, a verdict by its member, a correction by its proposer).
"""

import tomllib
from collections import Counter
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import make_moderator
from questions import services
from questions.embeddings import model as embeddings
from questions.embeddings import store
from questions.models import (
    Answer,
    Comment,
    Flag,
    FlagReason,
    ModerationAction,
    Origin,
    Proposal,
    Question,
    Source,
    Status,
    Topic,
    Verdict,
)
from questions.topanswer import refresh_top_answer
from study import demo as study_demo
from study import demo_content as study_demo_content
from study import services as study_services

DISTILLATION_CAVEAT = (
    "**Cost caveat:** distillation only pays off when a strong teacher already exists "
    "or is cheap to train; producing the teacher's soft labels also costs a full pass "
    "of the large model over the training data."
)
DEMO_BOOKMARKS = 4
PENDING_QUESTION = "How would you detect label noise in a large training set?"
CONTENT = Path(__file__).resolve().parents[2] / "demo_content.toml"
AI_MODEL = "ChatGPT"

# The two accounts people log in with; listed in the README.
DEMO_ACCOUNTS = {
    "demo": {"password": "mlqa-demo", "display_name": "Demo Member", "moderator": False},
    "moderator": {
        "password": "mlqa-moderator",
        "display_name": "Demo Moderator",
        "moderator": True,
    },
}


class Command(BaseCommand):
    help = "Load the demo questions, answers, votes, verdicts and the demo log-ins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (it creates a moderator with a published password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load the demo data with DEBUG off: it creates the accounts "
                "demo / mlqa-demo and moderator / mlqa-moderator (a staff account with a "
                "published password). Use --force on a throw-away site only."
            )
        content = tomllib.loads(CONTENT.read_text(encoding="utf-8"))
        with transaction.atomic():
            counts = self.load(content)
        self.embed()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data: {questions} new questions ({skipped} already there), "
                "{answers} answers, {votes} votes, {comments} comments, "
                "{verdicts} verdicts, {corrections} corrected answer(s), "
                "{confirmations} state(s) confirmed by the moderator, "
                "{members} new members, {reports} interview report(s); "
                "moderation queue: {proposals} proposal(s), "
                "{flags} flag(s), {pending} question(s) waiting.".format_map(counts)
            )
        )
        self.stdout.write("Log in as demo / mlqa-demo or moderator / mlqa-moderator.")

    def embed(self) -> None:
        """Vectors and related questions for the demo, at once (no worker needed)."""
        if not embeddings.enabled():
            return
        ids = list(Question.objects.published().values_list("pk", flat=True))
        try:
            store.embed_questions(ids)
        except embeddings.ModelUnavailable as exc:
            self.stderr.write(f"No vectors for the demo questions: {exc}")
            return
        store.refresh_related(ids)

    def load(self, content: dict) -> Counter:
        counts = Counter()
        sources = {
            row["slug"]: Source.objects.get_or_create(
                slug=row["slug"],
                defaults={"name": row["name"], "url": row["url"], "kind": row["kind"]},
            )[0]
            for row in content["sources"]
        }
        topics = {
            row["slug"]: Topic.objects.get_or_create(
                slug=row["slug"], defaults={"name": row["name"]}
            )[0]
            for row in content["topics"]
        }
        users = {}
        for username, account in DEMO_ACCOUNTS.items():
            users[username], created = self.member(
                username, account["display_name"], "", account["password"]
            )
            counts["members"] += created
            if account["moderator"]:
                make_moderator(user=users[username])
        for row in content["members"]:
            users[row["username"]], created = self.member(
                row["username"], row["display_name"], row["bio"], None
            )
            counts["members"] += created

        now = timezone.now()
        titles = [row["title"] for row in content["questions"]]
        existing = {q.title: q for q in Question.objects.filter(title__in=titles)}
        for row in content["questions"]:
            question = existing.get(row["title"])
            if question is None:
                asked_at = now - timedelta(days=row["days_ago"])
                question = self.question(row, sources, topics, users, asked_at, counts)
            else:
                counts["skipped"] += 1
            if question.status == Status.PUBLISHED:
                self.vet_question(row, question, users, counts)
        self.moderation_queue(users, counts)
        study_demo_content.interview_reports(users, counts)
        study_demo_content.study_plans(users["demo"])
        study_demo_content.mock_interview(users["demo"])
        return counts

    def vet_question(self, row, question, users, counts) -> None:
        """The other AI models' answers, then the vetting of every answer the
        row describes: its AI answer (the row's own ``verdicts``, ``correction``
        and ``confirm``), the other models' answers and the community answers."""
        answers = question.answers.order_by("pk")
        ai = answers.filter(origin=Origin.AI, ai_model=row.get("ai_model", AI_MODEL)).first()
        if ai is not None:
            self.vet(ai, row, users, counts)
        for spec in row.get("ai_answers", []):
            other = answers.filter(origin=Origin.AI, ai_model=spec["model"]).first()
            if other is None:
                other = self.answer(
                    question,
                    body=spec["body"],
                    author=None,
                    origin=Origin.AI,
                    ai_model=spec["model"],
                    up=spec.get("upvoters", []),
                    down=spec.get("downvoters", []),
                    at=question.created_at + timedelta(minutes=10),
                    users=users,
                    counts=counts,
                )
            self.vet(other, spec, users, counts)
        for spec in row.get("community_answers", []):
            if "verdicts" in spec:
                mine = answers.filter(origin=Origin.COMMUNITY, author=users[spec["author"]])
                if (answer := mine.first()) is not None:
                    self.vet(answer, spec, users, counts)

    def vet(self, answer, spec, users, counts) -> None:
        """The verdicts on ``answer``; then its correction, a proposal the demo
        moderator accepts (so an AI draft judged wrong shows as corrected), with
        the verdicts on the corrected text; then a moderator's confirmation.
        Each step is skipped when it was done before."""
        if answer.status != Status.PUBLISHED:
            return
        moderator = users["moderator"]
        self.verdicts(answer, spec.get("verdicts", []), users, counts)
        if correction := spec.get("correction"):
            author = users[correction["author"]]
            if not Proposal.objects.filter(answer=answer, author=author).exists():
                body = correction.get("body") or (
                    answer.body.rstrip() + "\n\n" + correction["append"]
                )
                proposal = services.propose_answer(
                    user=author, answer=answer, body=body, reason=correction["reason"]
                )
                services.accept_proposal(user=moderator, proposal=proposal)
                counts["corrections"] += 1
            self.verdicts(answer, correction.get("verdicts", []), users, counts)
        if confirm := spec.get("confirm"):
            done = ModerationAction.objects.filter(
                action=ModerationAction.Kind.VERIFY, target_type="answer", target_id=answer.pk
            )
            if not done.exists():
                services.set_verification(
                    moderator=moderator,
                    answer=answer,
                    state=confirm["state"],
                    reason=confirm["reason"],
                )
                counts["confirmations"] += 1

    def verdicts(self, answer, rows, users, counts) -> None:
        judged = set(Verdict.objects.filter(answer=answer).values_list("user_id", flat=True))
        for row in rows:
            member = users[row["member"]]
            if member.pk in judged:
                continue
            services.give_verdict(
                user=member, answer=answer, value=row["value"], note=row.get("note", "")
            )
            counts["verdicts"] += 1

    def moderation_queue(self, users, counts) -> None:
        """A little work for the demo moderator: a proposal, a flag, a new question."""
        distillation = Question.objects.filter(title__startswith="Why do we shrink a big").first()
        loss = Question.objects.filter(title__startswith="When training a large language").first()
        ai = distillation and distillation.answers.filter(origin=Origin.AI).order_by("pk").first()
        if ai and not Proposal.objects.filter(answer=ai, author=users["chen"]).exists():
            services.propose_answer(
                user=users["chen"],
                answer=ai,
                body=ai.body.rstrip() + "\n\n" + DISTILLATION_CAVEAT,
                reason="Add the cost side: distillation needs a trained teacher.",
            )
            counts["proposals"] += 1
        if loss and not Flag.objects.filter(reporter=users["gwen"]).exists():
            services.flag_content(
                user=users["gwen"],
                target=loss.answers.filter(origin=Origin.AI).order_by("pk").first(),
                reason=FlagReason.INCORRECT,
                note="Blames overfitting; dropout and epoch-averaged training loss explain it.",
            )
            counts["flags"] += 1
        if not Question.objects.filter(title=PENDING_QUESTION).exists():
            services.submit_question(user=users["demo"], title=PENDING_QUESTION)
            counts["pending"] += 1
        # Something for the demo member to practise straight away.
        if not users["demo"].bookmarks.exists():
            for question in Question.objects.published().order_by("pk")[:DEMO_BOOKMARKS]:
                study_services.toggle_bookmark(user=users["demo"], question=question)
        study_demo.load(demo=users["demo"], counts=counts)  # heatmap, empirical difficulty

    def member(self, username: str, display_name: str, bio: str, password: str | None):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "bio": bio,
                "email": f"{username}@example.com",
            },
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user, created

    def question(self, row, sources, topics, users, asked_at, counts) -> Question:
        question = services.create_question(
            title=row["title"],
            body=row.get("body", ""),
            source=sources[row["source"]],
            source_reference=row.get("source_ref", ""),
            difficulty=row["difficulty"],
            topics=[topics[slug] for slug in row["topics"]],
        )
        Question.objects.filter(pk=question.pk).update(created_at=asked_at, updated_at=asked_at)
        question.created_at = question.updated_at = asked_at
        counts["questions"] += 1

        answers = [
            self.answer(
                question,
                body=row["ai_answer"],
                author=None,
                origin=Origin.AI,
                ai_model=row.get("ai_model", AI_MODEL),
                up=row.get("ai_upvoters", []),
                down=row.get("ai_downvoters", []),
                at=asked_at + timedelta(minutes=5),
                users=users,
                counts=counts,
            )
        ]
        for index, community in enumerate(row.get("community_answers", [])):
            answers.append(
                self.answer(
                    question,
                    body=community["body"],
                    author=users[community["author"]],
                    origin=Origin.COMMUNITY,
                    featured=community.get("featured", False),
                    up=community.get("upvoters", []),
                    down=community.get("downvoters", []),
                    at=asked_at + timedelta(days=1 + index, hours=3),
                    users=users,
                    counts=counts,
                )
            )

        for index, comment in enumerate(row.get("comments", [])):
            target = comment["on"]
            if target == "question":
                on = {"question": question}
            elif target == "ai":
                on = {"answer": answers[0]}
            else:
                on = {"answer": answers[1 + int(target.split(":")[1])]}
            created = services.add_comment(
                author=users[comment["author"]], body=comment["body"], **on
            )
            at = asked_at + timedelta(days=2, hours=index)
            Comment.objects.filter(pk=created.pk).update(created_at=at, updated_at=at)
            counts["comments"] += 1
        return question

    def answer(
        self,
        question,
        *,
        body,
        author,
        origin,
        up,
        down,
        at,
        users,
        counts,
        ai_model="",
        featured=False,
    ):
        answer = services.create_answer(
            question=question,
            body=body,
            author=author,
            origin=origin,
            ai_model=ai_model,
            is_featured=featured,
        )
        Answer.objects.filter(pk=answer.pk).update(created_at=at, updated_at=at)
        answer.revisions.update(created_at=at)
        refresh_top_answer([question.pk])  # the date breaks ties in the ranking
        for choice, voters in (("up", up), ("down", down)):
            for username in voters:
                services.cast_vote(user=users[username], answer=answer, choice=choice)
                counts["votes"] += 1
        counts["answers"] += 1
        return answer
