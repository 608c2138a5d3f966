"""The question list's query string, read in one place: the home page, the
source and topic pages and the read API all parse ``?q=&source=&topic=…`` with
``QuestionFilterSet``, whose form also draws the filter controls
(``templates/includes/filter_form.html``).

The FilterSet parses and validates; the filtering itself stays in one selector
(``selectors.question_list``), because search, its bounded candidates and the
sorts are one query plan rather than independent ``WHERE`` clauses."""

from functools import cached_property, lru_cache

import django_filters
from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from study.companies import FREQUENCY_WINDOWS
from study.models import Company, InterviewLevel

from .models import Difficulty, Question, Source, Topic
from .selectors import (
    ANSWER_FILTERS,
    MISSED_FILTERS,
    SORTS,
    VERDICT_FILTERS,
    QuestionFilters,
    question_list,
)

Q_MAX_LENGTH = 200


class FilterBoundField(forms.BoundField):
    """A filter control as ``filter_form.html`` draws it: its ``block`` (label
    and control) for each visible field, drawn here rather than by the
    template's loop, and its ``oob_control`` (the sort select, redrawn out of
    band by htmx with a list's results)."""

    @property
    def block(self) -> SafeString:
        grow = "" if self.widget_type == "select" else " grow"
        return format_html(
            '\n  <div class="field{}">\n    <label for="{}">{}</label>\n    {}\n  </div>\n  ',
            grow,
            self.auto_id,
            self.label,
            self.control(),
        )

    @property
    def oob_control(self) -> SafeString:
        return self.control(oob=True)

    def control(self, *, oob: bool = False) -> SafeString:
        """A select with its ``options``, else the widget as Django renders it."""
        if self.widget_type != "select":
            return mark_safe(str(self))  # Django's rendering is safe
        return format_html(
            '<select id="{}" name="{}"{}{}>\n      {}\n    </select>',
            self.auto_id,
            self.html_name,
            mark_safe(' hx-swap-oob="true"') if oob else "",
            mark_safe(' aria-invalid="true"') if self.errors else "",
            self.options,
        )

    @cached_property
    def options(self) -> SafeString:
        """A select's ``<option>`` elements, made in Python: a list's form has
        dozens (sources, topics, …), and a template loop or the widget's own
        rendering costs more than the rest of the form. The first option whose
        value is the field's value is ``selected`` (an empty value never is), as
        in Django's single select; values and labels are escaped."""
        widget = self.field.widget
        chosen = frozenset(widget.format_value(self.value()))
        choices = tuple(
            ("" if value is None else str(value), str(label)) for value, label in widget.choices
        )
        return _options(choices, chosen)


@lru_cache(maxsize=512)
def _options(choices: tuple[tuple[str, str], ...], chosen: frozenset[str]) -> SafeString:
    """A select's options drawn from its choices and chosen values alone (kept
    per process by them: the same choices and value draw the same options)."""
    options, found = [], False
    for value, label in choices:
        selected = not found and value in chosen
        found = found or selected
        options.append((value, " selected" if selected and value else "", label))
    return format_html_join("", '<option value="{}"{}>{}</option>', options)


class FilterForm(forms.Form):
    """A filter form whose controls get ids ``<id_prefix>-<name>``."""

    id_prefix = "filter"
    bound_field_class = FilterBoundField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)

    def problems(self) -> list[str]:
        """Every field's errors as readable sentences, in the order of the form."""
        return [str(error) for field in self for error in field.errors]


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchField(forms.CharField):
    """A search box: stripped, and cut to its length rather than refused (the box's
    ``maxlength`` stops typing there; a longer link still searches)."""

    def to_python(self, value):
        return super().to_python(value)[:Q_MAX_LENGTH]


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


def unknown(what: str, everything: str) -> dict:
    """The message of a value that is not one of the choices."""
    return {"invalid_choice": f"There is no {what} “%(value)s”: showing {everything}."}


def by_slug(model, label: str, *, everything: str, **kwargs) -> django_filters.ModelChoiceFilter:
    """A choice of ``model`` rows by slug (``?topic=statistics``)."""
    kwargs.setdefault("empty_label", f"All {everything}")
    return django_filters.ModelChoiceFilter(
        label=label,
        queryset=model.objects.all(),
        to_field_name="slug",
        error_messages=unknown(label.lower(), f"every {label.lower()}"),
        **kwargs,
    )


def one_of(label: str, choices, *, what: str, everything: str, **kwargs):
    """A choice among ``choices`` (pairs or a mapping), "Any" first unless told."""
    kwargs.setdefault("empty_label", "Any")
    items = list(choices.items()) if isinstance(choices, dict) else list(choices)
    return django_filters.ChoiceFilter(
        label=label, choices=items, error_messages=unknown(what, everything), **kwargs
    )


_FORM_CLASSES: dict[tuple, type[FilterForm]] = {}


class QuestionFilterSet(django_filters.FilterSet):
    """Published questions by search, source, topic, difficulty, answers, verdict
    and sort. ``fixed_source``/``fixed_topic`` (a source's or topic's own page)
    remove that control and apply it always. An invalid value is dropped from
    ``filters`` and explained in ``form.problems()``."""

    q = SearchFilter(
        label="Search",
        widget=SearchInput(
            attrs={
                "maxlength": Q_MAX_LENGTH,
                "placeholder": "e.g. dropout, precision",
            }
        ),
    )
    source = by_slug(Source, "Source", everything="sources")
    topic = by_slug(Topic, "Topic", everything="topics")
    difficulty = one_of(
        "Difficulty", Difficulty.choices, what="difficulty", everything="every difficulty"
    )
    answers = one_of("Answers", ANSWER_FILTERS, what="answers filter", everything="every question")
    verdict = one_of("Checked", VERDICT_FILTERS, what="verdict filter", everything="every question")
    # "I was asked this" reports (study.companies). The company arrives by a link
    # (a company page, a question's "asked at"): a hidden field, shown by the list
    # as a removable choice, so the list never loads every company.
    company = by_slug(Company, "Company", everything="companies", widget=forms.HiddenInput)
    level = one_of("Level asked", InterviewLevel.choices, what="level", everything="every level")
    asked_within = one_of(
        "Asked", FREQUENCY_WINDOWS, what="period", everything="every period", empty_label="Any time"
    )
    missed = one_of(
        "Missed first time",
        MISSED_FILTERS,
        what="missed-first-time filter",
        everything="every question",
    )
    sort = one_of("Sort", SORTS, what="sort", everything="the default order", empty_label="Newest")

    class Meta:
        model = Question
        fields: list[str] = []
        form = FilterForm

    def __init__(self, data=None, queryset=None, *, fixed_source=None, fixed_topic=None, **kw):
        super().__init__(data, queryset, **kw)
        self.fixed_source, self.fixed_topic = fixed_source, fixed_topic
        if fixed_source is not None:
            del self.filters["source"]
        if fixed_topic is not None:
            del self.filters["topic"]

    def get_form_class(self) -> type[FilterForm]:
        """The form class of these filters, made once per process for each set
        of them (a list page makes a FilterSet per request; each form still
        gets fields of its own, as any Django form)."""
        key = (type(self), tuple(self.filters))
        if key not in _FORM_CLASSES:
            _FORM_CLASSES[key] = super().get_form_class()
        return _FORM_CLASSES[key]

    @property
    def form(self) -> FilterForm:
        form = super().form
        if not getattr(form, "_sort_shown", False):
            form._sort_shown = True
            # The first option sends no sort: best match when there is a query, newest
            # otherwise. "relevance" is that default; "newest" is offered only when a
            # search would otherwise rank by best match. Both stay valid values.
            searching = bool(str(self.data.get("q", "")).strip())
            first = "Best match" if searching else "Newest"
            shown = [
                (value, label)
                for value, label in SORTS.items()
                if value != "relevance" and (value != "newest" or searching)
            ]
            form.fields["sort"].widget.choices = [("", first), *shown]
        return form

    @property
    def filters_value(self) -> QuestionFilters:
        """What was asked, valid values only (an invalid one counts as not given)."""
        if not hasattr(self, "_value"):
            self.form.is_valid()
            data = self.form.cleaned_data
            self._value = QuestionFilters(
                q=(data.get("q") or "").strip(),
                source=self.fixed_source or data.get("source"),
                topic=self.fixed_topic or data.get("topic"),
                difficulty=data.get("difficulty") or "",
                answers=data.get("answers") or "",
                sort=data.get("sort") or "",
                verdict=data.get("verdict") or "",
                missed=data.get("missed") or "",
                company=data.get("company"),
                level=data.get("level") or "",
                asked_within=int(data["asked_within"]) if data.get("asked_within") else None,
            )
        return self._value

    def filter_queryset(self, queryset):
        # The selector starts from the published questions itself.
        return question_list(self.filters_value)


def list_params(*extra: str) -> tuple[str, ...]:
    """The query parameters a question list reads (for its page cache)."""
    return (*QuestionFilterSet.base_filters, "page", *extra)
