"""Fixtures shared by the study tests."""

import pytest

from tests.factories import VerifiedUserFactory


@pytest.fixture
def member(db):
    """alice, with her e-mail verified as signing up requires: her reports count."""
    return VerifiedUserFactory(username="alice")


@pytest.fixture
def other_member(db):
    return VerifiedUserFactory(username="bob")


@pytest.fixture
def alice(client, member):
    """The member ``alice``, signed in on ``client``."""
    client.force_login(member)
    return member
