"""Field types shared by the /sysapi bodies of expenses, categories and payment methods.

Forms send every value as text and an empty field as ''; these types accept both forms and JSON, and
leave the checks that need the database or the product's rules to the services.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from app.services.validation import MAX_ID


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _refuse_booleans(kind: str, what: str, example: str):
    """Pydantic's lax mode reads true as 1: an amount of 1.00, a latitude of 1.0, the category of id 1.

    The error's type (`boolean_not_id`, ...) picks the translated sentence in app/api/errors.py."""

    def check(value: object) -> object:
        if isinstance(value, bool):
            raise PydanticCustomError(
                f'boolean_not_{kind}', f'true or false is not {what}; send a number such as {example}'
            )
        return value

    return check


def _plain_id(value: object) -> object:
    """An id as a number or as ASCII digits: pydantic alone would read "1_0" as 10."""
    if isinstance(value, str) and value.strip() and not (value.strip().isascii() and value.strip().isdigit()):
        raise PydanticCustomError(
            'not_an_id', '{value} is not an id; send digits such as 3', {'value': repr(value[:20])}
        )
    return value


_ID_CHECKS = (BeforeValidator(_plain_id), BeforeValidator(_refuse_booleans('id', 'an id', '3')))

Id = Annotated[
    int, *_ID_CHECKS, Field(ge=1, le=MAX_ID, description='An id, as returned by the list endpoints', examples=[1])
]
OptionalId = Annotated[
    Annotated[int, Field(ge=1, le=MAX_ID)] | None,
    *_ID_CHECKS,
    BeforeValidator(_blank_to_none),
    Field(description='An id, or empty / null for none', examples=[3]),
]
Amount = Annotated[
    str | int | float,
    BeforeValidator(_refuse_booleans('amount', 'an amount', '12.50')),
    Field(description='Positive, at most 2 decimals: "50.00", "50,00", "1 234,56" or 50', examples=['50.00']),
]
Coordinate = Annotated[
    float | str | None,
    BeforeValidator(_refuse_booleans('position', 'a position', '48.8566 (decimal degrees)')),
    BeforeValidator(_blank_to_none),
    Field(description='Decimal degrees; empty / null for none', examples=[48.8566]),
]
Text = Annotated[str | None, Field(examples=['Groceries'])]
Tags = Annotated[
    list[Annotated[str, Field(max_length=200)]] | Annotated[str, Field(max_length=2000)] | None,
    Field(
        description='Tags: a list of names, or one text separated by commas; each up to 40 characters, at most 20',
        examples=[['holiday', 'car']],
    ),
]
