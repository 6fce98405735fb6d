from __future__ import annotations

from peewee import BigIntegerField, CharField, DateTimeField, IntegerField

from app.models.base import BaseModel, utcnow


class Receipt(BaseModel):
    """A photo or PDF kept with an expense. The bytes live in DATA_DIR/receipts under their SHA-256
    (app/services/receipt_files.py); two receipts of the same file share them.

    `expense_id` is a plain column, not a foreign key: deleting an expense only marks its receipts
    (`deleted_at`), so that Undo gives them back; they and their files are purged a while later
    (receipt_rows.purge). A receipt whose expense is gone is never shown."""

    expense_id = IntegerField(index=True)
    uploaded_by = IntegerField(null=True)
    sha256 = CharField(max_length=64, index=True)
    content_type = CharField(max_length=40)
    filename = CharField(max_length=200, default='')
    size = BigIntegerField()
    width = IntegerField(null=True)
    height = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow)
    deleted_at = DateTimeField(null=True)
