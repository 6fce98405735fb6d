"""Tags: free words an expense carries, several per expense (issue 18).

A tag belongs to the owner of the expenses it is on, so it is seen by exactly those who see them (the
owner and the users linked to the owner); `name_key` (case and accents folded) keeps one tag per word and
owner, whatever capitals a later expense types."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from app.models.base import BaseModel, utcnow
from app.models.expense import Expense
from app.models.user import User

TAG_LENGTH = 40


class Tag(BaseModel):
    owner = ForeignKeyField(User, backref='tags', on_delete='CASCADE')
    owner_id: IntegerField[int]
    name = CharField(max_length=TAG_LENGTH)
    name_key = CharField(max_length=TAG_LENGTH * 4)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((('owner', 'name_key'), True),)


class ExpenseTag(BaseModel):
    expense = ForeignKeyField(Expense, backref='expense_tags', on_delete='CASCADE')
    expense_id: IntegerField[int]
    tag = ForeignKeyField(Tag, backref='expense_tags', on_delete='CASCADE', index=True)
    tag_id: IntegerField[int]

    class Meta:
        indexes = ((('expense', 'tag'), True),)
