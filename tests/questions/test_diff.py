"""Diffs between versions of an answer: as before on ordinary edits, bounded on any input.

Speed is measured in benchmarks, not here: these tests count the work of
difflib's searches instead, with their own count (not questions.diff's), and
stop a runaway comparison at once rather than waiting for it.
"""

import bisect
import difflib
import html
import random
import re
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questions import diff, services
from questions.collection import parse_document
from questions.models import Answer, AnswerRevision
from tests.factories import AIAnswerFactory, AnswerFactory

BOMB_OLD, BOMB_NEW = "a b " * 5000, "b a " * 5000
STEP_CAP = 2 * diff.WORK_BUDGET


class TooMuchWork(AssertionError):
    pass


@pytest.fixture
def search_steps(monkeypatch):
    """Steps of SequenceMatcher's longest-match searches, counted as its loop runs them.

    For each token of ``a`` in the range, the loop visits that token's
    positions in ``b`` up to ``bhi``. Past STEP_CAP the comparison is stopped.
    """
    steps = []
    original = difflib.SequenceMatcher.find_longest_match

    def counted(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        positions = self.b2j
        steps.append(
            sum(1 + bisect.bisect_left(positions.get(self.a[i], ()), bhi) for i in range(alo, ahi))
        )
        if sum(steps) > STEP_CAP:
            raise TooMuchWork(f"more than {STEP_CAP:,} steps of SequenceMatcher searches")
        return original(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", counted)
    return steps


def _reference_word_diff(old: str, new: str) -> str:
    """The word diff as it was before diffs had a budget: plain SequenceMatcher."""
    a = re.findall(r"\s+|[^\s]+", old.replace("\r\n", "\n"))
    b = re.findall(r"\s+|[^\s]+", new.replace("\r\n", "\n"))
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(html.escape("".join(a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{html.escape(''.join(a[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{html.escape(''.join(b[b1:b2]))}</ins>")
    return "".join(parts)


def _sides(diff_html: str) -> tuple[str, str]:
    """The old and the new text, read back from a diff's HTML."""
    old = re.sub(r"<ins>.*?</ins>", "", diff_html, flags=re.DOTALL)
    new = re.sub(r"<del>.*?</del>", "", diff_html, flags=re.DOTALL)
    strip = re.compile(r"</?(?:ins|del)>")
    return html.unescape(strip.sub("", old)), html.unescape(strip.sub("", new))


# Few distinct words, so that texts repeat themselves as the hard cases do.
small_text = st.lists(
    st.sampled_from(["a", "b", "loss", "<b>", "&", " ", "  ", "\n", "\r\n", "\n\n"]), max_size=40
).map("".join)


@pytest.mark.once
@settings(max_examples=300, deadline=None)
@given(old=small_text, new=small_text)
def test_ordinary_edits_diff_exactly_as_before(old, new):
    result = diff.compare(old, new)
    assert result.html == _reference_word_diff(old, new)
    assert not result.coarse


def test_a_small_edit_shows_the_words_that_changed():
    result = diff.compare("Use L2 regularisation.", "Use L1 regularisation for sparsity.")
    assert result.html == (
        "Use <del>L2</del><ins>L1</ins> <del>regularisation.</del>"
        "<ins>regularisation for sparsity.</ins>"
    )
    assert diff.compare("x < y", "x > y").html == "x <del>&lt;</del><ins>&gt;</ins> y"


line = st.lists(st.sampled_from(["a", "b", "loss", "<b>", "&", " ", "  ", "\t"]), max_size=12)


@st.composite
def edited_texts(draw) -> tuple[str, str]:
    """A text of lines and a copy with a few lines changed, added or removed."""
    old = draw(st.lists(line.map("".join), max_size=25))
    new = list(old)
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(new)))
        kind = draw(st.sampled_from(["change", "add", "remove"]))
        if kind == "add" or not new:
            new.insert(at, draw(line.map("".join)))
        elif kind == "change":
            new[min(at, len(new) - 1)] = draw(line.map("".join))
        else:
            del new[min(at, len(new) - 1)]
    separator = draw(st.sampled_from(["\n", "\r\n", "\n\n", " "]))
    return separator.join(old), separator.join(new)


@pytest.mark.once
@settings(max_examples=400, deadline=None)
@given(
    texts=st.one_of(st.tuples(small_text, small_text), edited_texts()),
    budget=st.integers(min_value=0, max_value=12).map(lambda k: (1 << k) - 1),
    block_steps=st.sampled_from([1, diff._BLOCK_STEPS]),
)
def test_every_fallback_still_shows_both_versions_exactly(texts, budget, block_steps):
    """However little may be compared, removed + kept reads as the old text and
    added + kept as the new one. (Blocks made cheap, so that small texts reach the
    line-by-line fallback too.)"""
    old, new = texts
    with mock.patch.object(diff, "_BLOCK_STEPS", block_steps):
        result = diff.compare(old, new, budget=budget)
    assert _sides(result.html) == (old.replace("\r\n", "\n"), new.replace("\r\n", "\n"))


def _prose(chars: int, seed: int) -> str:
    rng = random.Random(seed)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(900)
    ]
    out, size, index = [], 0, 0
    while size < chars:
        index += 1
        word = rng.choice(words) + (".\n\n" if index % 40 == 0 else " ")
        out.append(word)
        size += len(word)
    return "".join(out)[:chars]


PROSE = _prose(100_000, seed=1)
ADVERSARIAL = {
    "alternating words swapped": (BOMB_OLD, BOMB_NEW),
    "100 kB of alternating words swapped": ("a b " * 25_000, "b a " * 25_000),
    "one word repeated, one changed": ("a " * 50_000, "a " * 25_000 + "b " + "a " * 24_999),
    "one 100 kB line, words reversed": (
        PROSE.replace("\n", " "),
        " ".join(reversed(PROSE.replace("\n", " ").split(" "))),
    ),
    "50,000 equal lines": ("a\n" * 50_000, "b\na\n" * 25_000),
    "50,000 lines each changed": ("a\n" * 50_000, "b\n" * 50_000),
    "12,000 words each changed": (
        " ".join(f"w{i} x" for i in range(12_000)),
        " ".join(f"w{i} y" for i in range(12_000)),
    ),
    "100 kB of prose, a word changed every 40": (
        PROSE,
        " ".join("CHANGED" if i % 40 == 7 else w for i, w in enumerate(PROSE.split(" "))),
    ),
    "100 kB of prose, rewritten": (PROSE, _prose(100_000, seed=2)),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_work_is_bounded_whatever_the_texts(name, search_steps):
    old, new = ADVERSARIAL[name]
    result = diff.compare(old, new)
    assert sum(search_steps) <= STEP_CAP
    assert _sides(result.html) == (old, new)  # what changed is still all there


def test_the_bomb_is_shown_whole_and_marked_as_too_large(search_steps):
    result = diff.compare(BOMB_OLD, BOMB_NEW)
    assert result.coarse
    # Nothing in common: everything removed, then added.
    assert result.html == f"<del>{BOMB_OLD}</del><ins>{BOMB_NEW}</ins>"


def test_a_long_answer_edited_in_places_is_still_compared_word_by_word(search_steps):
    """Past what one word-by-word pass can afford, lines are compared first, then the
    words of each changed line: the reader still sees exactly which words changed."""
    old = _prose(20_000, seed=3)
    paragraphs = old.split("\n\n")
    edited = list(paragraphs)
    for index in (2, 9, 20):
        words = edited[index].split(" ")
        words[5] = "EDITED"
        edited[index] = " ".join(words)
    new = "\n\n".join(edited)
    result = diff.compare(old, new)
    assert sum(search_steps) <= STEP_CAP
    assert not result.coarse
    assert result.html.count("<ins>EDITED</ins>") == 3
    assert result.html.count("<del>") == 3


# --- The history page ------------------------------------------------------------


@pytest.mark.django_db
def test_history_of_the_bomb_answer_compares_nothing_and_shows_the_change(client, search_steps):
    answer = AIAnswerFactory(body=BOMB_OLD)
    services.revise_answer(answer=answer, body=BOMB_NEW)  # the diff is stored here, bounded
    assert sum(search_steps) <= STEP_CAP
    search_steps.clear()

    response = client.get(f"/answers/{answer.pk}/history/")
    assert response.status_code == 200
    assert search_steps == []  # nothing compared on a visitor's view
    page = response.content.decode()
    assert "Too large to compare word by word" in page
    assert f"<del>{BOMB_OLD}</del><ins>{BOMB_NEW}</ins>" in page


@pytest.mark.django_db
def test_history_computes_missing_diffs_once_and_stores_them(client, search_steps):
    answer = AnswerFactory(body="Use L2 regularisation.")
    services.revise_answer(answer=answer, body="Use L1 regularisation.")
    services.revise_answer(answer=answer, body="Use L1 regularisation for sparsity.")
    # As rows made before diffs were stored.
    AnswerRevision.objects.update(diff_html="", diff_base=None)
    search_steps.clear()

    page = client.get(f"/answers/{answer.pk}/history/").content.decode()
    assert "Use <del>L2</del><ins>L1</ins> regularisation." in page
    assert "Use L1 <del>regularisation.</del><ins>regularisation for sparsity.</ins>" in page
    assert search_steps
    stored = dict(AnswerRevision.objects.values_list("number", "diff_base"))
    assert stored == {1: 0, 2: 1, 3: 2}

    search_steps.clear()
    again = client.get(f"/answers/{answer.pk}/history/").content.decode()
    assert search_steps == []
    assert "Use L1 <del>regularisation.</del><ins>regularisation for sparsity.</ins>" in again

    # A revision deleted (say, by a moderator in the admin): the next one is
    # compared again, with the revision now before it.
    AnswerRevision.objects.filter(answer=answer, number=2).delete()
    page = client.get(f"/answers/{answer.pk}/history/").content.decode()
    assert (
        "Use <del>L2</del><ins>L1</ins> <del>regularisation.</del>"
        "<ins>regularisation for sparsity.</ins>"
    ) in page
    assert AnswerRevision.objects.get(answer=answer, number=3).diff_base == 1


@pytest.mark.django_db
def test_imports_leave_diffs_to_the_first_view_of_the_history(client):
    """A bulk import does not compare thousands of answers: each history page
    compares its new revisions once, when first shown."""

    def collection(answer: str):
        text = (
            "| Question | Source | ChatGPT |\n|---|---|---|\n"
            f"| What does L1 regularisation do to the weights? | | {answer} |\n"
        )
        return parse_document(text, "collection.md")

    services.import_collection(collections=[collection("L1 makes weights sparse.")])
    services.import_collection(collections=[collection("L1 makes many weights zero.")])
    answer = Answer.objects.get()
    assert list(answer.revisions.values_list("number", "diff_base")) == [(1, None), (2, None)]

    page = client.get(f"/answers/{answer.pk}/history/").content.decode()
    assert "L1 makes <ins>many </ins>weights <del>sparse.</del><ins>zero.</ins>" in page
    assert list(answer.revisions.values_list("number", "diff_base")) == [(1, 0), (2, 1)]


@pytest.mark.django_db
def test_edits_store_their_diff_against_the_revision_before(member):
    answer = AnswerFactory(author=member, body="Use L2 regularisation.")
    first = answer.revisions.get()
    assert (first.diff_base, first.diff_html) == (0, "<ins>Use L2 regularisation.</ins>")
    revision = services.edit_answer(user=member, answer=answer, body="Use L1 regularisation.")
    revision.refresh_from_db()
    assert revision.diff_base == 1
    assert revision.diff_html == "Use <del>L2</del><ins>L1</ins> regularisation."
    assert not revision.diff_coarse
    rollback = services.rollback_answer(user=member, answer=answer, number=1)
    rollback.refresh_from_db()
    assert (rollback.diff_base, rollback.diff_html) == (
        2,
        "Use <del>L1</del><ins>L2</ins> regularisation.",
    )
