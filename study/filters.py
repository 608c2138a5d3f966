"""The bookmarks' query string (``/bookmarks/``, its exports, the API's
``/me/bookmarks``), read in one place by ``BookmarkFilterSet``; its form draws
the page's filter controls with the shared ``templates/includes/filter_form.html``."""

import django_filters

from questions.filters import FilterForm, by_slug, one_of
from questions.models import Difficulty, Source, Topic

from .models import Bookmark
from .selectors import BOOKMARK_SORTS, BOOKMARK_STATES, BookmarkFilters, member_bookmarks


class BookmarkFilterForm(FilterForm):
    id_prefix = "bookmark"


class BookmarkFilterSet(django_filters.FilterSet):
    """A member's bookmarks by topic, source, difficulty and practice state, sorted.
    Build it with ``user``; an invalid value is dropped from ``filters_value`` and
    explained in ``form.problems()``."""

    topic = by_slug(Topic, "Topic", everything="topics")
    source = by_slug(Source, "Source", everything="sources")
    difficulty = one_of(
        "Difficulty", Difficulty.choices, what="difficulty", everything="every difficulty"
    )
    state = one_of("Practice", BOOKMARK_STATES, what="practice state", everything="every state")
    sort = one_of(
        "Sort", BOOKMARK_SORTS, what="sort", everything="the recently added first", empty_label=None
    )

    class Meta:
        model = Bookmark
        fields: list[str] = []
        form = BookmarkFilterForm

    def __init__(self, data=None, queryset=None, *, user=None, now=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user, self.now = user, now

    @property
    def filters_value(self) -> BookmarkFilters:
        """What was asked, valid values only (an invalid one counts as not given)."""
        if not hasattr(self, "_value"):
            self.form.is_valid()
            data = self.form.cleaned_data
            self._value = BookmarkFilters(
                topic=data.get("topic"),
                source=data.get("source"),
                difficulty=data.get("difficulty") or "",
                state=data.get("state") or "",
                sort=data.get("sort") or "added",
            )
        return self._value

    def filter_queryset(self, queryset):
        # The selector starts from the member's bookmarks itself.
        return member_bookmarks(self.user, self.filters_value, now=self.now)
