"""The rules of vetting: how verdicts add up to a verification state, and how
sure a share measured on a few answers is (Wilson score interval).

Pure functions, no database: services store what these compute, selectors and
tests use them to explain the figures.
"""

import math
from dataclasses import dataclass

from django.conf import settings

from questions.models import Verification

# A 95% two-sided interval.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Thresholds:
    min_verdicts: int = 3
    verified_share: float = 0.8

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(**settings.MLQA_VERIFICATION)

    @property
    def verified_percent(self) -> int:
        return round(100 * self.verified_share)


def state_for(
    correct: int, partly: int, wrong: int, thresholds: Thresholds | None = None
) -> Verification:
    """The state of an answer whose current text got these verdicts.

    Fewer than ``min_verdicts``: unreviewed. Otherwise verified when at least
    ``verified_share`` of the verdicts say correct ("partly" counting half),
    judged wrong when more than half say wrong, and disputed in between.
    """
    rules = thresholds or Thresholds.from_settings()
    total = correct + partly + wrong
    if total < rules.min_verdicts:
        return Verification.UNREVIEWED
    # Doubled so that "partly" counts half without fractions; the tolerance
    # keeps 4 of 5 at exactly 80%.
    if 2 * correct + partly >= 2 * rules.verified_share * total - 1e-9:
        return Verification.VERIFIED
    if 2 * wrong > total:
        return Verification.WRONG
    return Verification.DISPUTED


@dataclass(frozen=True)
class Share:
    """``count`` out of ``total``, with its 95% Wilson interval."""

    count: int
    total: int

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.count, self.total)

    @property
    def percent(self) -> int | None:
        return None if self.value is None else round(100 * self.value)

    @property
    def low_percent(self) -> int | None:
        return None if not self.total else round(100 * self.interval[0])

    @property
    def high_percent(self) -> int | None:
        return None if not self.total else round(100 * self.interval[1])


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a binomial proportion; None with no trials.

    Unlike the normal approximation it stays inside [0, 1] and is honest about
    small samples: 3 of 3 verified is "somewhere between 44% and 100%".
    """
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - margin), min(1.0, centre + margin)


@dataclass(frozen=True)
class StateLabel:
    """What the page says about an answer's verification, in words."""

    state: str
    badge: str
    detail: str
    confirmed: bool


def label(answer) -> StateLabel:
    """The badge and the counts shown with an answer ("Verified: 5 of 5 members
    say correct"). ``answer`` is an Answer (duck-typed for the templates)."""
    correct, partly, wrong = answer.verdicts_correct, answer.verdicts_partly, answer.verdicts_wrong
    total = correct + partly + wrong
    members = f"{total} member{'s' if total != 1 else ''}"
    state = answer.verification
    if state == Verification.VERIFIED:
        detail = f"{correct} of {members} say correct"
        if partly:
            detail += f", {partly} partly"
    elif state == Verification.WRONG:
        detail = f"by {wrong} of {members}"
    elif state == Verification.DISPUTED:
        detail = f"members disagree: {correct} correct, {partly} partly, {wrong} wrong"
    else:
        needed = Thresholds.from_settings().min_verdicts
        detail = (
            f"{total} of the {needed} verdicts needed so far"
            if total
            else f"no verdicts yet: {needed} are needed"
        )
    return StateLabel(
        state=state,
        badge=Verification(state).label,
        detail=detail,
        confirmed=answer.verification_confirmed_by_id is not None,
    )


def verification_text(answer) -> str:
    """The answer's verification in a line, for exports ("Verified: 5 of 5
    members say correct"; "AI draft corrected by members; not yet reviewed")."""
    if answer is None:
        return ""
    label = answer.state_label
    text = f"{label.badge}: {label.detail}"
    if label.confirmed:
        text += " (confirmed by a moderator)"
    if answer.is_corrected:
        text = f"AI draft corrected by members; now {text[0].lower()}{text[1:]}"
    return text
