"""Names that cannot pass for someone else.

Usernames are NFKC-normalised before anything else (``moderator`` typed in
fullwidth letters becomes plain ``moderator``), stored that way, and compared
ignoring case with the members' names (a database constraint as well) and with
the reserved ones (``ACCOUNT_USERNAME_BLACKLIST``, and ``deleted-…``, the names
deleted accounts take). A username may not mix Latin letters with Cyrillic or
Greek ones, the usual look-alikes of Latin letters. Display names may use any
script but no invisible formatting characters: bidirectional overrides and
isolates would reorder the text around the name, zero-width ones hide what it
really says.
"""

import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Deleted accounts are renamed to deleted-<id>; nobody else may take such a name.
DELETED_USERNAME_PREFIX = "deleted-"
# Alphabets with letters that pass for Latin ones (Cyrillic a, e, o, p; Greek o, v…).
LOOK_ALIKE_SCRIPTS = {"CYRILLIC", "GREEK"}


def normalize_username(username: str) -> str:
    """The form a username is stored and compared in (Django's own NFKC)."""
    return unicodedata.normalize("NFKC", username)


def username_key(username: str) -> str:
    """Two usernames with the same key name the same member."""
    return normalize_username(username).casefold()


def check_username(username: str) -> None:
    """Refuse names that pass for a reserved name or mix look-alike alphabets.

    Sign-up and social sign-up call this (through the account adapter); names the
    site gives itself (``deleted-…``, the demo's ``moderator``) do not.
    """
    key = username_key(username)
    if key.startswith(DELETED_USERNAME_PREFIX):
        raise forms.ValidationError(
            "Usernames starting with “deleted-” are reserved.", code="reserved"
        )
    if key in {username_key(name) for name in settings.ACCOUNT_USERNAME_BLACKLIST}:
        raise forms.ValidationError(
            "This username is reserved. Please choose another one.", code="reserved"
        )
    scripts = {
        unicodedata.name(char, "").split(" ")[0]
        for char in normalize_username(username)
        if char.isalpha()
    }
    if "LATIN" in scripts and scripts & LOOK_ALIKE_SCRIPTS:
        raise forms.ValidationError(
            "Use letters of one alphabet: this name mixes Latin letters with "
            f"{' and '.join(sorted(s.title() for s in scripts & LOOK_ALIKE_SCRIPTS))} ones "
            "that look the same.",
            code="mixed_scripts",
        )


# Joiners shape Arabic, Persian and Indic text and build emoji sequences: allowed.
ALLOWED_FORMAT_CHARACTERS = {"\u200c", "\u200d"}
# Letters that show as nothing at all.
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def is_invisible(char: str) -> bool:
    if char in ALLOWED_FORMAT_CHARACTERS:
        return False
    # Cf: format (bidi controls U+202A-U+202E, U+2066-U+2069, marks, zero-width
    # space, BOM, tags…); Cc: controls; Zl, Zp: line and paragraph separators.
    return char in BLANK_LETTERS or unicodedata.category(char) in {"Cf", "Cc", "Zl", "Zp"}


def strip_invisible(text: str) -> str:
    return "".join(char for char in text if not is_invisible(char))


@deconstructible
class DisplayNameValidator:
    """Refuse invisible formatting characters, naming the ones found."""

    message = (
        "Display names cannot contain invisible characters such as text-direction "
        "overrides or zero-width spaces (found: {found}). Type the name without them."
    )
    code = "invisible_characters"

    def __call__(self, value: str) -> None:
        found = dict.fromkeys(f"U+{ord(char):04X}" for char in value if is_invisible(char))
        if found:
            raise ValidationError(
                self.message.format(found=", ".join(found)),
                code=self.code,
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, DisplayNameValidator)
