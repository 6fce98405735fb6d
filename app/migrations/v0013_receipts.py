"""Schema 13: receipts (issue 18), photos and PDFs kept with an expense, their bytes stored by SHA-256
under DATA_DIR/receipts. `expense_id` is not a foreign key: a deleted expense's receipts are marked
`deleted_at` until its Undo window has passed (app/services/receipt_rows.py)."""

from __future__ import annotations

from peewee import BigIntegerField, CharField, DateTimeField, IntegerField

from app.db import db
from app.migrations.base import FrozenModel


class Receipt(FrozenModel):
    expense_id = IntegerField(index=True)
    uploaded_by = IntegerField(null=True)
    sha256 = CharField(max_length=64, index=True)
    content_type = CharField(max_length=40)
    filename = CharField(max_length=200)
    size = BigIntegerField()
    width = IntegerField(null=True)
    height = IntegerField(null=True)
    created_at = DateTimeField()
    deleted_at = DateTimeField(null=True)


def apply() -> None:
    db.create_tables([Receipt], safe=True)
