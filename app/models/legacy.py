from peewee import CharField, DateTimeField, IntegerField

from app.models.base import BaseModel, utcnow


class LegacyRecord(BaseModel):
    """A record imported from a v2.4 data folder: which file and id it came from and what it became,
    so that running the import again adds only what is new."""

    kind = CharField(max_length=16)  # user | category | payment_method | expense | link
    legacy_key = CharField(max_length=200)
    target_id = IntegerField()
    imported_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('kind', 'legacy_key'), True),)
