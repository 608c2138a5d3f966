"""A member's question page: a cached shell around parts rendered for them.

Everything in ``questions/question_detail.html`` and ``base.html`` that
differs between readers is a partial placed with ``{% reader_part %}`` (the
body's CSRF header, the account menu, flash messages, the study tools, the
follow button, the comments' edit links and forms, the answers, the answer
form). The *shell* is the page rendered once with each part left as a mark:
the text between the marks, kept in this process (``caches["objects"]``) under the
question's generation and the address the page was asked for. A member's
request then renders only the parts, with their own request and context
(``{% csrf_token %}`` included), and joins them with the shell's text.

The mark is made afresh, at random, for each shell, so no stored text can
contain it; a shell whose marks do not split into the parts it placed is not
used. Nothing in a response is rewritten after it is rendered.
"""

import hashlib
import secrets
from collections.abc import Callable, Mapping

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.context import make_context
from django.template.loader import render_to_string

from questions.templatetags.reader_parts import (
    KEY_MARK,
    SHELL_MARK,
    render_part,
    render_part_utf8,
)

PAGE = "questions/question_detail.html"
# A request with other parameters gets a shell of its own, never kept (they may
# show in the page, e.g. the search box's ?q=).
SHELL_PARAMS = frozenset({"comments"})


def split(template_name: str, request: HttpRequest, context: dict) -> list[str] | None:
    """The page's text with its parts' names in between: [text, name, text, … text].
    None if the marks do not split into parts (the caller renders the page whole)."""
    mark = f"reader-part-{secrets.token_hex(16)}"
    shared = {
        **context,
        SHELL_MARK: mark,
        # Nothing outside the parts may depend on the reader: should a template
        # try, it gets a visitor's view and no token, never this member's.
        "user": AnonymousUser(),
        "csrf_token": "",
        "messages": (),
    }
    pieces = render_to_string(template_name, shared, request).split(mark)
    names = pieces[1::2]
    if len(pieces) % 2 == 0 or any("#" not in name and "/" not in name for name in names):
        return None
    return pieces


def _shell(request: HttpRequest, context: dict) -> list[str] | None:
    return split(PAGE, request, context)


def _joined(
    request: HttpRequest,
    template_name: str,
    pieces,
    context: dict,
    instances: Mapping[str, dict] | None,
    render: Callable,
) -> list:
    """The shell's text pieces with each part, rendered by ``render(context,
    name)`` (its text, or a list of chunks of it) in one context for the
    request (the context processors run once). A part placed with a key
    (``{% reader_part name key %}``, e.g. one per row of a list) is rendered
    with ``instances[key]`` added to that context."""
    engine = engines["django"].engine
    page = engine.get_template(template_name)
    template_context = make_context(context, request)
    out = []
    with template_context.render_context.push_state(page), template_context.bind_template(page):
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                out.append(piece)
                continue
            name, _, key = piece.partition(KEY_MARK)
            if not key:
                part = render(template_context, name)
            else:
                with template_context.push(instances[key]):
                    part = render(template_context, name)
            if isinstance(part, list):  # in chunks (the answers, encoded)
                out += part
            else:
                out.append(part)
    return out


def fill(
    request: HttpRequest,
    template_name: str,
    pieces: list[str],
    context: dict,
    *,
    instances: Mapping[str, dict] | None = None,
) -> str:
    """The shell's text joined with the reader's parts (see :func:`_joined`)."""
    return "".join(_joined(request, template_name, pieces, context, instances, render_part))


def encoded(pieces: list[str]) -> tuple:
    """A shell's pieces with its text encoded (UTF-8) and its parts' names as
    they are, for :func:`fill_utf8`."""
    return tuple(piece.encode() if n % 2 == 0 else piece for n, piece in enumerate(pieces))


def fill_utf8(request: HttpRequest, template_name: str, pieces: tuple, context: dict) -> bytes:
    """:func:`fill` for a shell kept :func:`encoded`: the page as the response's
    bytes. A page with a few characters beyond ASCII is a wide string in
    Python, and encoding a large one costs more than filling in its parts: the
    shell's text and the large parts (the answers) are kept encoded, and the
    small parts are encoded as they are rendered."""
    parts = _joined(request, template_name, pieces, context, None, render_part_utf8)
    return b"".join(parts)


def _shell_key(request: HttpRequest, question_id: int, generation: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
    return f"qshell:{question_id}:{generation}:{digest}"


def assemble(
    request: HttpRequest,
    question_id: int,
    generation: str,
    shell_context: dict | Callable[[], dict],
    context: dict,
    *,
    status: int = 200,
) -> HttpResponse:
    """The page for a member: the shell (cached per generation) and their parts.
    ``shell_context`` may be a function giving it, called only to make a shell."""
    keep = bool(generation) and all(name in SHELL_PARAMS for name in request.GET)
    key = _shell_key(request, question_id, generation) if keep else ""
    kept = caches["objects"]  # this process's, unpickled: bytes and names
    pieces = kept.get(key) if keep else None
    if pieces is None:
        if callable(shell_context):
            shell_context = shell_context()
        pieces = _shell(request, shell_context)
        if pieces is None:  # cannot happen with a fresh mark; render it whole then
            full = {**shell_context, **context}
            return HttpResponse(render_to_string(PAGE, full, request), status=status)
        pieces = encoded(pieces)
        if keep:
            kept.set(key, pieces, settings.MLQA_PAGE_CACHE_SECONDS)
    return HttpResponse(fill_utf8(request, PAGE, pieces, context), status=status)
