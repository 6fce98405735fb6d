"""How an expense lists its receipts; apart so that the expense shapes need not load the receipt code."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.timestamps import Timestamp


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptRef:
    """A receipt as an expense lists it: where to fetch it and its thumbnail (with the API key or a page's
    session), what kind of file it is."""

    id: int
    expense_id: int
    filename: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    created_at: Timestamp
    url: str
    thumbnail_url: str
