"""Vectors and related questions computed in the background after every change
of a question's text (or of its best answer): the task runs on the worker, or
at once where the tasks backend is the immediate one."""

import logging
from collections.abc import Iterable

from django.db import transaction

from mlqa_site.background import retrying

from . import store
from .model import enabled

logger = logging.getLogger(__name__)


@retrying
def embed_and_relate(question_ids: list[int]) -> int:
    """Embed these questions (those whose text changed), then store their related
    questions and those of their neighbours, which may now list them (or no
    longer: a question hidden). Returns how many vectors changed."""
    changed = store.embed_questions(question_ids)
    ids = set(question_ids)
    store.refresh_related(ids)
    # Their neighbours now, and the questions that listed them before.
    store.refresh_related(store.neighbours_of(ids) - ids)
    return len(changed)


def schedule(question_ids: Iterable[int]) -> None:
    """Queue ``embed_and_relate`` for these questions once the transaction commits."""
    ids = sorted(set(question_ids))
    if not ids or not enabled():
        return
    transaction.on_commit(lambda: embed_and_relate.enqueue(ids), robust=True)
