import pytest

from api import tokens


@pytest.fixture
def token(member):
    """A live personal access token of ``member`` (alice): its secret."""
    return tokens.create_token(user=member, name="flashcards").secret


@pytest.fixture
def other_token(other_member):
    return tokens.create_token(user=other_member, name="bob's script").secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
