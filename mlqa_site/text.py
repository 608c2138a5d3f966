"""Characters that stored text never holds.

XML 1.0 cannot carry the C0 control characters other than tab, line feed and
carriage return, nor the noncharacters U+FFFE and U+FFFF, nor lone surrogates:
one of them in a title or an answer made the Atom feeds fail for everyone.
Search puts MARK_START and MARK_STOP (two private-use characters) around the
words it matched and turns them into ``<mark>`` after escaping, so stored text
may not hold those either.

Text is cleaned where it comes in (form posts: ``mlqa_site.middleware``;
collection files: ``questions.collection.parse_document``) and, for rows stored
before, again where it goes out as XML (``questions.feeds``) or is highlighted
(``questions.search``).
"""

import re

MARK_START, MARK_STOP = "\ue000", "\ue001"

_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_NOT_XML_RE = re.compile(f"[{_NOT_XML}]")
UNWANTED = re.compile(f"[{_NOT_XML}{MARK_START}{MARK_STOP}]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry."""
    return _NOT_XML_RE.sub("", text)


def has_unwanted(text: str) -> bool:
    return UNWANTED.search(text) is not None


def clean_text(text: str) -> str:
    """The text without control characters (tab and newlines stay), the
    characters XML cannot carry, and search's highlight marks."""
    return UNWANTED.sub("", text)
