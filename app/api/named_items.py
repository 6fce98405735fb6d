"""What the /sysapi routes of categories and payment methods share: their error answers, the fields every
update takes, and the answer to a deletion. The saved-item envelopes stay in each router: the reference names
their key after the kind (`category`, `payment_method`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.api.fields import Id, Text


def item_responses(kind: str, conflict: str) -> dict[int | str, dict[str, Any]]:
    """The error answers of a router over one kind of item; `conflict` says when it answers 409."""
    return {
        **ERROR_RESPONSES,
        404: {'model': ErrorBody, 'description': f'No such {kind}, or not yours to see'},
        409: {'model': ErrorBody, 'description': conflict},
    }


class ItemDeletedOut(BaseModel):
    success: bool
    id: int
    moved: int = Field(description='Expenses moved to move_to_id before the deletion')


class ItemUpdate(BaseModel):
    """`id` and the fields to change: one left out keeps its value."""

    id: Id
    name: Text = None
    icon: Text = Field(None, description="One of the icon picker's names; the current one is kept as it is")


def changes(body: ItemUpdate) -> dict[str, Any]:
    """The fields an update sent, `id` aside, as keywords for the service (which keeps the others)."""
    return body.model_dump(exclude_unset=True, exclude={'id'})
