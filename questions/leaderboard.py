"""The AI models leaderboard: how often each model's answers hold up.

An AI answer counts by how its *draft* fared (``Answer.draft_state``): the
state it had when the community corrected it, otherwise its current state.
Shares are taken over the answers the community has judged, each with a 95%
Wilson interval, so that "3 of 3" and "300 of 300" do not look alike. Every
figure comes from three grouped queries (models, models by topic, models by
source), whatever the number of answers.
"""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, Q, QuerySet, When
from django.utils.text import slugify

from .models import Answer, Origin, Status, Verification
from .vetting import Share

SORTS = {
    "verified": "Share verified",
    "wrong": "Share judged wrong",
    "corrected": "Share corrected",
    "answers": "Answers",
}


@dataclass
class ModelStats:
    """One AI model's figures (or one model within a topic or a source)."""

    name: str
    answers: int
    judged: int
    verified: Share
    wrong: Share
    corrected: Share
    breakdown: dict[str, list["ModelStats"]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return slugify(self.name) or "model"

    def sort_key(self, sort: str) -> tuple:
        """Ranks by the pessimistic end of the interval, so that a model with a
        few lucky answers does not top the table: verified by its low end
        (higher first), wrong and corrected by their high end (lower first).
        Models with nothing judged go last."""
        if sort == "answers":
            return (0, -self.answers, self.name.lower())
        sort = sort if sort in SORTS else "verified"
        share = getattr(self, sort)
        if not share.total:
            return (1, 0.0, self.name.lower())
        low, high = share.interval
        return (0, -low if sort == "verified" else high, self.name.lower())


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, in the SVG's units (a share of BAR_WIDTH)."""

    y: float
    width: float
    low: float
    high: float
    percent: int
    kind: str


CHART_LABEL_WIDTH = 150
BAR_WIDTH = 400
ROW_HEIGHT = 44


def chart_rows(models: list[ModelStats]) -> list[dict]:
    """Coordinates of the leaderboard chart: for each model with judged
    answers, a bar for its verified share and one for its wrong share, each
    with its 95% interval as a whisker."""
    rows = []
    for index, stats in enumerate(m for m in models if m.judged):
        top = index * ROW_HEIGHT
        bars = []
        for offset, kind in ((6, "verified"), (22, "wrong")):
            share = getattr(stats, kind)
            low, high = share.interval
            bars.append(
                Bar(
                    y=top + offset,
                    width=round(BAR_WIDTH * share.value, 1),
                    low=round(BAR_WIDTH * low, 1),
                    high=round(BAR_WIDTH * high, 1),
                    percent=share.percent,
                    kind=kind,
                )
            )
        rows.append({"stats": stats, "y": top, "text_y": top + 20, "bars": bars})
    return rows


def ai_answers() -> QuerySet[Answer]:
    """Published AI answers to published questions, with their draft's state."""
    return (
        Answer.objects.published()
        .filter(origin=Origin.AI, question__status=Status.PUBLISHED)
        .annotate(
            ai_state=Case(
                When(corrected_at__isnull=False, then=F("corrected_from")),
                default=F("verification"),
                output_field=CharField(),
            )
        )
    )


def _figures() -> dict:
    return {
        "answers": Count("pk", distinct=True),
        "judged": Count("pk", filter=~Q(ai_state=Verification.UNREVIEWED), distinct=True),
        "verified": Count("pk", filter=Q(ai_state=Verification.VERIFIED), distinct=True),
        "wrong": Count("pk", filter=Q(ai_state=Verification.WRONG), distinct=True),
        "corrected": Count("pk", filter=Q(corrected_at__isnull=False), distinct=True),
    }


def _stats(name: str, row: dict) -> ModelStats:
    judged = row["judged"]
    return ModelStats(
        name=name,
        answers=row["answers"],
        judged=judged,
        verified=Share(row["verified"], judged),
        wrong=Share(row["wrong"], judged),
        corrected=Share(row["corrected"], judged),
    )


def leaderboard(
    *, sort: str = "verified", answers: QuerySet[Answer] | None = None
) -> list[ModelStats]:
    """Every AI model that wrote a published answer, with its figures and its
    per-topic and per-source breakdowns, ranked by ``sort``."""
    answers = ai_answers() if answers is None else answers
    models = {
        row["ai_model"]: _stats(row["ai_model"], row)
        for row in answers.values("ai_model").annotate(**_figures()).order_by("ai_model")
    }
    for part, path in (("topic", "question__topics__name"), ("source", "question__source__name")):
        rows = (
            answers.exclude(**{f"{path}__isnull": True})
            .values("ai_model", path)
            .annotate(**_figures())
            .order_by("ai_model", path)
        )
        for row in rows:
            stats = models[row["ai_model"]]
            stats.breakdown.setdefault(part, []).append(_stats(row[path], row))
    ranked = sorted(models.values(), key=lambda stats: stats.sort_key(sort))
    return ranked


def model_named(slug: str) -> str | None:
    """The AI model whose name slugifies to ``slug`` (one query), or None."""
    names = ai_answers().order_by().values_list("ai_model", flat=True).distinct()
    for name in names:
        if (slugify(name) or "model") == slug:
            return name
    return None


def judged_wrong_or_corrected(name: str, *, limit: int = 100) -> dict[str, list[Answer]]:
    """The model's answers judged wrong (still standing) and those the community
    corrected, newest change first, with their questions (two queries)."""
    answers = ai_answers().filter(ai_model=name).select_related("question")
    newest = ("-verification_changed_at", "-id")
    return {
        "wrong": list(
            answers.filter(verification=Verification.WRONG, corrected_at__isnull=True).order_by(
                *newest
            )[:limit]
        ),
        "corrected": list(
            answers.filter(corrected_at__isnull=False).order_by("-corrected_at", "-id")[:limit]
        ),
    }
