from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.user import User


class Category(BaseModel):
    """A category, or a subcategory when it has a parent."""

    owner = ForeignKeyField(User, backref='categories', on_delete='CASCADE')
    owner_id: IntegerField[int]
    name = CharField(max_length=80)
    parent = ForeignKeyField('self', null=True, backref='children', on_delete='RESTRICT')
    parent_id: IntegerField[int | None]
    color = CharField(max_length=9, default='#6366f1')
    icon = CharField(max_length=40, default='label')
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('owner', 'parent'), False),)
