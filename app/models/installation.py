from peewee import CharField, TextField

from app.models.base import BaseModel


class InstallationSetting(BaseModel):
    """A setting of the whole installation that an administrator changes in the app (not in config.env),
    so that every app process sees it: e.g. `require_two_factor`."""

    key = CharField(max_length=64, primary_key=True)
    value = TextField(default='')
