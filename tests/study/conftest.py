"""Fixtures shared by the study tests."""

import pytest


@pytest.fixture
def alice(client, member):
    """The member ``alice``, signed in on ``client``."""
    client.force_login(member)
    return member
