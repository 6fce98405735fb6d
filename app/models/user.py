from peewee import BooleanField, CharField, DateTimeField, IntegerField

from app.models.base import BaseModel, utcnow


class User(BaseModel):
    """An account. A deleted account keeps its row (deleted_at set, no password) so that its data
    survives and comes back if the same username is created again."""

    username = CharField(max_length=64)
    username_key = CharField(max_length=64, unique=True)  # lower-cased username: uniqueness ignores case
    password_hash = CharField(max_length=255, default='')
    is_admin = BooleanField(default=False)
    theme = CharField(max_length=8, default='auto')  # auto | light | dark
    currency = CharField(max_length=3, default='EUR')
    locale = CharField(max_length=16, default='fr-FR')
    timezone = CharField(max_length=64, default='')
    capture_location = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    deleted_at = DateTimeField(null=True)
    # Two-factor login (app/services/two_factor.py): the TOTP secret once confirmed, the one being set up,
    # and the last time step a code was accepted for, so that a code seen over a shoulder cannot be replayed.
    totp_secret = CharField(max_length=64, default='')
    totp_pending = CharField(max_length=64, default='')
    totp_last_step = IntegerField(default=0)
    # The language of the app's text (app.i18n.LANGUAGES); '' = automatic, the browser's. Apart from `locale`,
    # which formats numbers and dates: a German-format user may read English.
    language = CharField(max_length=8, default='')

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None
