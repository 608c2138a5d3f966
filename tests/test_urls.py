"""Addresses under questions/ are served by three apps; the question's own page
(``questions/<id>/<slug>/``) must not shadow the others, and the pages read
most are found without trying every other pattern first."""

import pytest
from django.urls import get_resolver, resolve, reverse


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "home"),
        ("/questions/ask/", "ask"),
        ("/questions/similar/", "similar_questions"),
        ("/questions/7/answers/", "answer_create"),
        ("/questions/7/comments/", "question_comments"),
        ("/questions/7/bookmark/", "bookmark_toggle"),
        ("/questions/7/asked/", "question_asked"),
        ("/questions/7/follow/", "follow_question"),
        ("/questions/7/", "question_detail_noslug"),
        ("/questions/7/why-does-dropout-help/", "question_detail"),
        ("/topics/statistics/follow/", "follow_topic"),
        ("/bookmarks/", "bookmarks"),
    ],
)
def test_each_address_reaches_the_view_that_serves_it(path, name):
    assert resolve(path).url_name == name
    assert reverse(name, kwargs=resolve(path).kwargs) == path


def test_the_list_and_the_question_pages_come_first():
    first = [str(pattern.pattern) for pattern in get_resolver().url_patterns[:2]]
    assert first == ["", "questions/"]
