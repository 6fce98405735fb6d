"""Schema 5: what a v2.4 data folder import made of each legacy record, so that a rerun adds only what is new.

(There never was a schema 3 or 4.)"""

from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField

from app.db import db
from app.migrations.base import FrozenModel


class LegacyRecord(FrozenModel):
    kind = CharField(max_length=16)
    legacy_key = CharField(max_length=200)
    target_id = IntegerField()
    imported_at = DateTimeField()

    class Meta:
        indexes = ((('kind', 'legacy_key'), True),)


def apply() -> None:
    db.create_tables([LegacyRecord], safe=True)
