"""Who paid an expense and how it is split between linked users (issue 20).

An expense has a payer (its owner by default, or a user linked to the owner) and a split among members,
each a participant linked to the payer (links are not transitive); without a split row it is "just me".

**The remainder-cent rule.** Parts always add up to the amount in cents. Each member first gets their exact
part rounded down to the cent; the cents left over (fewer than the number of members) go one each to the
members whose exact part lost the most in that rounding, and between equal losses to the member listed
first. The payer, when they share, is listed first, then the others in the order given. So 10.01 split
equally between a payer and one other gives the payer 5.01 and the other 5.00.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from app.db import write_transaction
from app.i18n import Message
from app.models import Expense, ExpenseShare, ExpenseSplit, HouseholdPreference, User
from app.services import access
from app.services.allocation import allocate
from app.services.errors import Conflict, Invalid, NotFound
from app.services.expenses_types import ExpenseRow
from app.services.id_lists import among
from app.services.money import cents_to_number, cents_to_text
from app.services.splits_types import HouseholdMember, Share, SplitForm, SplitView
from app.services.validation import is_blank, parse_id

MODES = ('equal', 'shares', 'amounts', 'percent')
DEFAULT_SPLITS = ('me', 'equal')
MAX_MEMBERS = 50
SPLIT_KEYS = ('split', 'split_mode', 'split_members', 'split_parts')
_MAX_PART = Decimal(1_000_000_000)


# --- the arithmetic ---------------------------------------------------------------------------------


def shares_for(amount_cents: int, mode: str, parts: Sequence[Decimal]) -> list[int]:
    """The members' cents for a split already checked by `_check_parts` (one part per member, or none)."""
    if mode == 'equal':
        return allocate(amount_cents, [1] * len(parts))
    if mode == 'amounts':
        return [int(p * 100) for p in parts]
    return allocate(amount_cents, list(parts))


# --- reading the input ------------------------------------------------------------------------------


def _as_list(value: object) -> list[object]:
    """A list from JSON (a list) or from a form (comma-separated text)."""
    if is_blank(value):
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [item.strip() for item in value.split(',')]
    return [value]


def _split_object(data: Mapping) -> dict[str, Any] | None:
    """The split asked for: the `split` object (JSON, or its text in a form), or the form's three fields."""
    raw = data.get('split')
    if isinstance(raw, str) and raw.strip():
        try:
            raw = json.loads(raw)
        except ValueError:
            raise Invalid(
                Message('split must be a JSON object such as {"mode": "equal", "members": [1, 2]}.'), field='split'
            ) from None
    if isinstance(raw, Mapping):
        return dict(raw)
    if not is_blank(raw):
        raise Invalid(
            Message('split must be a JSON object such as {"mode": "equal", "members": [1, 2]}.'), field='split'
        )
    if any(not is_blank(data.get(key)) for key in ('split_mode', 'split_members', 'split_parts')):
        return {'mode': data.get('split_mode'), 'members': data.get('split_members'), 'parts': data.get('split_parts')}
    return None


def _parse_members(value: object) -> list[int]:
    items = _as_list(value)
    if not items:
        raise Invalid(Message('Choose who shares this expense: split members is empty.'), field='split')
    if len(items) > MAX_MEMBERS:
        raise Invalid(Message('A split has at most {n} members.', n=MAX_MEMBERS), field='split')
    members = [parse_id(item, field='split') for item in items]
    if len(set(members)) != len(members):
        raise Invalid(Message('A member appears twice in the split; list each member once.'), field='split')
    return members


def _parse_part(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise Invalid(Message('Each part of the split must be a number, such as 2 or 33.5.'), field='split')
    text = repr(value) if isinstance(value, float) else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(
            Message('{value} is not a number; each part of the split must be one, such as 2 or 33.5.', value=text[:20]),
            field='split',
        ) from None
    if not number.is_finite() or abs(number) > _MAX_PART or number != number.quantize(Decimal('0.0001')):
        raise Invalid(
            Message('{value} is not a usable part; use at most four decimals.', value=text[:20]), field='split'
        )
    if number <= 0:
        raise Invalid(Message('Each part of the split must be more than zero; leave the member out instead.'),
                      field='split')  # fmt: skip
    return number


def _check_parts(mode: object, members: list[int], raw_parts: object, amount_cents: int) -> tuple[str, list[Decimal]]:
    if mode not in MODES:
        raise Invalid(
            Message("'{mode}' is not a split mode; use equal, shares, amounts or percent.", mode=str(mode)[:20]),
            field='split',
        )
    assert isinstance(mode, str)
    if mode == 'equal':
        return mode, [Decimal(1)] * len(members)
    parts = [_parse_part(item) for item in _as_list(raw_parts)]
    if len(parts) != len(members):
        raise Invalid(
            Message(
                'A split by {mode} needs one part per member: {members} members, {parts} parts.',
                mode=mode,
                members=len(members),
                parts=len(parts),
            ),
            field='split',
        )
    if mode == 'amounts':
        if any(p != p.quantize(Decimal('0.01')) for p in parts):
            raise Invalid(Message('The amounts of a split have at most two decimals.'), field='split')
        total = int(sum(parts) * 100)
        if total != amount_cents:
            difference = cents_to_text(abs(total - amount_cents))
            if total < amount_cents:
                message = Message(
                    'The amounts of the split add up to {total}, {difference} less than the amount {amount}.',
                    total=cents_to_text(total), difference=difference, amount=cents_to_text(amount_cents),
                )  # fmt: skip
            else:
                message = Message(
                    'The amounts of the split add up to {total}, {difference} more than the amount {amount}.',
                    total=cents_to_text(total), difference=difference, amount=cents_to_text(amount_cents),
                )  # fmt: skip
            raise Invalid(message, field='split')
    if mode == 'percent' and sum(parts, Decimal(0)) != 100:
        raise Invalid(
            Message('The percents of the split add up to {total}, not 100.', total=str(sum(parts, Decimal(0)))),
            field='split',
        )
    return mode, parts


# --- who may pay and share ----------------------------------------------------------------------------


def household_ids(owner_id: int) -> list[int]:
    """The owner and the users linked to them: who may pay an expense of theirs."""
    return access.visible_owner_ids(owner_id)


def _check_people(actor: User, owner_id: int, payer: int, members: Iterable[int]) -> None:
    """The payer is the owner or linked to them; every member is the payer or linked to the payer; the
    actor sees them all. Anyone else answers as a user that does not exist (404)."""
    seen = set(access.visible_owner_ids(actor))
    if payer not in seen or payer not in household_ids(owner_id):
        raise NotFound(Message('No user {id} shares this expense with you.', id=payer), field='paid_by')
    allowed = set(household_ids(payer)) & seen
    for member in members:
        if member not in allowed:
            raise NotFound(
                Message('No user {id} is linked to the payer; a split shares only between linked users.', id=member),
                field='split',
            )


def default_split(user_id: int) -> str:
    preference = HouseholdPreference.get_or_none(HouseholdPreference.user == user_id)
    return preference.default_split if preference is not None else 'me'


def set_default_split(user: User, value: str) -> str:
    """The split a new expense of `user` starts with: `me` (just me) or `equal` (equally with everyone
    linked to me)."""
    if value not in DEFAULT_SPLITS:
        raise Invalid(Message("'{value}' is not a default split; use me or equal.", value=str(value)[:20]),
                      field='default_split')  # fmt: skip
    with write_transaction():
        updated = HouseholdPreference.update(default_split=value).where(HouseholdPreference.user == user.id).execute()
        if not updated:
            HouseholdPreference.create(user=user.id, default_split=value)
    return value


# --- writing ------------------------------------------------------------------------------------------


def _current(expense_id: int) -> tuple[ExpenseSplit | None, list[ExpenseShare]]:
    split = ExpenseSplit.get_or_none(ExpenseSplit.expense == expense_id)
    if split is None:
        return None, []
    return split, list(ExpenseShare.select().where(ExpenseShare.split == split.id).order_by(ExpenseShare.position))


def _is_frozen(split: ExpenseSplit | None, shares: list[ExpenseShare]) -> bool:
    """Shared with someone no longer linked to the payer: unlinking keeps it as it was."""
    if split is None:
        return False
    linked = set(household_ids(split.paid_by_id))
    return any(share.user_id not in linked for share in shares)


def _refuse_frozen() -> None:
    raise Conflict(
        Message(
            'This expense is shared with someone who is no longer linked to its payer: its amount, payer and '
            'split are kept as they were, so that both keep the same balance.'
        ),
        field='split',
    )


def deletable(row: ExpenseRow) -> ExpenseRow:
    """The row about to be deleted, with its split (for Undo). Deleting an expense shared with a former link
    would change what the two owe each other: refused."""
    if _is_frozen(*_current(row.id)):
        _refuse_frozen()
    return with_split(row)


def record_split(actor: User, expense_id: int, data: Mapping, *, creating: bool) -> bool:
    """Store the payer and split that `data` asks for (see the module and `SPLIT_KEYS`, `paid_by`), inside
    the caller's transaction. Creating without either: the owner's default split. Updating: only when the
    amount, payer or split changes; the split's mode and parts are kept for a new amount. True when the
    expense has a split row now (someone else pays or shares it)."""
    asked = _split_object(data)
    payer_given = not is_blank(data.get('paid_by'))
    usual = creating and asked is None and not payer_given
    # the usual case, without a savepoint: nobody linked (an equal split would be just me), or just me
    if usual and (not access.linked_user_ids(actor.id) or default_split(actor.id) == 'me'):
        return False
    with write_transaction():  # a savepoint inside a caller's transaction
        return _record_split(actor, expense_id, data, creating=creating, asked=asked, payer_given=payer_given)


def _record_split(
    actor: User, expense_id: int, data: Mapping, *, creating: bool, asked: dict | None, payer_given: bool
) -> bool:
    expense = Expense.get_by_id(expense_id)
    split, shares = _current(expense.id)
    if not creating and asked is None and not payer_given and 'amount' not in data:
        return split is not None
    payer = parse_id(data.get('paid_by'), field='paid_by') if payer_given else None
    if payer is None:
        payer = split.paid_by_id if split is not None else expense.owner_id
    if asked is None and split is not None:
        kept: list[object] = [share.part for share in shares] if split.mode != 'equal' else []
        asked = {'mode': split.mode, 'members': [share.user_id for share in shares], 'parts': kept}
    if asked is None:
        if creating and default_split(expense.owner_id) == 'equal':
            asked = {'mode': 'equal', 'members': household_ids(expense.owner_id)}
        else:
            asked = {'mode': 'equal', 'members': [expense.owner_id]}
    members = _parse_members(asked.get('members'))
    mode_asked = 'equal' if is_blank(asked.get('mode')) else asked.get('mode')
    mode, parts = _check_parts(mode_asked, members, asked.get('parts'), expense.amount_cents)
    if payer in members and members[0] != payer:  # the payer first: the remainder-cent rule
        at = members.index(payer)
        members.insert(0, members.pop(at))
        parts.insert(0, parts.pop(at))
    cents = shares_for(expense.amount_cents, mode, parts)
    trivial = payer == expense.owner_id and members == [expense.owner_id]
    if not creating:
        was = (split.paid_by_id, [(s.user_id, s.share_cents) for s in shares]) if split is not None else None
        if was == (None if trivial else (payer, list(zip(members, cents, strict=True)))):
            return split is not None  # nothing changes (a form sends the split back as it was)
        if _is_frozen(split, shares):
            _refuse_frozen()
    _check_people(actor, expense.owner_id, payer, members)
    if split is not None:
        split.delete_instance(recursive=True)
    if trivial:
        return False  # just me: no row
    row = ExpenseSplit.create(expense=expense.id, paid_by=payer, mode=mode)
    ExpenseShare.insert_many(
        [
            {
                'split': row.id,
                'user': member,
                'position': position,
                'part': '' if mode == 'equal' else str(part.normalize()),
                'share_cents': share,
            }
            for position, (member, part, share) in enumerate(zip(members, parts, cents, strict=True))
        ]
    ).execute()
    return True


def as_data(row: ExpenseRow) -> dict[str, object]:
    """The payer and split of a row as `record_split` reads them (to restore a deleted expense)."""
    if row.split is None:
        return {'paid_by': row.owner_id, 'split': {'mode': 'equal', 'members': [row.owner_id]}}
    split = {'mode': row.split.mode, 'members': list(row.split.members), 'parts': list(row.split.parts)}
    return {'paid_by': row.paid_by, 'split': split}


# --- reading ------------------------------------------------------------------------------------------


def split_views(expense_ids: Sequence[int]) -> dict[int, tuple[int, SplitView]]:
    """The payer and split of each of these expenses that has one, in two queries."""
    if not expense_ids:
        return {}
    splits = {s.id: s for s in ExpenseSplit.select().where(among(ExpenseSplit.expense, expense_ids))}
    if not splits:
        return {}
    rows = (
        ExpenseShare.select(ExpenseShare, User.username.alias('username'))
        .join(User, on=(ExpenseShare.user == User.id))
        .where(ExpenseShare.split.in_(list(splits)))
        .order_by(ExpenseShare.split, ExpenseShare.position)
        .objects()
    )
    by_split: dict[int, list[ExpenseShare]] = {}
    for share in rows:
        by_split.setdefault(share.split_id, []).append(share)
    out = {}
    for split_id, split in splits.items():
        shares = by_split.get(split_id, [])
        view = SplitView(
            mode=split.mode,
            members=tuple(s.user_id for s in shares),
            parts=tuple(float(s.part) for s in shares) if split.mode != 'equal' else (),
            shares=tuple(
                Share(
                    user_id=s.user_id,
                    username=s.username,  # type: ignore[attr-defined]  # the aliased column
                    amount_cents=s.share_cents,
                    amount=cents_to_number(s.share_cents),
                    part=float(s.part) if s.part else None,
                )
                for s in shares
            ),
        )
        out[split.expense_id] = (split.paid_by_id, view)
    return out


def with_splits(rows: Sequence[ExpenseRow]) -> tuple[ExpenseRow, ...]:
    """The rows with their payer (`paid_by`) and split filled in (None: just the owner)."""
    views = split_views([row.id for row in rows])
    out = []
    for row in rows:
        payer, view = views.get(row.id, (row.owner_id, None))
        same = payer == row.paid_by and view is None and row.split is None  # most rows: no copy to make
        out.append(row if same else replace(row, paid_by=payer, split=view))
    return tuple(out)


def with_split(row: ExpenseRow) -> ExpenseRow:
    return with_splits([row])[0]


def split_form(user: User, row: ExpenseRow | None) -> SplitForm:
    """The form's split block for a new expense of `user` (row None) or for the expense `row`."""
    owner_id = row.owner_id if row is not None else user.id
    seen = set(access.visible_owner_ids(user))
    ids = [i for i in household_ids(owner_id) if i in seen]
    names = {u.id: u.username for u in User.select(User.id, User.username).where(User.id.in_(ids))}
    members = tuple(HouseholdMember(i, names[i]) for i in ids if i in names)
    frozen = False
    if row is not None:
        row = with_split(row)
        frozen = _is_frozen(*_current(row.id))
    return SplitForm(
        members=members,
        owner_id=owner_id,
        paid_by=row.paid_by or owner_id if row is not None else owner_id,
        split=row.split if row is not None else None,
        default_split=default_split(owner_id) if row is None else 'me',
        frozen=frozen,
    )
