"""The one markdown pipeline: markdown-it-py -> Pygments / MathML -> nh3.

Run when content is saved; pages only ever print the stored, sanitised HTML.
Math (``$...$`` inline, ``$$...$$`` display) becomes MathML on the server, which
browsers render natively: no script and no CDN. After changing anything here,
run ``manage.py rerender_markdown`` so stored content follows.
"""

import re
from collections.abc import Sequence
from functools import cache
from html import escape
from urllib.parse import urlsplit

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

MATHML_TAGS = {
    "math", "menclose", "mfrac", "mi", "mn", "mo", "mover", "mpadded", "mphantom",
    "mroot", "mrow", "mspace", "mstyle", "msqrt", "msub", "msubsup", "msup", "mtable",
    "mtd", "mtext", "mtr", "munder", "munderover",
}  # fmt: skip
MATHML_ATTRIBUTES = {
    "math": {"display"},
    "menclose": {"notation"},
    "mfrac": {"linethickness"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mo": {"accent", "fence", "form", "largeop", "maxsize", "minsize", "movablelimits",
           "separator", "stretchy"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "mspace": {"width"},
    "mstyle": {"displaystyle", "scriptlevel"},
    "mtd": {"columnalign"},
}  # fmt: skip
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "section", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
} | MATHML_TAGS  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "pre": {"class"},
    "li": {"id"},
    "ol": {"start"},
    "section": {"class"},
    "sup": {"class"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    **MATHML_ATTRIBUTES,
}
URL_SCHEMES = {"http", "https", "mailto"}
_FORMATTER = HtmlFormatter(nowrap=True)


def _highlight(code: str, lang: str, _attrs: str) -> str:
    """Pygments spans for a fenced block; markdown-it wraps them in <pre><code>."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang.split()[0])
    except ClassNotFound:
        return ""
    return highlight(code, lexer, _FORMATTER)


def _math(tex: str, options: dict) -> str:
    """TeX -> MathML; TeX the converter cannot read is shown as code."""
    display = "block" if options.get("display_mode") else "inline"
    try:
        return latex_to_mathml(tex, display=display)
    except Exception:  # latex2mathml raises many types on malformed input
        return f'<code class="math-error">{escape(tex)}</code>'


def _is_outside(url: str) -> bool:
    """A URL with a scheme or a host loads from elsewhere; a relative path does not.

    ``data:`` URLs are left to the sanitiser, which drops them as it always has.
    """
    parts = urlsplit(url)
    return parts.scheme.lower() != "data" and bool(parts.scheme or parts.netloc)


def _image(renderer, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Same-site images stay images; an outside image becomes a link to it.

    The site never loads outside assets (and its CSP would block them anyway),
    so ``![alt](https://elsewhere/x.png)`` renders as ``<a href=...>alt</a>``
    (the sanitiser adds rel="nofollow ugc noopener"). Inside a link, where a
    second link cannot nest, only the text remains.
    """
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not _is_outside(src):
        return renderer.image(tokens, idx, options, env)
    text = escape(renderer.renderInlineAsText(token.children, options, env) or src)
    depth = 0
    for previous in tokens[:idx]:
        depth += {"link_open": 1, "link_close": -1}.get(previous.type, 0)
    if depth > 0:
        return text
    title = token.attrGet("title")
    title_attr = f' title="{escape(str(title))}"' if title else ""
    return f'<a href="{escape(src)}"{title_attr}>{text}</a>'


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _highlight, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    # A bare http(s) address becomes a link (comments are mostly such), but not
    # a word that merely ends like a domain: "train.py" or "model.ai" stay text.
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    # Like pandoc: "$5 and $10" is money, not math (no digit or space inside the $).
    md.use(
        dollarmath_plugin,
        double_inline=True,
        allow_space=False,
        allow_digits=False,
        renderer=_math,
    )
    md.use(footnote_plugin)
    md.add_render_rule("image", _image)
    return md


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


# What may be wider than a phone scrolls in its own box (site.css); a box that
# scrolls must take the keyboard focus, or keyboard users cannot scroll it.
_SCROLL_BOXES = (
    ("<pre>", '<pre tabindex="0">'),
    ('<div class="math block">', '<div class="math block" tabindex="0">'),
    ("<table>", '<div class="table-scroll" tabindex="0"><table>'),
    ("</table>", "</table></div>"),
)
_INLINE_MATH = re.compile(
    r'<span class="math inline">(<math display="inline">.*?</math>)</span>', re.S
)
# Inline math this long (in MathML leaves) may not fit a phone: its box scrolls too.
LONG_INLINE_MATH = 12


def _scroll_boxes(html: str) -> str:
    """Make the sanitised HTML's wide boxes focusable (nh3 leaves no other <pre>,
    <table> or math wrappers than the renderer's own, so plain replacement is safe)."""
    for old, new in _SCROLL_BOXES:
        html = html.replace(old, new)

    def inline(match: re.Match) -> str:
        if len(re.findall(r"<m[inot][ >]", match[1])) < LONG_INLINE_MATH:
            return match[0]
        return f'<span class="math inline" tabindex="0">{match[1]}</span>'

    return _INLINE_MATH.sub(inline, html)


def render_markdown(text: str) -> str:
    """Markdown source -> safe HTML, ready to be stored and printed as is."""
    if not text or not text.strip():
        return ""
    return _scroll_boxes(sanitize(_parser().render(text)))
