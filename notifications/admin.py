"""The admin's view of background tasks (moderators may look, not change) and of
notifications. django-tasks-db's own task admin, with the error of a failed task
on the list and a filter that starts at what needs attention."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from mlqa_site.background import TryAgainLater

from .models import Notification

RETRIED = f"{TryAgainLater.__module__}.{TryAgainLater.__qualname__}"


class OutcomeFilter(admin.SimpleListFilter):
    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            ("failed", "Failed for good (no try left)"),
            ("retried", "Failed, tried again later"),
            ("waiting", "Waiting or running"),
            ("done", "Done"),
            ("all", "All"),
        ]

    def choices(self, changelist):
        # "All" is a choice of its own: the default shows the failures.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "failed") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "failed"
        if value == "failed":
            return queryset.failed().exclude(exception_class_path=RETRIED)
        if value == "retried":
            return queryset.failed().filter(exception_class_path=RETRIED)
        if value == "waiting":
            return queryset.filter(status__in=["READY", "RUNNING"])
        if value == "done":
            return queryset.successful()
        return queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(DBTaskResultAdmin):
    list_display = ["task_name", "status", "error", "attempt", "enqueued_at", "finished_at"]
    list_filter = [OutcomeFilter, "status", "queue_name"]
    search_fields = ["task_path", "exception_class_path"]

    @admin.display(description="error")
    def error(self, obj: DBTaskResult) -> str:
        """The exception's last line: its class and message."""
        lines = [line for line in (obj.traceback or "").strip().splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""

    @admin.display(description="try")
    def attempt(self, obj: DBTaskResult) -> int:
        return (obj.args_kwargs or {}).get("kwargs", {}).get("attempt", 1)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "recipient",
        "event",
        "actor",
        "question",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind", "event"]
    search_fields = ["recipient__username", "actor__username"]
    list_select_related = ["recipient", "actor", "question"]
    raw_id_fields = ["recipient", "actor", "question", "answer", "comment", "proposal"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
