"""Schema 7: two-factor login: the TOTP columns of a user, their recovery codes, the installation's settings."""

from __future__ import annotations

from peewee import SQL, CharField, DateTimeField, Field, ForeignKeyField, IntegerField, TextField

from app.db import db
from app.migrations.base import FrozenModel, add_column_if_missing

# NOT NULL columns added to a table that has rows: the default is in the DDL (see add_column_if_missing).
USER_COLUMNS: dict[str, Field] = {
    'totp_secret': CharField(max_length=64, constraints=[SQL("DEFAULT ''")]),
    'totp_pending': CharField(max_length=64, constraints=[SQL("DEFAULT ''")]),
    'totp_last_step': IntegerField(constraints=[SQL('DEFAULT 0')]),
}


class User(FrozenModel):
    """Only the key that recovery_code references; its new columns are USER_COLUMNS."""


class RecoveryCode(FrozenModel):
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    code_hash = CharField(max_length=64, index=True)
    created_at = DateTimeField()
    used_at = DateTimeField(null=True)


class InstallationSetting(FrozenModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()


def apply() -> None:
    for column, field in USER_COLUMNS.items():
        add_column_if_missing('user', column, field)
    db.create_tables([RecoveryCode, InstallationSetting], safe=True)
