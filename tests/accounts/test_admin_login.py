"""The admin has no log-in form of its own: staff sign in on the site's page,
which counts failed attempts (Django's admin form does not)."""

from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


def test_the_admin_login_sends_visitors_to_the_sites_login_page(client, db):
    response = client.get("/admin/", follow=True)
    login = urlsplit(response.redirect_chain[-1][0])
    assert login.path == reverse("account_login")
    assert parse_qs(login.query)["next"] == ["/admin/"]
    assert response.status_code == 200


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()

    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.username, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert client.get("/admin/").status_code == 302, "still signed out"


def test_staff_signed_in_on_the_site_reach_the_admin_through_its_login_link(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    login = client.get("/admin/", follow=True).redirect_chain[-1][0]

    response = client.post(login, {"login": staff.username, "password": PASSWORD}, follow=True)

    assert response.request["PATH_INFO"] == "/admin/"
    assert response.status_code == 200
    assert "MLQA moderation" in response.text


def test_a_signed_in_member_who_is_not_staff_is_refused(client, db):
    client.force_login(UserFactory())
    assert client.get("/admin/login/").status_code == 403
