"""schema.org ``QAPage`` JSON-LD for a question page, for search engines.

Built from what the page has already loaded (the question with its source and
submitter, the ranked published answers with their authors): no query of its
own. The accepted answer is the moderator's pick (featured) or else the best
ranked verified answer; every other answer is a suggested one.

The JSON goes into ``<script type="application/ld+json">``. Like Django's
``json_script``, ``<``, ``>`` and ``&`` are written as ``\\u003C``, ``\\u003E``
and ``\\u0026``: the same JSON to a parser, and no text a member wrote can end
the script element or open a comment in it.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from questions.models import Answer, Question, Status, Verification

_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json_script(data: dict[str, Any]) -> SafeString:
    """``data`` as a JSON-LD script element, safe to put in HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def accepted_answer(answers: list[Answer]) -> Answer | None:
    """The featured answer, or else the best ranked verified one (``answers`` are
    in the page's ranking, featured first)."""
    for answer in answers:
        if answer.is_featured or answer.verification == Verification.VERIFIED:
            return answer
    return None


def _author(answer: Answer, request: HttpRequest) -> dict[str, str] | None:
    if answer.ai_model:
        return {"@type": "Organization", "name": f"{answer.ai_model} (AI-generated)"}
    if answer.author is None:
        return None
    return {
        "@type": "Person",
        "name": answer.author.public_name,
        "url": request.build_absolute_uri(answer.author.get_absolute_url()),
    }


def _answer(answer: Answer, page_url: str, request: HttpRequest) -> dict[str, Any]:
    data = {
        "@type": "Answer",
        "text": answer.body,
        "url": f"{page_url}#answer-{answer.pk}",
        "upvoteCount": answer.score,
        "dateCreated": answer.created_at,
        "dateModified": answer.updated_at,
    }
    author = _author(answer, request)
    if author:
        data["author"] = author
    return data


def _question_author(question: Question, request: HttpRequest) -> dict[str, str] | None:
    if question.submitted_by is not None:
        member = question.submitted_by
        return {
            "@type": "Person",
            "name": member.public_name,
            "url": request.build_absolute_uri(member.get_absolute_url()),
        }
    if question.source is not None:
        return {"@type": "Organization", "name": question.source.name}
    return None


def qa_page(question: Question, answers: list[Answer], request: HttpRequest) -> dict | None:
    """The QAPage of a published question with at least one answer (search
    engines take no QAPage without one); None otherwise."""
    if question.status != Status.PUBLISHED or not answers:
        return None
    page_url = request.build_absolute_uri(question.get_absolute_url())
    accepted = accepted_answer(answers)
    entity: dict[str, Any] = {
        "@type": "Question",
        "name": question.title,
        "text": question.body or question.title,
        "answerCount": len(answers),
        "dateCreated": question.created_at,
        "url": page_url,
    }
    author = _question_author(question, request)
    if author:
        entity["author"] = author
    if accepted is not None:
        entity["acceptedAnswer"] = _answer(accepted, page_url, request)
    suggested = [_answer(a, page_url, request) for a in answers if a is not accepted]
    if suggested:
        entity["suggestedAnswer"] = suggested
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": entity}


def qa_page_script(question: Question, answers: list[Answer], request: HttpRequest) -> str:
    """The page's JSON-LD script element, or nothing."""
    data = qa_page(question, answers, request)
    return ld_json_script(data) if data else ""
