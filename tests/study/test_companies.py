"""Issue 17, "Company and frequency": company names normalised and merged by
moderators' aliases, the list's report filters and frequency windows, held
reports, the rate limit on reports, and the company page."""

import importlib
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from study import services as study_services
from study.models import Company, CompanyAlias, InterviewReport
from tests.factories import QuestionFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock: ``clock.at(datetime)`` sets it (report times included)."""

    class Clock:
        def at(self, moment: datetime) -> None:
            monkeypatch.setattr(timezone, "now", lambda: moment)

    clock = Clock()
    clock.at(T0)
    return clock


def report(question, *, company="", level="", user=None, year=2026):
    return study_services.report_asked(
        user=user or VerifiedUserFactory(),
        question=question,
        company=company,
        level=level,
        year=year,
    )


def page_titles(response) -> list[str]:
    return [q.title for q in response.context["page"].object_list]


# --- Names ----------------------------------------------------------------------------


def test_names_differing_by_case_and_spacing_are_one_company(clock):
    question = QuestionFactory()
    first = report(question, company="Deep  Mind")
    second = report(question, company=" deep mind ")
    assert first.company_ref == second.company_ref
    company = first.company_ref
    assert (company.name, company.slug, company.key) == ("Deep Mind", "deep-mind", "deep mind")
    assert (first.company, second.company) == ("Deep Mind", "deep mind")  # as typed
    assert report(question, company="").company_ref is None


def test_a_moderators_alias_merges_a_company_and_catches_later_reports(client, moderator, clock):
    question = QuestionFactory(title="Explain dropout")
    report(question, company="Meta")
    facebook = report(question, company="facebook").company_ref
    assert Company.objects.count() == 2
    meta = Company.objects.get(key="meta")
    client.force_login(moderator)
    response = client.post(
        reverse("admin:study_companyalias_add"),
        {"name": "FaceBook", "company": meta.pk},
        follow=True,
    )
    assert "1 report now count for Meta." in unescape(response.content.decode())
    assert list(Company.objects.values_list("name", flat=True)) == ["Meta"]
    assert client.get(f"/companies/{facebook.slug}/").status_code == 404
    assert report(question, company=" Facebook ").company_ref == meta
    page = client.get(meta.get_absolute_url()).content.decode()
    assert "Reported by 3 members" in page
    # Another alias with the same name, or the company's own name, is refused.
    for name in ("facebook", "meta"):
        response = client.post(
            reverse("admin:study_companyalias_add"), {"name": name, "company": meta.pk}
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["name"]
    assert CompanyAlias.objects.count() == 1


def test_the_data_migration_maps_existing_names_and_reverses(clock):
    migration = importlib.import_module("study.migrations.0002_companies")
    question = QuestionFactory()
    rows = [
        InterviewReport.objects.create(
            user=UserFactory(), question=question, year=2025, company=name
        )
        for name in ("Acme", " acme", "Initech", "")
    ]
    migration.unmap_company_names(apps, None)
    Company.objects.all().delete()
    migration.map_company_names(apps, None)
    refs = [InterviewReport.objects.get(pk=r.pk).company_ref for r in rows]
    assert [c and c.name for c in refs] == ["Acme", "Acme", "Initech", None]
    migration.unmap_company_names(apps, None)
    assert not InterviewReport.objects.filter(company_ref__isnull=False).exists()
    assert InterviewReport.objects.get(pk=rows[1].pk).company == " acme"


# --- The list's filters and windows ------------------------------------------------------


def test_frequency_windows_filter_and_sort_the_list(client, clock):
    meta_q = QuestionFactory(title="Asked at Meta lately")
    old_q = QuestionFactory(title="Asked at Meta long ago")
    other = QuestionFactory(title="Asked elsewhere")
    QuestionFactory(title="Never asked")
    for days, question, company, level in [
        (10, meta_q, "Meta", "senior"),
        (20, meta_q, "Meta", "junior"),
        (60, old_q, "Meta", "senior"),
        (200, old_q, "Meta", "senior"),
        (300, old_q, "meta", "senior"),
        (400, old_q, "Meta", "senior"),
        (5, other, "Initech", "senior"),
    ]:
        clock.at(T0 - timedelta(days=days))
        report(question, company=company, level=level, year=2025)
    clock.at(T0)

    def titles(**params):
        return page_titles(client.get("/", params))

    assert titles(company="meta", sort="asked") == [old_q.title, meta_q.title]  # 4 to 2
    assert titles(company="meta", asked_within="30") == [meta_q.title]
    assert titles(company="meta", asked_within="90", sort="asked") == [meta_q.title, old_q.title]
    assert titles(company="meta", asked_within="365", sort="asked") == [old_q.title, meta_q.title]
    assert titles(level="junior") == [meta_q.title]
    assert titles(asked_within="30", sort="asked") == [meta_q.title, other.title]
    response = client.get("/", {"company": "meta", "asked_within": "90", "sort": "asked"})
    assert "Reported 2\N{MULTIPLICATION SIGN} for these filters" in response.content.decode()


def test_bad_report_filters_say_so(client):
    response = client.get("/", {"company": "nowhere", "asked_within": "7"})
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "There is no company “nowhere”: showing every company." in html
    assert "There is no period “7”: showing every period." in html


def test_the_list_filtered_by_company_links_the_company_page_and_back(client, clock):
    question = QuestionFactory(title="Why batch norm?")
    meta = report(question, company="Meta").company_ref
    page = client.get(meta.get_absolute_url()).content.decode()
    link = re.search(r'<a href="([^"]+)">Filter the question list by Meta</a>', page).group(1)
    response = client.get(unescape(link))
    assert page_titles(response) == ["Why batch norm?"]
    html = response.content.decode()
    assert f'Reported at <a href="{meta.get_absolute_url()}">Meta</a>' in html
    assert '<input type="hidden" name="company" value="meta"' in html  # kept by the form
    # The question page's "asked at" links the company page too.
    question_page = client.get(question.get_absolute_url()).content.decode()
    assert f'at <a href="{meta.get_absolute_url()}">Meta</a>' in question_page


# --- Held reports and the rate limit ----------------------------------------------------


def test_a_report_from_an_unverified_member_counts_nowhere_until_approved(client, moderator, clock):
    question = QuestionFactory(title="What is a p-value?")
    unverified = UserFactory(username="newbie")
    client.force_login(unverified)
    response = client.post(
        f"/questions/{question.pk}/asked/", {"company": "Acme", "year": "2026"}, follow=True
    )
    assert "counts once a moderator has checked it" in response.content.decode()
    held = InterviewReport.objects.get()
    assert held.is_held
    acme = held.company_ref
    assert (
        "Nobody has reported being asked this"
        in client.get(question.get_absolute_url()).content.decode()
    )
    assert "Reported by" not in client.get(acme.get_absolute_url()).content.decode()
    assert page_titles(client.get("/", {"company": "acme"})) == []

    client.force_login(moderator)
    changelist = reverse("admin:study_interviewreport_changelist")
    held_list = client.get(changelist, {"is_held__exact": "1"})
    assert held_list.context["cl"].result_count == 1
    response = client.post(
        changelist, {"action": "approve_reports", "_selected_action": [held.pk]}, follow=True
    )
    assert "1 report approved." in response.content.decode()
    assert "Asked in 1 interview" in client.get(question.get_absolute_url()).content.decode()
    assert "Reported by 1 member" in client.get(acme.get_absolute_url()).content.decode()
    assert page_titles(client.get("/", {"company": "acme"})) == ["What is a p-value?"]


def test_reports_are_rate_limited_with_a_readable_429(client, settings):
    settings.MLQA_RATE_LIMITS = {"report": (2, 3600)}
    client.force_login(VerifiedUserFactory())
    questions = [QuestionFactory() for _ in range(3)]
    for question in questions[:2]:
        assert client.post(f"/questions/{question.pk}/asked/", {"year": "2025"}).status_code == 302
    response = client.post(f"/questions/{questions[2].pk}/asked/", {"year": "2025"})
    assert response.status_code == 429
    assert "limit of 2 interview reports per hour" in response.content.decode()
    response = client.post(
        f"/questions/{questions[2].pk}/asked/", {"year": "2025"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 429
    assert 'id="asked"' in response.content.decode()  # the report box, with the message
    assert InterviewReport.objects.count() == 2


# --- The company page ---------------------------------------------------------------------


def test_the_company_page_lists_most_reported_first_with_levels_and_years(client, clock):
    once = QuestionFactory(title="Asked once")
    thrice = QuestionFactory(title="Asked three times")
    QuestionFactory(title="Asked elsewhere")
    reporter = VerifiedUserFactory(username="private-person")
    report(once, company="Hooli", level="staff", year=2024)
    report(thrice, company="Hooli", level="senior", year=2025, user=reporter)
    report(thrice, company="hooli", level="junior", year=2026)
    report(thrice, company="Hooli", year=2023)
    hidden = report(thrice, company="Hooli", level="intern")
    InterviewReport.objects.filter(pk=hidden.pk).update(is_hidden=True)
    response = client.get("/companies/hooli/")
    assert page_titles(response) == ["Asked three times", "Asked once"]
    html = response.content.decode()
    assert "Reported by 3 members" in html
    assert "Levels: Junior, Senior" in html  # not the hidden report's intern
    assert "Years: 2026, 2025, 2023" in html
    assert "Reported by 1 member</span>" in html
    assert "private-person" not in html
    assert client.get("/companies/nowhere/").status_code == 404


@pytest.mark.parametrize("data_size", [2, 20])
def test_the_company_page_costs_the_same_queries_whatever_its_size(client, clock, data_size):
    for n in range(data_size):
        question = QuestionFactory()
        report(question, company="Hooli", level="senior", year=2020 + n % 6)
        report(question, company="Hooli", level="staff")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/companies/hooli/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == data_size
    # The company, the count, the page's questions, their levels and years.
    assert len(queries) == 4


def test_moderators_search_companies_and_aliases_in_the_admin(client, moderator, clock):
    meta = report(QuestionFactory(), company="Meta").company_ref
    CompanyAlias.objects.create(company=meta, name="Facebook", key="facebook")
    client.force_login(moderator)
    companies = client.get(reverse("admin:study_company_changelist"), {"q": "facebook"})
    assert [c.name for c in companies.context["cl"].result_list] == ["Meta"]
    assert companies.context["cl"].result_list[0].report_total == 1
    aliases = client.get(reverse("admin:study_companyalias_changelist"), {"q": "meta"})
    assert aliases.context["cl"].result_count == 1
    change = client.get(reverse("admin:study_company_change", args=[meta.pk]))
    assert "Facebook" in change.content.decode()
    renamed = client.post(
        reverse("admin:study_company_change", args=[meta.pk]), {"name": "facebook", "slug": "meta"}
    )
    assert "alias of Meta" in unescape(renamed.content.decode())


def test_the_api_filters_by_company_and_period_as_the_list_does(client, clock):
    asked = QuestionFactory(title="Asked at Meta")
    QuestionFactory(title="Not asked")
    report(asked, company="Meta", level="senior")
    response = client.get("/api/v1/questions?company=meta&asked_within=30&level=senior")
    assert [q["title"] for q in response.json()["items"]] == ["Asked at Meta"]
    response = client.get("/api/v1/questions?company=nowhere")
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No company with this slug."},
    )
    assert client.get("/api/v1/questions?asked_within=7").status_code == 422
