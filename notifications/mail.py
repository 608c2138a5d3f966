"""E-mail: one notification at once, or a daily digest; each with a one-click
unsubscribe link (a signed token, no log-in) and a List-Unsubscribe header.
Nothing goes to an address that is not verified."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mlqa_site.background import retrying

from . import display
from .models import Delivery, Kind, Notification
from .preferences import settings_of

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_KINDS = "all"


def unsubscribe_token(user: User, kind: str) -> str:
    """Signed (user, kind or "all"): whoever holds it may turn that e-mail off."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; signing.BadSignature (or its subclass
    SignatureExpired) when it was altered or is too old."""
    max_age = timedelta(days=settings.MLQA_UNSUBSCRIBE_MAX_AGE_DAYS)
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("Not an unsubscribe token.")
    kind = data.get("k")
    if kind != ALL_KINDS and kind not in Kind.values:
        raise signing.BadSignature("Not an unsubscribe token.")
    return data["u"], kind


def verified_address(user: User) -> str | None:
    if not user.is_active:
        return None
    address = EmailAddress.objects.filter(user=user, verified=True, primary=True).first()
    return address.email if address else None


def _absolute(path: str) -> str:
    return settings.MLQA_SITE_URL + path


def _send(*, user: User, to: str, subject: str, template: str, context: dict, kind: str) -> None:
    unsubscribe = _absolute(reverse("unsubscribe", args=[unsubscribe_token(user, kind)]))
    context = {
        **context,
        "user": user,
        "unsubscribe_url": unsubscribe,
        "settings_url": _absolute(reverse("notification_settings")),
        "kind_label": Kind(kind).label if kind != ALL_KINDS else "",
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=render_to_string(template, context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


def _link(n: Notification) -> str:
    return _absolute(reverse("notification_open", args=[n.pk]))


@retrying
def send_notification(notification_id: int) -> bool:
    """E-mail one notification now, if its member still wants it and can get it."""
    n = (
        Notification.objects.select_related("recipient", "actor", "question", "answer", "comment")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if n is None or settings_of(n.recipient)[n.kind] != Delivery.INSTANT:
        return False
    to = verified_address(n.recipient)
    if to is None:
        return False
    (item,) = [item for group in display.grouped([n]) for item in group.items]
    _send(
        user=n.recipient,
        to=to,
        subject=item.sentence.rstrip("."),
        template="notifications/email/notification.txt",
        context={"n": item, "title": display.question_title(n), "link": _link(n)},
        kind=n.kind,
    )
    Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
    return True


def digest_recipients() -> list[int]:
    """Members with unread, un-mailed notifications (send_digest keeps the kinds
    each wants in a digest)."""
    users = (
        Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sorted(users)


@retrying
def send_digest(user_id: int) -> int:
    """One e-mail with the member's unread notifications since the last one,
    grouped by question; the number of notifications it carried."""
    user = User.objects.get(pk=user_id)
    to = verified_address(user)
    wanted = [kind for kind, how in settings_of(user).items() if how == Delivery.DIGEST]
    if to is None or not wanted:
        return 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(recipient=user, kind__in=wanted, read_at__isnull=True, emailed_at__isnull=True)
            .select_related("actor", "question", "answer", "comment")
            .order_by("-created_at", "-id")
        )
        if not pending:
            return 0
        groups = display.grouped(pending)
        for group in groups:
            for item in group.items:
                item.link = _link(item)
        _send(
            user=user,
            to=to,
            subject=f"{len(pending)} new on MLQA since your last digest",
            template="notifications/email/digest.txt",
            context={"groups": groups, "count": len(pending), "date": timezone.now()},
            kind=ALL_KINDS,
        )
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    return len(pending)


@retrying
def send_daily_digests() -> int:
    """Queue one digest per member who has something for it."""
    recipients = digest_recipients()
    for user_id in recipients:
        send_digest.enqueue(user_id)
    return len(recipients)
