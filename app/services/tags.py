"""Tags: several free words per expense, completed from the household's tags, renamed or merged in one place.

A tag row belongs to the owner of the expenses it is on (app/models/tag.py), so who sees a tag is decided
exactly as who sees the expense. The household's tags, for completion and for Settings, are the tags of the
owners the user sees, grouped by `key` (case and accents folded): "Vacances" of alice and "vacances" of bob
are one tag to both of them. Renaming one renames it for every owner whose tags the user may change
(`access.check_may_change`); renaming it to a tag that exists merges the two.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from peewee import fn

from app.db import write_transaction
from app.i18n import Message
from app.models import ExpenseTag, Tag, User, utcnow
from app.models.tag import TAG_LENGTH
from app.services import access
from app.services.errors import Invalid, NotFound
from app.services.id_lists import among
from app.services.validation import clean_name

MAX_TAGS = 20
_SEPARATORS = re.compile(r'[,;\n]')
TAG_LABEL = Message('tag')


@dataclass(frozen=True, slots=True, kw_only=True)
class TagUse:
    """A tag of the household as Settings and the completion show it: its name and how many expenses carry it."""

    name: str
    key: str
    count: int


def fold(text: str) -> str:
    """`text` compared without case or accents: "Été" and "ete" fold alike (the search folds the same way)."""
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def key_of(name: str) -> str:
    return ' '.join(fold(name).split())[: TAG_LENGTH * 4]


def clean_tag(value: object, *, field: str = 'tags') -> str:
    """One tag: visible text up to TAG_LENGTH characters, without commas (they separate tags)."""
    name = clean_name(value, field=field, label=TAG_LABEL, max_length=TAG_LENGTH)
    if _SEPARATORS.search(name):
        raise Invalid(Message('A tag cannot contain a comma or a semicolon; they separate tags.'), field=field)
    return name


def parse_tags(value: object, *, field: str = 'tags') -> list[str]:
    """Tags from a list of names or from one text separated by commas; blanks dropped, duplicates (ignoring
    case and accents) kept once, at most MAX_TAGS."""
    if value is None:
        return []
    if isinstance(value, str):
        parts: list[object] = list(_SEPARATORS.split(value))
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        raise Invalid(Message('Send the tags as a list of names, or as one text separated by commas.'), field=field)
    names: dict[str, str] = {}
    for part in parts:
        if isinstance(part, str) and not part.strip():
            continue
        name = clean_tag(part, field=field)
        names.setdefault(key_of(name), name)
    if len(names) > MAX_TAGS:
        raise Invalid(
            Message('An expense carries at most {limit} tags; {count} were given.', limit=MAX_TAGS, count=len(names)),
            field=field,
        )
    return list(names.values())


def tags_of(expense_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The tags of each expense, sorted by name, in one query per 2,000 expenses."""
    found: dict[int, list[str]] = defaultdict(list)
    ids = list(expense_ids)
    for start in range(0, len(ids), 2000):
        query = cast(
            Iterable[tuple[int, str]],
            ExpenseTag.select(ExpenseTag.expense, Tag.name)
            .join(Tag, on=(ExpenseTag.tag == Tag.id))
            .where(among(ExpenseTag.expense, ids[start : start + 2000]))
            .tuples(),
        )
        for expense_id, name in query:
            found[expense_id].append(name)
    return {expense_id: tuple(sorted(names, key=key_of)) for expense_id, names in found.items()}


def _tag_ids(owner_id: int, names: Iterable[str]) -> list[int]:
    """The owner's tags of these names, created when missing (the caller holds a write transaction)."""
    wanted = {key_of(name): name for name in names}
    if not wanted:
        return []
    existing = {
        tag.name_key: tag.id
        for tag in Tag.select(Tag.id, Tag.name_key).where((Tag.owner == owner_id) & Tag.name_key.in_(list(wanted)))
    }
    for key, name in wanted.items():
        if key not in existing:
            existing[key] = Tag.create(owner=owner_id, name=name, name_key=key, created_at=utcnow()).id
    return [existing[key] for key in wanted]


def _drop_unused(tag_ids: Iterable[int]) -> None:
    """Tags no expense carries any more leave the completion."""
    ids = list(set(tag_ids))
    if ids:
        used = ExpenseTag.select(ExpenseTag.tag).where(ExpenseTag.tag.in_(ids))
        Tag.delete().where(Tag.id.in_(ids) & Tag.id.not_in(used)).execute()  # type: ignore[misc]  # types-peewee: Model.delete


def set_expense_tags(owner_id: int, expense_id: int, names: Sequence[str]) -> None:
    """Give an expense exactly these (already parsed) tags; the caller checked it may change the expense and
    holds the write transaction."""
    with write_transaction():  # a savepoint inside a caller's transaction
        wanted = set(_tag_ids(owner_id, names))
        current = {row.tag_id for row in ExpenseTag.select(ExpenseTag.tag).where(ExpenseTag.expense == expense_id)}
        gone = current - wanted
        if gone:
            ExpenseTag.delete().where((ExpenseTag.expense == expense_id) & ExpenseTag.tag.in_(list(gone))).execute()  # type: ignore[misc]  # types-peewee: Model.delete
        if wanted - current:
            ExpenseTag.insert_many(
                [(expense_id, tag_id) for tag_id in wanted - current], fields=['expense', 'tag']
            ).execute()
        _drop_unused(gone)


def add_and_remove(owner_id: int, expense_ids: Sequence[int], add: Sequence[str], remove: Sequence[str]) -> None:
    """Add and remove tags on many expenses of one owner (bulk actions); the caller checked the rights and
    holds the write transaction."""
    with write_transaction():  # a savepoint inside a caller's transaction
        ids = list(expense_ids)
        if not ids:
            return
        if remove:
            keys = [key_of(name) for name in remove]
            gone = [t.id for t in Tag.select(Tag.id).where((Tag.owner == owner_id) & Tag.name_key.in_(keys))]
            if gone:
                ExpenseTag.delete().where(ExpenseTag.expense.in_(ids) & ExpenseTag.tag.in_(gone)).execute()  # type: ignore[misc]  # types-peewee: Model.delete
                _drop_unused(gone)
        for tag_id in _tag_ids(owner_id, add):
            have = {r.expense_id for r in ExpenseTag.select(ExpenseTag.expense).where(ExpenseTag.tag == tag_id)}
            rows = [(expense_id, tag_id) for expense_id in ids if expense_id not in have]
            for start in range(0, len(rows), 500):
                ExpenseTag.insert_many(rows[start : start + 500], fields=['expense', 'tag']).execute()


def list_tags(user: User, scope: str = 'everyone') -> list[TagUse]:
    """The household's tags, by name, with how many expenses carry each (for completion and Settings)."""
    owners = access.owner_ids_for(user, scope)
    count = fn.COUNT(ExpenseTag.id)
    query = cast(
        Iterable[tuple[str, str, int]],
        Tag.select(Tag.name_key, fn.MIN(Tag.name), count)
        .join(ExpenseTag, on=(ExpenseTag.tag == Tag.id))
        .where(Tag.owner.in_(owners))
        .group_by(Tag.name_key)
        .tuples(),
    )
    uses = [TagUse(name=name, key=key, count=int(n)) for key, name, n in query]
    return sorted(uses, key=lambda use: use.key)


def tag_names(user: User) -> list[str]:
    """The names to complete from."""
    return [use.name for use in list_tags(user)]


def matching_tag_ids(owner_ids: Sequence[int], keys: Iterable[str]) -> list[int]:
    """The tags of these owners with one of these keys (the tag filter)."""
    wanted = list(set(keys))
    query = Tag.select(Tag.id).where(Tag.owner.in_(list(owner_ids)) & Tag.name_key.in_(wanted))
    return [tag.id for tag in query]


def household_tags(owner_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(id, key) of every tag of these owners: the search matches words against them."""
    query = Tag.select(Tag.id, Tag.name_key).where(Tag.owner.in_(list(owner_ids))).tuples()
    return list(cast(Iterable[tuple[int, str]], query))


def rename_tag(user: User, old: object, new: object) -> str:
    """Rename a tag for the household; when the new name is a tag already, the two become one (merge).

    Refused (409) when some of the tags are seen by someone who does not share with the user."""
    old_name = clean_tag(old, field='name')
    new_name = clean_tag(new, field='new_name')
    old_key, new_key = key_of(old_name), key_of(new_name)
    with write_transaction():
        owners = access.visible_owner_ids(user)
        renamed = list(Tag.select().where(Tag.owner.in_(owners) & (Tag.name_key == old_key)))
        if not renamed:
            raise NotFound(Message("There is no tag '{name}'.", name=old_name), field='name')
        access.check_may_change(user, [tag.owner_id for tag in renamed], 'tag', old_name, field='name')
        for tag in renamed:
            target = Tag.get_or_none((Tag.owner == tag.owner_id) & (Tag.name_key == new_key))
            if target is None or target.id == tag.id:
                Tag.update(name=new_name, name_key=new_key).where(Tag.id == tag.id).execute()
                continue
            have = ExpenseTag.select(ExpenseTag.expense).where(ExpenseTag.tag == target.id)
            ExpenseTag.update(tag=target.id).where(
                (ExpenseTag.tag == tag.id) & ExpenseTag.expense.not_in(have)
            ).execute()
            Tag.delete().where(Tag.id == tag.id).execute()  # type: ignore[misc]  # types-peewee: Model.delete
            if target.name != new_name:
                Tag.update(name=new_name).where(Tag.id == target.id).execute()
    return new_name


def delete_tag(user: User, name: object) -> int:
    """Take a tag off every expense of the household; returns how many expenses carried it."""
    tag_name = clean_tag(name, field='name')
    with write_transaction():
        owners = access.visible_owner_ids(user)
        gone = list(Tag.select().where(Tag.owner.in_(owners) & (Tag.name_key == key_of(tag_name))))
        if not gone:
            raise NotFound(Message("There is no tag '{name}'.", name=tag_name), field='name')
        access.check_may_change(user, [tag.owner_id for tag in gone], 'tag', tag_name, field='name')
        ids = [tag.id for tag in gone]
        count = ExpenseTag.select().where(ExpenseTag.tag.in_(ids)).count()
        Tag.delete().where(Tag.id.in_(ids)).execute()  # type: ignore[misc]  # types-peewee: Model.delete
    return count
