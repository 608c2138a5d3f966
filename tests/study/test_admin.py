"""Moderators see interview reports in the admin and hide abusive ones, with an
audit record; they cannot edit or delete them, nor see private study data."""

from importlib import import_module

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from accounts.models import MODERATORS_GROUP
from accounts.services import moderators_group
from questions.models import ModerationAction
from study import selectors as study_selectors
from study import services as study_services
from study.models import InterviewReport
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:study_interviewreport_changelist")
MIGRATION = ("questions", "0004_study_tools")


def grant_as_the_migration_does() -> None:
    """Run the grant of the migration that adds reports on the Moderators group."""
    state = MigrationExecutor(connection).loader.project_state(MIGRATION)
    import_module("questions.migrations.0004_study_tools").grant_moderators(state.apps, None)


@pytest.fixture
def moderator(moderator):
    """A moderator with the report permissions, whatever earlier tests did to the group."""
    grant_as_the_migration_does()
    return moderator


def test_the_migration_lets_moderators_view_and_hide_reports_but_not_delete():
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.clear()
    grant_as_the_migration_does()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == {"view_interviewreport", "change_interviewreport"}


@pytest.fixture
def reports(member, other_member):
    question = QuestionFactory(title="Explain gradient clipping")
    return [
        study_services.report_asked(user=member, question=question, company="Acme"),
        study_services.report_asked(
            user=other_member, question=question, company="Buy cheap pills"
        ),
    ]


def test_changelist_searches_across_relations_and_filters(admin_client, reports):
    assert "Buy cheap pills" in admin_client.get(CHANGELIST, {"q": "clipping"}).content.decode()
    assert admin_client.get(CHANGELIST, {"q": "bob"}).context["cl"].result_count == 1
    response = admin_client.get(CHANGELIST, {"is_hidden__exact": "1"})
    assert response.context["cl"].result_count == 0
    url = reverse("admin:study_interviewreport_change", args=[reports[0].pk])
    assert admin_client.get(url).status_code == 200


def test_a_moderator_hides_a_report_and_it_stops_counting(client, moderator, reports):
    client.force_login(moderator)
    assert client.get(CHANGELIST).status_code == 200
    spam = reports[1]
    response = client.post(
        CHANGELIST, {"action": "hide_reports", "_selected_action": [spam.pk]}, follow=True
    )
    assert "1 report hidden." in response.content.decode()
    spam.refresh_from_db()
    assert spam.is_hidden
    entry = LogEntry.objects.get(object_id=str(spam.pk))
    assert entry.user == moderator
    audit = ModerationAction.objects.get()
    assert (audit.moderator, audit.action) == (moderator, ModerationAction.Kind.HIDE)
    assert (audit.target_type, audit.target_id) == ("interviewreport", spam.pk)
    assert "Buy cheap pills" in audit.target_repr
    summary = study_selectors.asked_summary(spam.question, UserFactory())
    assert (summary.total, summary.companies) == (1, ["Acme"])

    # Hiding it again changes nothing and leaves no second record.
    client.post(CHANGELIST, {"action": "hide_reports", "_selected_action": [spam.pk]})
    assert ModerationAction.objects.count() == 1

    client.post(CHANGELIST, {"action": "show_reports", "_selected_action": [spam.pk]})
    spam.refresh_from_db()
    assert not spam.is_hidden
    shown = ModerationAction.objects.exclude(pk=audit.pk).get()
    assert (shown.moderator, shown.action) == (moderator, ModerationAction.Kind.RESTORE)
    assert (shown.target_type, shown.target_id) == ("interviewreport", spam.pk)


def test_hiding_several_reports_audits_each_one(client, moderator, reports):
    client.force_login(moderator)
    pks = [report.pk for report in reports]
    response = client.post(
        CHANGELIST, {"action": "hide_reports", "_selected_action": pks}, follow=True
    )
    assert "2 reports hidden." in response.content.decode()
    audited = ModerationAction.objects.filter(
        action=ModerationAction.Kind.HIDE, target_type="interviewreport"
    )
    assert sorted(audited.values_list("target_id", flat=True)) == sorted(pks)


def test_a_moderator_cannot_edit_or_delete_a_report(client, moderator, reports):
    client.force_login(moderator)
    report = reports[0]
    change = reverse("admin:study_interviewreport_change", args=[report.pk])
    response = client.post(change, {"company": "Edited", "is_hidden": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.company, report.is_hidden) == ("Acme", True)
    audit = ModerationAction.objects.get()  # hiding through the form is audited too
    assert (audit.moderator, audit.action) == (moderator, ModerationAction.Kind.HIDE)
    assert (audit.target_type, audit.target_id) == ("interviewreport", report.pk)
    delete = reverse("admin:study_interviewreport_delete", args=[report.pk])
    assert client.get(delete).status_code == 403
    assert InterviewReport.objects.count() == 2


def test_the_moderators_group_keeps_the_report_permissions():
    """Later migrations and accounts.services.moderators_group() set the group's
    permissions from accounts.permissions.MODERATOR_PERMISSIONS: it must list
    ("study", "interviewreport", ("view", "change")) too."""
    codenames = set(moderators_group().permissions.values_list("codename", flat=True))
    assert {"view_interviewreport", "change_interviewreport"} <= codenames
    assert "delete_interviewreport" not in codenames


def test_hiding_a_report_renews_the_cached_question_page(
    client, moderator, reports, settings, django_capture_on_commit_callbacks
):
    settings.MLQA_PAGE_CACHE_SECONDS = 300
    url = reports[0].question.get_absolute_url()
    assert "Asked in 2 interviews" in Client().get(url).content.decode()  # now cached
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "hide_reports", "_selected_action": [reports[1].pk]})
    page = Client().get(url).content.decode()
    assert "Asked in 1 interview" in page
    assert "Buy cheap pills" not in page


def test_only_a_moderator_hides_reports(member, reports):
    with pytest.raises(PermissionDenied):
        study_services.set_reports_hidden(moderator=member, report_ids=[reports[1].pk], hidden=True)
    reports[1].refresh_from_db()
    assert not reports[1].is_hidden
    assert not ModerationAction.objects.exists()
