"""The inbox, the header's unread count, following, e-mail settings and unsubscribing."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import member_required
from accounts.models import User
from questions.models import Question, Status, Topic

from . import display, following, preferences
from .forms import EmailSettingsForm
from .mail import ALL_KINDS, read_unsubscribe_token
from .models import Kind, Notification
from .selectors import unread_count


@require_GET
@member_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).select_related(
        "actor", "question", "answer", "comment"
    )
    page = Paginator(notifications, settings.MLQA_NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "groups": display.grouped(list(page.object_list))},
    )


# htmx stops polling on this status (and swaps in the empty body).
STOP_POLLING = 286


@require_GET
def inbox_count(request: HttpRequest) -> HttpResponse:
    """The header's link with the unread count (polled by htmx). Signed out
    meanwhile (in another tab): the link goes and the polling stops, the page stays."""
    if not request.user.is_authenticated:
        return HttpResponse(status=STOP_POLLING)
    return render(
        request,
        "notifications/includes/inbox_link.html",
        {"inbox_unread": unread_count(request.user)},
    )


def _mine(request: HttpRequest, pk: int) -> Notification:
    """The member's own notification; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(
        Notification.objects.select_related("question"), pk=pk, recipient=request.user
    )


@require_http_methods(["GET", "POST"])
@member_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Go to the exact place it is about; the inbox's button (a POST) also marks
    it read. An e-mail's link (a GET) only goes there: a GET changes nothing."""
    n = _mine(request, pk)
    if request.method == "POST":
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(display.target_url(n))


@require_POST
@member_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    n = _mine(request, pk)
    Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox")


@require_POST
@member_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("inbox")


@require_POST
@member_required
def follow_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=pk, status=Status.PUBLISHED)
    on = request.POST.get("follow") != "0"
    following.set_question(user=request.user, question=question, on=on)
    if request.htmx:
        return render(
            request,
            "notifications/includes/follow_question.html",
            {"question": question, "following": on},
        )
    messages.success(request, "You follow this question." if on else "You no longer follow it.")
    return redirect(question)


@require_POST
@member_required
def follow_topic(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    on = request.POST.get("follow") != "0"
    following.set_topic(user=request.user, topic=topic, on=on)
    if request.htmx:
        return render(
            request, "notifications/includes/follow_topic.html", {"topic": topic, "following": on}
        )
    messages.success(
        request,
        f"You will hear of new questions in {topic.name}."
        if on
        else f"You no longer follow {topic.name}.",
    )
    return redirect(topic)


@require_POST
@member_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = EmailSettingsForm(request.POST, current=preferences.settings_of(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of the offered options for each kind of e-mail.")
        return redirect("profile_settings")
    preferences.choose(user=request.user, choices=form.cleaned_data)
    messages.success(request, "Your e-mail settings have been saved.")
    return redirect("profile_settings")


@csrf_exempt  # the signed token is the credential; mail clients post with no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link checkers must not unsubscribe anyone); POST, from
    the button or a mail client's one-click (RFC 8058), turns the e-mail off."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _unsubscribe_refused(request, "This link has expired.")
    except signing.BadSignature:
        return _unsubscribe_refused(request, "This link is not valid.")
    user = get_object_or_404(User, pk=user_id, is_active=True)
    what = "all MLQA e-mails" if kind == ALL_KINDS else f"e-mails about: {Kind(kind).label}"
    done = request.method == "POST"
    if done:
        preferences.turn_off(user=user, kind=None if kind == ALL_KINDS else kind)
    return render(
        request, "notifications/unsubscribe.html", {"what": what, "done": done, "token": token}
    )


def _unsubscribe_refused(request: HttpRequest, why: str) -> HttpResponse:
    return render(request, "notifications/unsubscribe.html", {"error": why}, status=400)
