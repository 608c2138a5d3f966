from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import ModeratorFactory, UserFactory


@pytest.fixture
def member(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_member(db):
    return UserFactory(username="bob")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(username="mod")


@pytest.fixture
def demo_data(db):
    call_command("load_demo", stdout=StringIO())
