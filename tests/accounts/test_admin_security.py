"""What a moderator can reach in the admin: every admin URL, walked as a moderator,
against an explicit table, so a view that becomes reachable fails here; and the
account powers (passwords, e-mail, roles) that stay with superusers."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import URLPattern, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.services import moderators_group
from notifications.models import Event, Kind, Notification
from questions.models import Flag, FlagReason, ModerationAction, Proposal, Question, Verdict, Vote
from study.models import Company, CompanyAlias, InterviewReport, Review
from study.models.plans import StudyPlan
from tests.accounts.admin_table import (
    EXPECTED,
    EXPECTED_ACTIONS,
    EXPECTED_APP_INDEX,
    EXPECTED_AUTOCOMPLETE,
    EXPECTED_SITE,
    LOGIN,
    MISSING,
    OK,
    REDIRECT,
    REFUSED,
    VIEW_ONLY,
)
from tests.factories import (
    AnswerFactory,
    BookmarkFactory,
    CommentFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def objects(root, moderator, member) -> dict[str, list]:
    """One row (members: three) of every model the admin shows."""
    question = QuestionFactory(source=SourceFactory(), topics=[TopicFactory()])
    answer = AnswerFactory(question=question, author=member)
    bookmark = BookmarkFactory(user=member, question=question)
    app = SocialApp.objects.create(provider="github", name="GitHub", client_id="c", secret="s")
    account = SocialAccount.objects.create(user=member, provider="github", uid="42")
    rows = [
        moderators_group(),
        EmailAddress.objects.create(user=member, email="alice@example.com", primary=True),
        app,
        account,
        SocialToken.objects.create(app=app, account=account, token="secret-token"),
        question.source,
        question.topics.get(),
        question,
        answer,
        answer.revisions.get(),
        Proposal.objects.create(answer=answer, author=root, body="Better.", reason="Clearer"),
        Vote.objects.create(user=root, answer=answer, value=Vote.UP),
        Verdict.objects.create(
            user=root, answer=answer, revision=answer.revisions.get(), value="correct"
        ),
        CommentFactory(answer=answer, author=member),
        Flag.objects.create(reporter=root, answer=answer, reason=FlagReason.SPAM),
        ModerationAction.objects.create(
            moderator=moderator, action="hide", target_type="answer", target_id=answer.pk
        ),
        bookmark,
        Review.objects.create(
            bookmark=bookmark, rating=3, reviewed_at=timezone.now(), due_after=timezone.now()
        ),
        InterviewReport.objects.create(user=member, question=question, year=2024),
        meta := Company.objects.create(name="Meta", slug="meta", key="meta"),
        CompanyAlias.objects.create(name="Facebook", key="facebook", company=meta),
        StudyPlan.objects.create(title="Warm-up", slug="warm-up", days=3),
        Notification.objects.create(
            recipient=member, actor=root, event=Event.ANSWER_TO_QUESTION, kind=Kind.ANSWER
        ),
        DBTaskResult.objects.create(
            task_path="notifications.tasks.notify",
            args_kwargs={"args": [], "kwargs": {}},
            queue_name="default",
            backend_name="default",
        ),
    ]
    by_model = {obj._meta.label: [obj] for obj in rows}
    by_model["accounts.User"] = [root, member, moderator]  # moderators' own account too
    return by_model


def outcome(response):
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith("/admin/login/") else REDIRECT
    context = response.context or {}
    if "adminform" in context and not context["add"] and not context["has_change_permission"]:
        return VIEW_ONLY
    return response.status_code


def model_admin_urls(model, model_admin, obj):
    """(route, url) for every URL of ``model_admin``, filled in for ``obj``."""
    opts = model._meta
    for pattern in model_admin.get_urls():
        route = str(pattern.pattern)
        path = re.sub(r"<(?:\w+:)?\w+>", str(obj.pk), route)
        yield route, f"/admin/{opts.app_label}/{opts.model_name}/{path}"


def test_the_table_covers_every_registered_model_and_url(objects):
    assert set(EXPECTED) == {model._meta.label for model in admin.site._registry}
    for model, model_admin in admin.site._registry.items():
        routes = {str(pattern.pattern) for pattern in model_admin.get_urls()}
        assert routes == set(EXPECTED[model._meta.label]), model._meta.label
    site_names = {p.name or "catch_all" for p in admin.site.get_urls() if isinstance(p, URLPattern)}
    assert site_names == set(EXPECTED_SITE) | {"app_list"}


def test_a_moderator_reaches_exactly_the_expected_model_admin_urls(mod_client, objects):
    reached = {}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        for obj in objects[label]:
            for route, url in model_admin_urls(model, model_admin, obj):
                got = outcome(mod_client.get(url))
                reached[label, route, obj.pk] = got
                if EXPECTED[label][route] in (REFUSED, MISSING):
                    # Refused to read is refused to write.
                    assert outcome(mod_client.post(url, {"post": "yes"})) == got, url
    expected = {
        (label, route, obj.pk): EXPECTED[label][route]
        for label, objs in objects.items()
        for obj in objs
        for route in EXPECTED[label]
    }
    assert reached == expected


def test_a_moderator_reaches_exactly_the_expected_site_urls(mod_client, objects):
    question = objects["questions.Question"][0]
    content_type = ContentType.objects.get_for_model(Question)
    urls = {
        "index": reverse("admin:index"),
        "login": reverse("admin:login"),
        "logout": reverse("admin:logout"),
        "password_change": reverse("admin:password_change"),
        "password_change_done": reverse("admin:password_change_done"),
        "autocomplete": reverse("admin:autocomplete"),
        "jsi18n": reverse("admin:jsi18n"),
        "view_on_site": reverse("admin:view_on_site", args=[content_type.pk, question.pk]),
        "catch_all": "/admin/no-such-page/",
    }
    reached = {name: outcome(mod_client.get(url)) for name, url in urls.items()}
    assert reached == EXPECTED_SITE
    app_labels = {model._meta.app_label for model in admin.site._registry}
    apps = {label: outcome(mod_client.get(f"/admin/{label}/")) for label in app_labels}
    assert apps == EXPECTED_APP_INDEX


def test_a_moderator_autocompletes_exactly_the_expected_fields(mod_client, objects):
    reached = {}
    for model, model_admin in admin.site._registry.items():
        intermediate = getattr(model_admin, "intermediate_autocomplete_fields", [])
        for field in [*model_admin.autocomplete_fields, *intermediate]:
            params = {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field,
            }
            response = mod_client.get(reverse("admin:autocomplete"), params)
            reached[model._meta.label, field] = outcome(response)
    assert reached == EXPECTED_AUTOCOMPLETE


def test_a_moderator_is_offered_exactly_the_expected_bulk_actions(moderator):
    request = RequestFactory().get("/admin/")
    request.user = moderator
    offered = {
        model._meta.label: set(model_admin.get_actions(request))
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_or_change_permission(request)
    }
    offered = {label: actions for label, actions in offered.items() if actions}
    assert offered == EXPECTED_ACTIONS


def test_a_moderator_cannot_set_the_superusers_password(mod_client, root, moderator):
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    new = "moderator owns root now 1"
    response = mod_client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    assert not Client().login(username="root", password=new)
    # Nor their own, nor a member's, from the admin.
    for user in (moderator, UserFactory()):
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert mod_client.post(url, {"password1": new, "password2": new}).status_code == 403
        user.refresh_from_db()
        assert not user.check_password(new)


def test_a_moderators_change_form_changes_no_account_field(mod_client, root, moderator, member):
    powerful = list(Permission.objects.filter(codename__startswith="delete_"))
    before = {}
    for user in (root, moderator, member):
        before[user.pk] = (
            user.username,
            user.email,
            user.is_staff,
            user.is_superuser,
            user.is_active,
            user.password,
            set(user.groups.all()),
            set(user.user_permissions.all()),
        )
        response = mod_client.post(
            reverse("admin:accounts_user_change", args=[user.pk]),
            {
                "username": "taken-over",
                "email": "mod@evil.example",
                "password": "pbkdf2_sha256$1$x$y",
                "is_staff": "on",
                "is_superuser": "on",
                "is_active": "on",
                "groups": [g.pk for g in Group.objects.all()],
                "user_permissions": [p.pk for p in powerful],
                "display_name": user.display_name,
                "bio": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
    for user in (root, moderator, member):
        user.refresh_from_db()
        assert before[user.pk] == (
            user.username,
            user.email,
            user.is_staff,
            user.is_superuser,
            user.is_active,
            user.password,
            set(user.groups.all()),
            set(user.user_permissions.all()),
        )
    assert not User.objects.get(pk=moderator.pk).has_perm("questions.delete_answer")


def test_a_moderator_cannot_bulk_delete_or_add_members(mod_client, root, member):
    changelist = reverse("admin:accounts_user_changelist")
    mod_client.post(
        changelist,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [root.pk, member.pk], "post": "yes"},
    )
    assert User.objects.filter(pk__in=[root.pk, member.pk]).count() == 2
    response = mod_client.post(
        reverse("admin:accounts_user_add"),
        {"username": "sock", "password1": PASSWORD, "password2": PASSWORD, "is_staff": "on"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="sock").exists()


def test_a_moderator_cannot_edit_groups_or_email_addresses(mod_client, member):
    group = moderators_group()
    response = mod_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [p.pk for p in Permission.objects.all()]},
    )
    assert response.status_code == 403
    assert not group.permissions.filter(codename="delete_user").exists()
    address = EmailAddress.objects.create(user=member, email="alice@example.com", primary=True)
    response = mod_client.post(
        reverse("admin:account_emailaddress_change", args=[address.pk]),
        {"user": member.pk, "email": "mod@evil.example", "verified": "on", "primary": "on"},
    )
    assert response.status_code == 403
    address.refresh_from_db()
    assert address.email == "alice@example.com"


def test_a_superuser_keeps_every_account_power(client, root, member):
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    new = "a fresh password 42"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new)
    for name in ("auth_group_changelist", "account_emailaddress_changelist", "accounts_user_add"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    html = client.get(reverse("admin:accounts_user_change", args=[member.pk])).content.decode()
    assert 'name="is_superuser"' in html
    assert 'name="email"' in html
    assert client.get(reverse("admin:password_change")).status_code == 200


def test_a_moderator_still_suspends_and_lifts_through_the_service(mod_client, member):
    changelist = reverse("admin:accounts_user_changelist")
    mod_client.post(
        changelist,
        {
            "action": "suspend_selected",
            ACTION_CHECKBOX_NAME: [member.pk],
            "apply": "1",
            "days": "3",
            "reason": "spam",
        },
    )
    member.refresh_from_db()
    assert member.is_suspended
    mod_client.post(changelist, {"action": "lift_selected", ACTION_CHECKBOX_NAME: [member.pk]})
    member.refresh_from_db()
    assert not member.is_suspended
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("pk")) == [
        "suspend",
        "lift",
    ]


# What the site keeps exact through its services: read-only in the admin for
# everyone, superusers included (a hand-made vote would not move the score).
SUPERUSER_READ_ONLY = ["questions.Vote", "questions.AnswerRevision", "study.Bookmark"]
SUPERUSER_READ_ONLY += ["study.Review", "questions.ModerationAction"]


@pytest.mark.parametrize("label", SUPERUSER_READ_ONLY)
def test_a_superuser_reads_but_cannot_write_counted_records(client, root, objects, label):
    client.force_login(root)
    model = next(m for m in admin.site._registry if m._meta.label == label)
    obj = objects[label][0]
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    before = model.objects.values().get(pk=obj.pk)

    assert outcome(client.get(base)) == OK
    assert outcome(client.get(f"{base}{obj.pk}/change/")) == VIEW_ONLY
    assert outcome(client.get(f"{base}add/")) == REFUSED
    assert outcome(client.post(f"{base}add/", {})) == REFUSED
    assert outcome(client.post(f"{base}{obj.pk}/change/", {"value": -1})) == REFUSED
    assert outcome(client.post(f"{base}{obj.pk}/delete/", {"post": "yes"})) == REFUSED
    assert "delete_selected" not in admin.site._registry[model].get_actions(
        client.get(base).wsgi_request
    )
    assert model.objects.values().get(pk=obj.pk) == before
