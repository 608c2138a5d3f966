"""Background tasks of the Q&A domain (run by `manage.py db_worker`)."""

from mlqa_site.background import retrying
from questions.models import Question
from questions.rerender import rerender_all
from questions.search import index_questions, is_postgres

BATCH = 2000


@retrying
def rebuild_search_index() -> int:
    """Recompute every question's search document (PostgreSQL; 0 on SQLite)."""
    if not is_postgres():
        return 0
    ids = list(Question.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        index_questions(ids[start : start + BATCH])
    return len(ids)


@retrying
def rerender_markdown() -> dict[str, int]:
    """Re-render every stored HTML field (questions.rerender), on the worker."""
    return rerender_all()
