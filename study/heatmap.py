"""A year of practice at a glance: a heatmap of reviews per day (server-rendered
SVG, like GitHub's contributions), streaks, and the retention of the last 30
days (the share of reviews rated Hard, Good or Easy). One query, whatever the
number of reviews: counts per day of the member's year."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User

from .models import Review
from .scheduling import day_bounds, utc_now

WEEKS = 53
RETENTION_DAYS = 30
CELL = 11  # px, a day's square
STEP = 13  # px, from one square to the next
LEFT = 30  # px for the weekday labels
TOP = 16  # px for the month labels
LEVELS = 4
WEEKDAY_LABELS = ((0, "Mon"), (2, "Wed"), (4, "Fri"))


@dataclass(frozen=True)
class Cell:
    day: date
    count: int
    level: int
    x: int
    y: int


@dataclass
class Heatmap:
    today: date
    cells: list[Cell] = field(default_factory=list)
    months: list[tuple[int, date]] = field(default_factory=list)  # (x, first Monday)
    weekdays: list[tuple[int, str]] = field(default_factory=list)  # (y, label)
    total: int = 0
    active_days: int = 0
    peak: int = 0
    current_streak: int = 0
    longest_streak: int = 0
    recent_reviews: int = 0  # in the last RETENTION_DAYS days
    recent_passed: int = 0
    cell: int = CELL
    width: int = LEFT + WEEKS * STEP
    height: int = TOP + 7 * STEP

    @property
    def first_day(self) -> date:
        return self.cells[0].day

    @property
    def retention(self) -> int | None:
        """Percent of the last 30 days' reviews rated 2-4; None without reviews."""
        if not self.recent_reviews:
            return None
        return round(100 * self.recent_passed / self.recent_reviews)

    @property
    def levels(self) -> range:
        return range(LEVELS + 1)


def _streaks(days: set[date], today: date, first: date) -> tuple[int, int]:
    """The current streak (through today, or through yesterday while today is
    still open) and the longest one since ``first``, in days."""
    longest = run = 0
    day = first
    while day <= today:
        run = run + 1 if day in days else 0
        longest = max(longest, run)
        day += timedelta(days=1)
    current = 0
    day = today if today in days else today - timedelta(days=1)
    while day in days:
        current += 1
        day -= timedelta(days=1)
    return current, longest


def year_heatmap(user: User, *, now: datetime | None = None) -> Heatmap:
    """The member's last 53 weeks of reviews, Monday to Sunday columns ending this week."""
    now = utc_now(now)
    today = timezone.localtime(now).date()
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    start, _ = day_bounds(now - (today - first))
    recent_from = today - timedelta(days=RETENTION_DAYS - 1)
    rows = (
        Review.objects.filter(
            bookmark__user=user, bookmark__removed_at__isnull=True, reviewed_at__gte=start
        )
        .annotate(day=TruncDate("reviewed_at"))
        .values("day")
        .annotate(n=Count("pk"), passed=Count("pk", filter=Q(rating__gte=2)))
        .order_by()
        .values_list("day", "n", "passed")
    )
    per_day: dict[date, int] = {}
    heatmap = Heatmap(today=today)
    for day, count, passed in rows:
        per_day[day] = count
        if day >= recent_from:
            heatmap.recent_reviews += count
            heatmap.recent_passed += passed
    heatmap.peak = max(per_day.values(), default=0)
    heatmap.total = sum(per_day.values())
    heatmap.active_days = len(per_day)
    heatmap.current_streak, heatmap.longest_streak = _streaks(set(per_day), today, first)
    for index in range((today - first).days + 1):
        day = first + timedelta(days=index)
        week, weekday = divmod(index, 7)
        count = per_day.get(day, 0)
        level = -(-LEVELS * count // heatmap.peak) if count else 0  # ceil, 1..LEVELS
        x = LEFT + week * STEP
        heatmap.cells.append(Cell(day, count, level, x, TOP + weekday * STEP))
        if day.day <= 7 and weekday == 0 and week < WEEKS - 1:
            heatmap.months.append((x, day))
    heatmap.weekdays = [(TOP + row * STEP + CELL - 1, name) for row, name in WEEKDAY_LABELS]
    return heatmap
