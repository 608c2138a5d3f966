# ruff: noqa: RUF001, RUF003 (look-alike letters are what these tests are about)
"""Names that cannot pass for someone else: usernames are stored NFKC-normalised and
compared ignoring case with the members' and the reserved names; display names
carry no invisible formatting characters."""

import pytest
from allauth.socialaccount.models import SocialLogin
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import reverse

from accounts.adapters import SocialAccountAdapter
from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
SETTINGS = reverse("profile_settings")

pytestmark = pytest.mark.django_db


def sign_up(client, username):
    return client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@example.com",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.mark.parametrize(
    "username",
    [
        "ｍｏｄｅｒａｔｏｒ",  # fullwidth
        "Moderator",
        "ＡＤＭＩＮ",  # fullwidth capitals
        "ｍｌｑａ",
        "ᵃdmin",  # modifier letter small a
        "ｄｅｌｅｔｅｄ-7",
    ],
)
def test_look_alikes_of_reserved_names_are_refused_at_sign_up(client, username):
    response = sign_up(client, username)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This username is reserved" in html or "are reserved" in html
    assert not User.objects.exists()


def test_a_name_mixing_latin_with_cyrillic_letters_is_refused(client):
    response = sign_up(client, "m\u043ederator")  # a Cyrillic "о" in the middle
    assert response.status_code == 200
    assert "letters of one alphabet" in response.content.decode()
    assert not User.objects.exists()
    # One alphabet alone is fine.
    assert sign_up(client, "\u043c\u0430\u0448\u0430").status_code == 302


@pytest.mark.parametrize("username", ["Alice", "ALICE", "ａｌｉｃｅ", "Ａｌｉｃｅ"])
def test_a_name_differing_from_a_member_only_in_case_or_width_is_taken(client, username):
    UserFactory(username="alice")
    response = sign_up(client, username)
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_a_fullwidth_name_is_stored_normalised(client):
    assert sign_up(client, "ｃａｒｏｌ＿９").status_code == 302
    assert User.objects.get().username == "carol_9"


def test_a_social_sign_up_stores_the_provider_username_normalised():
    user = SocialAccountAdapter().populate_user(
        RequestFactory().get("/"), SocialLogin(user=User()), {"username": "ｏｃｔｏｃａｔ"}
    )
    assert user.username == "octocat"


def test_the_database_refuses_a_second_name_differing_only_in_case():
    UserFactory(username="alice")
    with pytest.raises(IntegrityError):
        User.objects.create(username="ALICE")


def test_a_superuser_renaming_a_member_to_a_taken_name_in_the_admin_gets_an_error(client):
    UserFactory(username="alice")
    bob = UserFactory(username="bob")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    url = reverse("admin:accounts_user_change", args=[bob.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in {**form.initial, "username": "ALICE"}.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    bob.refresh_from_db()
    assert bob.username == "bob"


@pytest.mark.parametrize(
    "character",
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200e", "\ufeff", "\u2028"],
)
def test_a_display_name_with_invisible_formatting_is_refused(client, member, character):
    client.force_login(member)
    response = client.post(SETTINGS, {"display_name": f"Mallory{character}gnp.exe", "bio": "Hi."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Display names cannot contain invisible characters" in html
    assert f"U+{ord(character):04X}" in html
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Alice", "")


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ä. Ørsted",
        "محمد",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian, with a zero-width non-joiner
        "\U0001f469\u200d\U0001f4bb Ada",  # an emoji sequence joined by a zero-width joiner
    ],
)
def test_display_names_in_any_script_and_emoji_sequences_are_fine(client, member, name):
    client.force_login(member)
    response = client.post(SETTINGS, {"display_name": name, "bio": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == name


def test_a_social_sign_up_drops_invisible_characters_from_the_display_name():
    user = SocialAccountAdapter().populate_user(
        RequestFactory().get("/"), SocialLogin(user=User()), {"name": "Eve\u202e \u200bAdams"}
    )
    assert user.display_name == "Eve Adams"
