"""A search can be sorted every way the list offers, on the site and in the API."""

import pytest

from questions.selectors import SORTS
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", list(SORTS))
def test_a_search_sorted_any_way_lists_its_match(client, sort):
    question = QuestionFactory(title="How would you publish a trained model?")
    page = client.get("/", {"q": "publish", "sort": sort})
    assert page.status_code == 200
    assert f'href="{question.get_absolute_url()}"' in page.content.decode()
    api = client.get("/api/v1/questions", {"q": "publish", "sort": sort})
    assert api.status_code == 200
    assert [item["title"] for item in api.json()["items"]] == [
        "How would you publish a trained model?"
    ]
