"""Field types shared by the /sysapi bodies of expenses, categories and payment methods.

Forms send every value as text and an empty field as ''; these types accept both forms and JSON, and
leave the checks that need the database or the product's rules to the services.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from app.services.validation import MAX_ID


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


Id = Annotated[int, Field(ge=1, le=MAX_ID, description='An id, as returned by the list endpoints', examples=[1])]
OptionalId = Annotated[
    Annotated[int, Field(ge=1, le=MAX_ID)] | None,
    BeforeValidator(_blank_to_none),
    Field(description='An id, or empty / null for none', examples=[3]),
]
Amount = Annotated[
    str | int | float,
    Field(description='Positive, at most 2 decimals: "50.00", "50,00", "1 234,56" or 50', examples=['50.00']),
]
Coordinate = Annotated[
    float | str | None,
    BeforeValidator(_blank_to_none),
    Field(description='Decimal degrees; empty / null for none', examples=[48.8566]),
]
Text = Annotated[str | None, Field(examples=['Groceries'])]
