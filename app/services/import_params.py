"""The import's choices as text (form fields of `POST /sysapi/import`, options of `manage.py import file`)
turned into `ImportOptions` and the read side's settings, with a 422 naming the field for anything malformed.
One parser, so that the API and the CLI accept exactly the same things."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.i18n import Message
from app.services.errors import Invalid
from app.services.import_types import REFUND_MODES, ImportOptions

MAX_JSON = 64 * 1024
_TRUE = ('1', 'true', 'yes', 'on')
_FALSE = ('0', 'false', 'no', 'off', '')


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportRequest:
    options: ImportOptions
    preset: str | None = None
    mapping: dict[str, str] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    date_format: str | None = None
    negatives: str | None = None
    skip_types: tuple[str, ...] | None = None


def parse_bool(value: object, *, field: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return default if text == '' else False
    raise Invalid(Message('{field} must be true or false.', field=field), field=field)


def parse_json_object(value: object, *, field: str) -> dict[str, Any] | None:
    """A JSON object given as text (or already an object); None when absent or empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dict):
        return value
    text = str(value)
    if len(text) > MAX_JSON:
        raise Invalid(Message('{field} is too long.', field=field), field=field)
    try:
        parsed = json.loads(text)
    except ValueError:
        raise Invalid(Message('{field} is not valid JSON.', field=field), field=field) from None
    if not isinstance(parsed, dict):
        raise Invalid(Message('{field} must be a JSON object.', field=field), field=field)
    return parsed


def _mapping(value: object) -> dict[str, str] | None:
    parsed = parse_json_object(value, field='mapping')
    if parsed is None:
        return None
    if not all(isinstance(header, str) for header in parsed.values()):
        raise Invalid(Message('The mapping must be an object from field names to column headers.'), field='mapping')
    return {str(name): header for name, header in parsed.items()}


def _name_map(value: object, *, field: str) -> tuple[tuple[str, int], ...]:
    parsed = parse_json_object(value, field=field) or {}
    out = []
    for name, number in parsed.items():
        if isinstance(number, bool) or not isinstance(number, int | str) or not str(number).strip().isdigit():
            raise Invalid(
                Message('{field} must map names of the file to ids of yours (a JSON object of numbers).', field=field),
                field=field,
            )
        out.append((str(name), int(str(number).strip())))
    return tuple(out)


def _subcategory_map(value: object) -> tuple[tuple[str, str, int], ...]:
    """`subcategory_map`: {"category of the file": {"its subcategory": id of an existing category}}."""
    parsed = parse_json_object(value, field='subcategory_map') or {}
    out = []
    for parent, children in parsed.items():
        if not isinstance(children, dict):
            raise Invalid(
                Message(
                    'subcategory_map maps each category of the file to an object of its subcategories and ids of yours.'
                ),
                field='subcategory_map',
            )
        for name, number in _name_map(children, field='subcategory_map'):
            out.append((str(parent), name, number))
    return tuple(out)


def _rows(value: object) -> tuple[tuple[int, ...], bool]:
    """`keep_possible`: 'all', or row numbers separated by commas."""
    if value is None:
        return (), False
    text = str(value).strip()
    if text.lower() == 'all':
        return (), True
    numbers = []
    for part in text.replace(' ', '').split(','):
        if not part:
            continue
        if not part.isdigit() or len(part) > 9:
            raise Invalid(
                Message('keep_possible is "all" or row numbers separated by commas, such as 4,17.'),
                field='keep_possible',
            )
        numbers.append(int(part))
    return tuple(numbers), False


SKIPPABLE = ('income', 'transfer')


def _skip_types(value: object) -> tuple[str, ...] | None:
    """`skip_types`: which rows of the type column are skipped: 'income,transfer' (the default), one of them,
    or '' for none."""
    if value is None:
        return None
    kinds = tuple(part.strip().lower() for part in str(value).split(',') if part.strip())
    if any(kind not in SKIPPABLE for kind in kinds):
        raise Invalid(
            Message('skip_types lists income, transfer, both separated by a comma, or nothing.'), field='skip_types'
        )
    return kinds


def _refunds(value: object) -> str:
    """`refunds`: 'deduct' (the default: money in is taken off the purchase it refunds) or 'skip'."""
    text = str(value).strip().lower() if value is not None else ''
    if not text:
        return REFUND_MODES[0]
    if text not in REFUND_MODES:
        raise Invalid(Message('refunds must be "deduct" or "skip".'), field='refunds')
    return text


def _short(value: object, *, field: str, limit: int = 40) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise Invalid(Message('{field} is too long.', field=field), field=field)
    return text or None


def parse_request(fields: Mapping[str, Any]) -> ImportRequest:
    """From the text fields of a request; unknown fields are ignored, a malformed one is a 422 naming it."""
    keep, keep_all = _rows(fields.get('keep_possible'))
    delimiter = fields.get('delimiter')
    if isinstance(delimiter, str) and delimiter.lower() in ('tab', '\\t'):
        delimiter = '\t'
    options = ImportOptions(
        dry_run=parse_bool(fields.get('dry_run'), field='dry_run', default=True),
        skip_invalid=parse_bool(fields.get('skip_invalid'), field='skip_invalid', default=False),
        keep_possible=keep,
        keep_all_possible=keep_all,
        default_category=_short(fields.get('default_category'), field='default_category', limit=80),
        default_payment_method=_short(fields.get('default_payment_method'), field='default_payment_method', limit=80),
        category_map=_name_map(fields.get('category_map'), field='category_map'),
        payment_method_map=_name_map(fields.get('payment_method_map'), field='payment_method_map'),
        subcategory_map=_subcategory_map(fields.get('subcategory_map')),
        refunds=_refunds(fields.get('refunds')),
    )
    return ImportRequest(
        options=options,
        preset=_short(fields.get('preset'), field='preset'),
        mapping=_mapping(fields.get('mapping')),
        encoding=_short(fields.get('encoding'), field='encoding'),
        delimiter=delimiter
        if isinstance(delimiter, str) and len(delimiter) == 1
        else _short(delimiter, field='delimiter', limit=1),
        date_format=_short(fields.get('date_format'), field='date_format'),
        negatives=_short(fields.get('negatives'), field='negatives'),
        skip_types=_skip_types(fields.get('skip_types')),
    )
