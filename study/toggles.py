"""A member's bookmark toggle: the one definition of its form.

``study/includes/bookmark_toggle.html`` draws it for members through the
``{% bookmark_form %}`` tag, and a question list draws each row's toggle with
:func:`row_toggle` (a registered reader part, ``questions.templatetags.
reader_parts``) without rendering a template per row: both come here, so the
markup cannot drift between them. The CSRF input is Django's own
``{% csrf_token %}``, rendered from the reader's context (once for a page's
rows); nothing is kept between requests.
Visitors get a link to log in instead (:func:`login_link`, the
``{% bookmark_login_link %}`` tag), defined here too.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.template import Context
from django.template.defaultfilters import urlencode
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from questions.templatetags.reader_parts import reader_part, renders

ROW_TOGGLE = "study/includes/question_row_study.html#toggle"

_FORM = """
<form class="bookmark-toggle" method="post" action="{url}"
      hx-post="{url}" hx-disabled-elt="find button"
      {target}>
  {csrf}
  <input type="hidden" name="next" value="{back}">{row}
  <button type="submit" class="bookmark-button{pressed}"
          title="{title}">
    <span class="bookmark-icon" aria-hidden="true">{icon}</span>
    <span class="bookmark-label">{label}</span>
    <span class="bookmark-count" title="Members who bookmarked it">{count}<span class="visually-hidden"> bookmark{plural} in all</span></span>
  </button>
</form>"""  # noqa: E501 (the markup as it is sent)

# A visitor's toggle: a link to log in (a visitor's page carries no form that posts).
_LOGIN_LINK = """
<a class="bookmark-toggle bookmark-button" href="{login}" rel="nofollow" title="Log in to bookmark this question and practise it">
  <span class="bookmark-icon" aria-hidden="true">☆</span>
  <span class="bookmark-label">Bookmark</span>
  <span class="bookmark-count" title="Members who bookmarked it">{count}<span class="visually-hidden"> bookmark{plural} in all</span></span>
</a>"""  # noqa: E501 (the markup as it is sent)

_ON = {
    "pressed": " is-bookmarked",
    "title": "Remove from your bookmarks (your note and practice history are kept for when"
    " you bookmark it again)",
    "icon": "★",
    "label": "Bookmarked",
}
_OFF = {
    "pressed": "",
    "title": "Bookmark this question to practise it",
    "icon": "☆",
    "label": "Bookmark",
}
_IN_LIST = {"target": 'hx-target="this" hx-swap="outerHTML"', "row": ""}
# A row of the bookmarks page: the server answers with the whole row.
_IN_BOOKMARKS = {
    "target": 'hx-target="closest .bookmark-row" hx-swap="outerHTML"',
    "row": '\n  <input type="hidden" name="row" value="1">',
}


def _form(bookmarked: bool, remove_row: bool) -> str:
    """The form of one state, its fixed words in place: a format string."""
    form = _FORM
    for name, words in {
        **(_ON if bookmarked else _OFF),
        **(_IN_BOOKMARKS if remove_row else _IN_LIST),
    }.items():
        form = form.replace(f"{{{name}}}", words)
    return form


_FORMS = {(on, row): _form(on, row) for on in (False, True) for row in (False, True)}
_CSRF = CsrfTokenNode()


@dataclass(frozen=True)
class Toggle:
    """What a member's toggle shows: everything but the CSRF token."""

    question_id: int
    bookmarked: bool
    count: int  # members who bookmarked the question
    back: str  # where the plain form sends the member back to
    remove_row: bool = False  # a row of the bookmarks page

    def url(self) -> str:
        return reverse("bookmark_toggle", args=[self.question_id])

    def html(self, csrf_input: str, *, url: str | None = None) -> SafeString:
        """The form; ``csrf_input`` is ``{% csrf_token %}`` rendered for the
        reader (:func:`csrf_input`), ``url`` the toggle's address if known.
        As ``format_html``: every value is escaped unless it is safe already
        (a list escapes its rows' addresses and ``back`` once, not per row)."""
        return mark_safe(
            _FORMS[bool(self.bookmarked), bool(self.remove_row)].format(
                url=conditional_escape(url or self.url()),
                csrf=conditional_escape(csrf_input),
                back=conditional_escape(self.back),
                count=int(self.count),
                plural=_plural(self.count),
            )
        )


def csrf_input(context: Context) -> SafeString:
    """``{% csrf_token %}`` in this context: the reader's own hidden input,
    rendered once per template rendering (a list's rows share it)."""
    kept = context.render_context.get(_CSRF)
    if kept is None:
        kept = context.render_context[_CSRF] = _CSRF.render(context)
    return kept


def back_path(request: HttpRequest) -> str:
    """Where a plain form should send the member back to: the page htmx says it
    is on (HX-Current-URL, when it is this site), else the current request's."""
    try:
        return request.htmx.current_url_abs_path or request.get_full_path()
    except ValueError:  # a malformed HX-Current-URL header (e.g. "http://[")
        return request.get_full_path()


def back_of(context: Context) -> str:
    """The ``back`` a list passes its rows, else the request's (``{% back_path %}``)."""
    return context.get("back") or back_path(context["request"])


def _escaped_back(context: Context) -> SafeString:
    """:func:`back_of`, escaped once per template rendering: a list's rows
    share one ``back``."""
    kept = context.render_context.get(back_of)
    if kept is None:
        kept = context.render_context[back_of] = conditional_escape(back_of(context))
    return kept


def _login_link(context: Context) -> SafeString:
    """Where a visitor's toggles send them: to log in, then back to this page
    (as the template writes it), made once per template rendering."""
    kept = context.render_context.get(_login_link)
    if kept is None:
        path = urlencode(context["request"].get_full_path())
        kept = conditional_escape(f"{reverse('account_login')}?next={path}")
        context.render_context[_login_link] = kept
    return kept


def login_link(context: Context, count: int) -> SafeString:
    """A visitor's toggle: the link to log in, with the question's count."""
    count = int(count)
    return mark_safe(
        _LOGIN_LINK.format(login=_login_link(context), count=count, plural=_plural(count))
    )


def _plural(count: int) -> str:
    return "" if count == 1 else "s"  # as |pluralize


@renders(ROW_TOGGLE)
def row_toggle(context: Context) -> str:
    """A list row's toggle (``question``, marked by ``mark_bookmarks``): a
    member's form, or a visitor's link to log in, as the template draws them."""
    question = context["question"]
    if not context["user"].is_authenticated:
        # The template's line break after the link, as its include renders it.
        return mark_safe(f"{login_link(context, question.bookmark_count)}\n")
    toggle = Toggle(
        question.pk,
        bool(getattr(question, "is_bookmarked", False)),
        question.bookmark_count,
        _escaped_back(context),
    )
    return toggle.html(csrf_input(context), url=getattr(question, "toggle_url", None))


# A list row's study tools: its toggle (a reader part), then how often the
# question was reported asked. Drawn here for a page's rows, not by a template
# per row; the list's template writes ``{% row_study question %}``.
_ROW_STUDY = """
<div class="row-study">
  {toggle}
  {asked}
  {matching}
</div>
"""
_ASKED = (
    '<span class="asked-badge" title="Members reported being asked this in an interview in the'
    ' last 12 months">Asked {}\N{MULTIPLICATION SIGN} in 12 months</span>'
)
_MATCHING = (
    '<span class="asked-badge" title="Reports that match the company, level and period chosen">'
    "Reported {}\N{MULTIPLICATION SIGN} for these filters</span>"
)


def row_study(context: Context, question) -> SafeString:
    """A list row's study tools for ``question`` (the list's loop variable):
    its toggle placed as ``{% reader_part ROW_TOGGLE question.pk %}`` places
    it, and its "asked" badges."""
    asked = getattr(question, "asked_recently", None)
    matching = getattr(question, "asked_matching", None)
    return mark_safe(
        _ROW_STUDY.format(
            toggle=reader_part(context, ROW_TOGGLE, question.pk),
            asked=_ASKED.format(conditional_escape(asked)) if asked else "",
            matching=_MATCHING.format(conditional_escape(matching)) if matching else "",
        )
    )
