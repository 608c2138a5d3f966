import pytest
from allauth.account.models import EmailAddress

from notifications.models import Notification
from tests.factories import AnswerFactory, QuestionFactory, UserFactory


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what the action queued for after its commit (the tests' transaction
    never commits): ``with after_commit(): action()``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def asker(db):
    return UserFactory(username="asker")


@pytest.fixture
def question(asker):
    return QuestionFactory(submitted_by=asker)


@pytest.fixture
def answerer(db):
    return UserFactory(username="answerer")


@pytest.fixture
def answer(question, answerer):
    return AnswerFactory(question=question, author=answerer)


def verified(user, address=None):
    EmailAddress.objects.create(user=user, email=address or user.email, verified=True, primary=True)
    return user


def inbox(user) -> list[tuple[str, int | None]]:
    """(event, actor id) of each of the member's notifications, oldest first."""
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values_list("event", "actor_id")
    )
