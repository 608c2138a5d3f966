"""Admin building blocks shared by every app: the reason typed next to an action,
status filters that open on what needs attention, the cache renewal after an
admin edit, and read-only registrations."""

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.utils.html import format_html

from questions import pagecache


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def refusal_text(exc: Exception) -> str:
    """The readable text of a refusal from a service."""
    return " ".join(getattr(exc, "messages", [str(exc)]))


class ReasonActionForm(ActionForm):
    """The action bar with an optional reason, which the audit log records."""

    reason = forms.CharField(
        label="Reason (optional):",
        required=False,
        # As long as the audit log keeps (a TextField today: None, no limit).
        max_length=apps.get_model("questions", "ModerationAction")
        ._meta.get_field("reason")
        .max_length,
    )


def action_reason(request) -> str:
    """The reason typed next to the action (``ReasonActionForm``), or ""."""
    return request.POST.get("reason", "").strip()


def site_link(obj, text: str | None = None):
    return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text or str(obj))


class DefaultStatusFilter(admin.SimpleListFilter):
    """A status filter that opens on what needs attention (``default``)."""

    title = "status"
    parameter_name = "status"
    default: str
    statuses: list

    def lookups(self, request, model_admin):
        return [*self.statuses, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


class ChangesPagesMixin:
    """What an admin form or action changes shows on visitors' cached pages: every
    change Django's admin logs renews them all (admin edits are rare)."""

    def log_addition(self, request, obj, message):
        pagecache.site_changed()
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        pagecache.site_changed()
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        pagecache.site_changed()
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the site keeps exact through its services (votes behind scores,
    revisions behind history, bookmarks and reviews behind practice): shown, never
    written here, by a superuser either, since a hand-made row would skew the
    counters that depend on it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
