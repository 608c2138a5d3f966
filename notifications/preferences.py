"""How each member wants to hear of each kind of event by e-mail."""

from django.db import transaction

from accounts.models import User

from .models import DEFAULT_DELIVERY, Delivery, EmailSetting, Kind, Notification


def settings_of(user: User) -> dict[str, str]:
    """kind -> delivery for every kind, defaults filled in."""
    chosen = dict(EmailSetting.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}


def deliveries(notifications: list[Notification]) -> dict[int, str]:
    """notification id -> how its recipient wants that kind by e-mail (one query)."""
    if not notifications:
        return {}
    kinds = {n.kind for n in notifications}
    chosen = {
        (user_id, kind): delivery
        for user_id, kind, delivery in EmailSetting.objects.filter(
            user_id__in={n.recipient_id for n in notifications}, kind__in=kinds
        ).values_list("user_id", "kind", "delivery")
    }
    return {
        n.pk: chosen.get((n.recipient_id, n.kind), DEFAULT_DELIVERY[n.kind]) for n in notifications
    }


@transaction.atomic
def choose(*, user: User, choices: dict[str, str]) -> None:
    """Store the member's choices (kind -> delivery); unknown kinds are ignored."""
    for kind, delivery in choices.items():
        if kind in Kind.values and delivery in Delivery.values:
            EmailSetting.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )


def turn_off(*, user: User, kind: str | None) -> None:
    """Unsubscribe: one kind, or (``None``) every kind."""
    kinds = [kind] if kind else Kind.values
    choose(user=user, choices=dict.fromkeys(kinds, Delivery.OFF))
