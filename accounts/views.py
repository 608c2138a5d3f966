from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .adapters import SUSPENDED_SESSION_KEY
from .models import User
from .reputation import with_reputation

PROFILE_PAGE_SIZE = 20


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    empty: str


TABS = (
    Tab("answers", "Answers", "not answered a question yet."),
    Tab("questions", "Questions", "not asked a question yet."),
    Tab("comments", "Comments", "not commented yet."),
    Tab("improvements", "Improvements", "no accepted improvement yet."),
)


@require_GET
def user_profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public page: reputation, then their answers, questions,
    comments and accepted proposals, one tab each (``?tab=``), paginated.

    Only what visitors can see elsewhere is listed; the member sees their own
    proposals of every status in the last tab. The member, their reputation
    and every tab's count come in one query; the shown tab in one more.
    """
    from questions import contributions

    is_self = request.user.is_authenticated and request.user.username == username
    member = get_object_or_404(
        with_reputation(User.objects.filter(is_active=True)).annotate(
            **contributions.counts(is_self)
        ),
        username=username,
    )
    slugs = [tab.slug for tab in TABS]
    current = request.GET.get("tab", "")
    tab = TABS[slugs.index(current)] if current in slugs else TABS[0]
    items = contributions.listed(tab.slug, member, is_self=is_self)
    counts = {tab.slug: getattr(member, f"n_{tab.slug}") for tab in TABS}
    paginator = Paginator(items, PROFILE_PAGE_SIZE)
    paginator.count = counts[tab.slug]  # known already: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "tabs": [(t, counts[t.slug]) for t in TABS],
            "tab": tab,
            "page": page,
            "answer_count": member.n_answers,
            "is_self": is_self,
        },
    )


@require_GET
def account_inactive(request: HttpRequest) -> HttpResponse:
    """Where allauth sends a log-in to an inactive account. A suspended member
    (``AccountAdapter.respond_user_inactive``) reads why and until when."""
    member = None
    if pk := request.session.get(SUSPENDED_SESSION_KEY):
        member = User.objects.filter(pk=pk, is_active=False, suspended_until__isnull=False).first()
    return render(request, "account/account_inactive.html", {"suspended": member})
