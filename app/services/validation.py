"""Small parsers for the values every form and API body carries: ids, names, colours, free text.

Each raises `Invalid` naming the field, with a message a person can act on.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import SupportsFloat

from app.i18n import Message
from app.services.errors import Invalid

MAX_ID = 2**63 - 1
_CONTROL = re.compile(r'[\x00-\x08\x0b-\x1f\x7f]')
_SURROGATE = re.compile('[\ud800-\udfff]')  # half of a UTF-16 pair, which no text can be stored with
_COLOR = re.compile(r'^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$')
_ICON = re.compile(r'^[a-z0-9_]{1,40}$')
_DECIMAL = re.compile(r'[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)')
# Characters that draw nothing: controls, format characters (zero-width space and joiners, word joiner,
# BOM, soft hyphen, bidi marks), separators, marks without a base (not unassigned code points: an emoji newer
# than Python's Unicode tables is one, and it is visible) ...
_INVISIBLE_CATEGORIES = frozenset({'Cc', 'Cf', 'Cs', 'Zs', 'Zl', 'Zp', 'Mn', 'Me'})
# ... and the letters and symbols that are blank by design (Hangul fillers, braille blank, Mongolian separator).
_BLANK_LETTERS = frozenset('\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0')


def is_invisible(char: str) -> bool:
    return char in _BLANK_LETTERS or unicodedata.category(char) in _INVISIBLE_CATEGORIES


def strip_invisible(text: str) -> str:
    """`text` without the invisible characters at either end (inside, a zero-width joiner may join an emoji)."""
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == '')


def parse_id(value: object, *, field: str) -> int:
    """A positive integer id from 7, '7' or ' 7 '."""
    if isinstance(value, bool):
        raise Invalid(Message('{field} must be a number, such as 3.', field=field), field=field)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else '').strip()
        if not text.isascii() or not text.isdigit():
            raise Invalid(
                Message("{field} must be a whole number, such as 3; got '{text}'.", field=field, text=text[:20]),
                field=field,
            )
        number = int(text)
    if not 1 <= number <= MAX_ID:
        raise Invalid(Message('{field} must be a positive whole number.', field=field), field=field)
    return number


def parse_optional_id(value: object, *, field: str) -> int | None:
    return None if is_blank(value) else parse_id(value, field=field)


def clean_text(value: object, *, field: str, max_length: int, label: Message) -> str:
    """Free text: stripped, control characters removed, at most `max_length` characters.

    `label` names the field in the messages ("The {label} must be text."), a Message so that it is shown in
    the reader's language; French says « le champ « {label} » » there, which agrees with any noun."""
    if value is None:
        return ''
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Invalid(Message('The {label} must be text.', label=label), field=field)
    text = str(value)
    if _SURROGATE.search(text):
        raise Invalid(
            Message(
                'The {label} contains a broken character (half of a UTF-16 pair); retype it and try again.', label=label
            ),
            field=field,
        )
    text = strip_invisible(_CONTROL.sub(' ', text).strip())
    if len(text) > max_length:
        raise Invalid(_too_long(label, len(text), max_length), field=field)
    return text


def _too_long(label: Message, length: int, max_length: int) -> Message:
    return Message(
        'The {label} is {length} characters long; shorten it to {max_length} at most.',
        label=label,
        length=length,
        max_length=max_length,
    )


NAME = Message('name')


def clean_name(value: object, *, field: str = 'name', label: Message = NAME, max_length: int = 80) -> str:
    """A name a person will pick from a list: it must show at least one visible character."""
    text = ' '.join(clean_text(value, field=field, max_length=max_length * 2, label=label).split())
    if not text and isinstance(value, str) and value.strip():
        raise Invalid(
            Message('The {label} has only invisible characters; type letters or digits.', label=label),
            field=field,
        )
    if not text:
        raise Invalid(Message('Enter a {label}.', label=label), field=field)
    if len(text) > max_length:
        raise Invalid(_too_long(label, len(text), max_length), field=field)
    return text


def clean_color(value: object, *, field: str = 'color') -> str:
    text = str(value or '').strip()
    if not _COLOR.match(text):
        raise Invalid(Message("'{text}' is not a colour; use #RRGGBB, such as #4f46e5.", text=text[:20]), field=field)
    if len(text) == 4:
        text = '#' + ''.join(c * 2 for c in text[1:])
    return text.lower()


def clean_icon(value: object, *, field: str = 'icon') -> str:
    text = str(value or '').strip()
    if not _ICON.match(text):
        raise Invalid(
            Message("'{text}' is not an icon name; use a Material icon name such as shopping_cart.", text=text[:20]),
            field=field,
        )
    return text


def parse_coordinate(value: object, *, field: str, limit: float) -> float | None:
    """A latitude (limit 90) or longitude (limit 180) in decimal degrees; blank means none."""
    if is_blank(value):
        return None
    label = Message('latitude') if limit == 90 else Message('longitude')
    if isinstance(value, bool):
        raise Invalid(
            Message('true or false is not a {label}; it must be a number of degrees, such as 48.8566.', label=label),
            field=field,
        )
    text = value.strip().replace(',', '.') if isinstance(value, str) else None
    try:
        number = float(text) if text is not None else float(value) if isinstance(value, SupportsFloat) else None
    except (TypeError, ValueError, OverflowError):
        number = None
    plain = text is None or _DECIMAL.fullmatch(text)
    if number is None or (not plain and math.isfinite(number)):  # not '4_8', '４８' nor '1e1', which float() reads
        raise Invalid(
            Message(
                "'{value}' is not a {label}; use decimal degrees such as 48.8566.", value=str(value)[:20], label=label
            ),
            field=field,
        )
    if not math.isfinite(number):
        raise Invalid(Message('The {label} must be a finite number of degrees.', label=label), field=field)
    if not -limit <= number <= limit:
        raise Invalid(
            Message(
                'The {label} must be between -{limit} and {limit} degrees; got {number}.',
                label=label,
                limit=format(limit, 'g'),
                number=format(number, 'g'),
            ),
            field=field,
        )
    return round(number, 7)


class _Unset:
    """Marks an argument that was not given (as opposed to given as None, which may mean "clear")."""

    def __repr__(self) -> str:
        return 'UNSET'

    def __bool__(self) -> bool:
        return False


UNSET: object = _Unset()
