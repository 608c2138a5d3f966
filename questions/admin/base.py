"""What every moderation changelist of questions shares: hide / restore through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from mlqa_site.admin_mixins import (
    ReasonActionForm,
    action_reason,
    plural,
    refusal_text,
)
from questions import services


class ModerationActionsMixin:
    """hide / restore (and publish) through the moderation services, one log each,
    with the reason typed next to the action."""

    action_form = ReasonActionForm

    def _apply(self, request, queryset, service, done: str):
        changed, reason = 0, action_reason(request)
        for obj in queryset:
            try:
                changed += bool(service(moderator=request.user, target=obj, reason=reason))
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{obj}: {refusal_text(exc)}", messages.WARNING)
        self.message_user(request, f"{plural(changed, self.model._meta.verbose_name)} {done}.")

    @admin.action(description="Hide the selected items", permissions=["change"])
    def hide_selected(self, request, queryset):
        self._apply(request, queryset, services.hide, "hidden")

    @admin.action(description="Restore the selected items", permissions=["change"])
    def restore_selected(self, request, queryset):
        self._apply(request, queryset, services.restore, "restored")
