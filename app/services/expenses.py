"""Expenses: create, read, update, delete, list a month, and undo a deletion.

Listing and searching live in `expense_search` (re-exported here under their old names), the shape of a
row in `expense_rows`; an expense's tags are written with it (`data['tags']`, app/services/tags.py).

The rules live here and nowhere else: amounts are parsed by `money.parse_amount`, dates by
`months.parse_date`; an expense needs a visible category, its optional subcategory must belong to that
category, a payment method is required, coordinates are finite and in range. Whose expenses a user
sees is decided by `access`: an id outside that set answers NotFound, exactly like a missing id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from peewee import IntegrityError

from app import prepared
from app.db import write_transaction
from app.i18n import Message
from app.models import Category, Expense, PaymentMethod, User, utcnow
from app.models.expense import REQUEST_ID_LENGTH
from app.services import access, categories, conversion, household_currency, payment_methods, receipt_rows, splits, tags
from app.services.clock import today
from app.services.errors import Invalid, NotFound
from app.services.expense_rows import _ROW_COLUMNS, Subcategory, _joined_query, _row, new_row, rows_of
from app.services.expense_search import (
    DEFAULT_SORT,
    SORT_FIELDS,
    ExpenseFilters,
    iter_expenses,
    list_expenses,
    longest_texts,
    parse_filters,
)
from app.services.expenses_types import DeletedExpense, ExpensePage, ExpenseRow, LastChoices, LongestTexts
from app.services.money import cents_to_text, parse_amount
from app.services.months import parse_date
from app.services.validation import clean_text, is_blank, parse_coordinate, parse_id

FIELDS = (
    'amount',
    'date',
    'category_id',
    'subcategory_id',
    'payment_method_id',
    'description',
    'latitude',
    'longitude',
    'place',
)
MAX_DESCRIPTION = 500
MAX_PLACE = 120
MAX_PAGE = 1000
_REQUEST_ID = re.compile(r'[A-Za-z0-9._:-]+')

# --- reading ------------------------------------------------------------------------------------------


def _find(user: User, expense_id: object) -> Expense:
    """The expense with its names joined, if the user may see it; NotFound otherwise (missing or not theirs)."""
    number = parse_id(expense_id, field='id')
    owners = access.visible_owner_ids(user)
    expense = prepared.first(
        f'expense row among {len(owners)}',  # every save and edit: its SQL built once (app/prepared.py)
        lambda: (
            _joined_query(*_ROW_COLUMNS).where((Expense.id == number) & Expense.owner.in_(owners)).objects().limit(1)
        ),
        [number, *owners, 1],
    )
    if expense is None:
        raise NotFound(
            Message('Expense {number} does not exist; GET /sysapi/expenses?month=YYYY-MM lists yours.', number=number),
            field='id',
        )
    return expense


def get_expense(user: User, expense_id: object) -> ExpenseRow:
    return rows_of([_find(user, expense_id)])[0]


def is_far_ahead(day: date, today: date) -> bool:
    """More than a year after `today`: most likely a slip in the year (2062 for 2026). Such a date is
    allowed (a planned expense), but forms ask before saving it."""
    try:
        limit = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        limit = date(today.year + 1, 3, 1)
    return day > limit


def last_choices(user: User) -> LastChoices:
    """The category, subcategory and payment method of the last expense the user created, still visible:
    the add dialog starts from them."""
    owners = access.visible_owner_ids(user)
    last = (
        Expense.select(Expense.category, Expense.subcategory, Expense.payment_method)
        .join(Category, on=(Expense.category == Category.id))
        .where((Expense.owner == user.id) & Category.owner.in_(owners))
        .order_by(Expense.id.desc())
        .first()
    )
    if last is None:
        return LastChoices()
    payment_method_id = last.payment_method_id
    if payment_method_id is not None and not (
        PaymentMethod.select().where((PaymentMethod.id == payment_method_id) & PaymentMethod.owner.in_(owners)).exists()
    ):
        payment_method_id = None
    return LastChoices(
        category_id=last.category_id, subcategory_id=last.subcategory_id, payment_method_id=payment_method_id
    )


# --- writing ------------------------------------------------------------------------------------------


def validate_location(data: Mapping, current: Expense | None = None) -> dict:
    """Latitude and longitude together (both or neither), finite and in range; place is short text.

    Returns the columns to store (only those `data` mentions)."""
    out: dict = {}
    has_lat, has_lon = 'latitude' in data, 'longitude' in data
    if has_lat or has_lon:
        latitude = parse_coordinate(data.get('latitude'), field='latitude', limit=90) if has_lat else None
        longitude = parse_coordinate(data.get('longitude'), field='longitude', limit=180) if has_lon else None
        if not has_lat and current is not None:
            latitude = current.latitude
        if not has_lon and current is not None:
            longitude = current.longitude
        if (latitude is None) != (longitude is None):
            if longitude is None:
                raise Invalid(
                    Message('Give both a latitude and a longitude, or neither; the longitude is missing.'),
                    field='longitude',
                )
            raise Invalid(
                Message('Give both a latitude and a longitude, or neither; the latitude is missing.'), field='latitude'
            )
        out['latitude'], out['longitude'] = latitude, longitude
    if 'place' in data:
        out['place'] = clean_text(data.get('place'), field='place', max_length=MAX_PLACE, label=Message('place'))
    return out


def _category_columns(
    user: User, category_value: object, subcategory_value: object, sub_given: bool, refs: dict | None = None
) -> dict:
    if is_blank(category_value):
        raise Invalid(Message('Choose a category; every expense needs one.'), field='category_id')
    category = categories.get_category(user, category_value, field='category_id')
    subcategory = None
    if category.parent_id is not None:
        # a subcategory given as the category: file it under its parent
        if sub_given and not is_blank(subcategory_value):
            raise Invalid(
                Message(
                    "'{name}' is a subcategory; send its parent as category_id and it as subcategory_id.",
                    name=category.name,
                ),
                field='category_id',
            )
        subcategory, category = category, categories.get_category(user, category.parent_id, field='category_id')
    elif sub_given and not is_blank(subcategory_value):
        subcategory = categories.get_category(user, subcategory_value, field='subcategory_id')
        if subcategory.parent_id != category.id:
            raise Invalid(
                Message(
                    "'{name}' is not a subcategory of '{parent}'; choose one of its own.",
                    name=subcategory.name,
                    parent=category.name,
                ),
                field='subcategory_id',
            )
    if refs is not None:  # what was read, for the reference checks (_check_references)
        refs['category'], refs['subcategory'] = category, subcategory
    return {'category': category.id, 'subcategory': subcategory.id if subcategory else None}


def _check_references(owner_id: int, columns: dict, refs: dict) -> None:
    """An expense is filed only under things all its viewers see (issue 13, docs/security/chain.md). `refs`
    holds the category, subcategory and payment method `_parse_columns` already read in this call."""
    for column, model, label, name in (
        ('category', Category, 'category', 'category_id'),
        ('subcategory', Category, 'subcategory', 'subcategory_id'),
        ('payment_method', PaymentMethod, 'payment_method', 'payment_method_id'),
    ):
        if columns.get(column) is not None:
            known = refs.get(column)
            thing = known if known is not None and known.id == columns[column] else model.get_by_id(columns[column])
            access.check_may_reference(owner_id, thing.owner_id, label, thing.name, field=name)


def _parse(
    user: User, data: Mapping, current: Expense | None, owner_id: int | None = None, refs: dict | None = None
) -> dict:
    """The columns to write, from the fields present in `data` (all required ones when creating), checked
    against who sees the expense (its owner: `owner_id`, the current owner, or else the user). `refs` receives
    the category, subcategory and payment method read for the checks."""
    refs = {} if refs is None else refs
    out = _parse_columns(user, data, current, refs)
    owner = owner_id if owner_id is not None else current.owner_id if current is not None else user.id
    _check_references(owner, out, refs)
    return out


def parse_fields(user: User, data: Mapping, current: Expense | None = None) -> dict:
    """`_parse` for what files like an expense (a recurring rule): one set of rules for both."""
    return _parse(user, data, current)


def _parse_columns(user: User, data: Mapping, current: Expense | None, refs: dict) -> dict:
    creating = current is None
    out: dict = {}
    if creating or 'amount' in data:
        out['amount_cents'] = parse_amount(data.get('amount'))
    if creating or 'date' in data:
        value = data.get('date')
        out['date'] = today(user.timezone) if creating and is_blank(value) else parse_date(value)
    if creating or 'category_id' in data or 'subcategory_id' in data:
        category_value = data.get('category_id') if current is None or 'category_id' in data else current.category_id
        sub_given = 'subcategory_id' in data
        subcategory_value = data.get('subcategory_id')
        if current is not None and not sub_given and 'category_id' in data:
            # a new category without a subcategory: keep the old subcategory only if it still fits
            columns = _category_columns(user, category_value, None, False, refs)
            if current.subcategory_id is not None and columns['subcategory'] is None:
                old_sub = Category.get_or_none(Category.id == current.subcategory_id)
                if old_sub is not None and old_sub.parent_id == columns['category']:
                    columns['subcategory'] = old_sub.id
            out.update(columns)
        else:
            out.update(_category_columns(user, category_value, subcategory_value, sub_given, refs))
    if creating or 'payment_method_id' in data:
        value = data.get('payment_method_id')
        if is_blank(value):
            raise Invalid(Message('Choose a payment method.'), field='payment_method_id')
        method = payment_methods.get_payment_method(user, value, field='payment_method_id')
        refs['payment_method'] = method
        out['payment_method'] = method.id
    if creating or 'description' in data:
        out['description'] = clean_text(
            data.get('description'), field='description', max_length=MAX_DESCRIPTION, label=Message('description')
        )
    out.update(validate_location(data, current))
    return out


def create_expense(user: User, data: Mapping, request_id: object = None) -> ExpenseRow:
    """Record an expense from the fields of the reference's form (see FIELDS); the user is its owner.

    `request_id` is the client's id for this create (any text up to 100 characters, a UUID for instance):
    a replay by the same user with the same id returns the expense the first call made, without a second
    row, even when two replays race. The body of a replay is not compared: an id reused for a different
    expense still answers with the first one, so a client uses a new id for every new expense. Once that
    expense is deleted, the id is free again.
    """
    with access.links_held():  # the links read once for the whole save (it changes none)
        return _create(user, data, parse_request_id(request_id))


def _create(user: User, data: Mapping, key: str | None) -> ExpenseRow:
    if key is not None:
        first = _created_by_request(user, key)
        if first is not None:
            return first
    try:
        refs: dict = {}
        with write_transaction():
            columns = _parse(user, data, None, refs=refs)
            # the household currency read under the write lock: a change committed just before counts
            household = household_currency.owner_currency(user.id)
            columns.update(household_currency.expense_currency(household, data, columns['amount_cents']))
            tag_names = tags.parse_tags(data.get('tags'))
            expense = Expense(owner=user.id, request_id=key, **columns)
            prepared.insert(expense)  # Expense.create, its INSERT built once
            if tag_names:  # a new expense has none to take away
                tags.set_expense_tags(user.id, expense.id, tag_names)
            split = splits.record_split(user, expense.id, data, creating=True)
            converted = split or columns['currency'] != household  # else nothing to convert (issue 20)
            if converted:
                conversion.count_expense(expense.id)
    except IntegrityError:
        # a concurrent replay inserted first: the unique (owner, request_id) index refused this one
        first = _created_by_request(user, key) if key is not None else None
        if first is None:
            raise
        return first
    saved = _find(user, expense.id) if converted else _as_read(user, expense, refs, household)
    return new_row(saved, tagged=bool(tag_names), split=split)


def _as_read(user: User, expense: Expense, refs: dict, household: str) -> Expense:
    """The expense just created, and not converted since, as `_find` reads it back, from what the save read
    under its write lock (the names of its category, subcategory and payment method; its owner is the user):
    a query fewer per save.
    tests/test_expense_create_row.py compares the two in every case."""
    category, subcategory, method = refs.get('category'), refs.get('subcategory'), refs.get('payment_method')
    if (
        category is None
        or method is None
        or category.id != expense.category_id
        or method.id != expense.payment_method_id
        or (subcategory.id if subcategory is not None else None) != expense.subcategory_id
    ):
        return _find(user, expense.id)
    names: Any = expense  # the aliased columns of _ROW_COLUMNS, as a joined read sets them
    names.category_name, names.category_color = category.name, category.color
    names.subcategory_name = subcategory.name if subcategory is not None else None
    names.payment_method_name = method.name
    names.created_by, names.household_currency = user.username, household
    return expense


def parse_request_id(value: object) -> str | None:
    """The client's request id: printable text without spaces, at most REQUEST_ID_LENGTH characters."""
    if is_blank(value):
        return None
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is None or len(text) > REQUEST_ID_LENGTH or not _REQUEST_ID.fullmatch(text):
        raise Invalid(
            Message(
                'request_id must be up to {request_id_length} letters, digits or the '
                'signs . _ : - (a UUID for instance), one per new expense.',
                request_id_length=REQUEST_ID_LENGTH,
            ),
            field='request_id',
        )
    return text


def _created_by_request(user: User, key: str) -> ExpenseRow | None:
    found = Expense.select(Expense.id).where((Expense.owner == user.id) & (Expense.request_id == key)).first()
    return get_expense(user, found.id) if found is not None else None


def update_expense(user: User, expense_id: object, data: Mapping) -> ExpenseRow:
    """Change the fields present in `data`; a blank optional field (subcategory, location) clears it."""
    with write_transaction():
        current = _find(user, expense_id)
        access.check_may_change(user, [current.owner_id], 'expense')
        columns = _parse(user, data, current)
        columns.update(household_currency.changed_currency(data, columns, current))
        conversion.uncount_expense(current.id)  # in its own currency, as typed, for the split's checks
        if 'tags' in data:
            tags.set_expense_tags(current.owner_id, current.id, tags.parse_tags(data.get('tags')))
            columns['updated_at'] = utcnow()
        if columns:
            columns['updated_at'] = utcnow()
            Expense.update(**columns).where(Expense.id == current.id).execute()
        splits.record_split(user, current.id, data, creating=False)
        conversion.count_expense(current.id)
    return get_expense(user, current.id)


def delete_expense(user: User, expense_id: object) -> DeletedExpense:
    """Delete; returns what is needed to undo it (`restore_expense`)."""
    with write_transaction():
        expense = _find(user, expense_id)
        access.check_may_change(user, [expense.owner_id], 'expense')
        kept = receipt_rows.detach(expense.id)
        row = splits.deletable(rows_of([expense])[0])  # refused when shared with a former link
        snapshot = DeletedExpense(row, expense.created_at, expense.request_id, receipt_ids=kept)
        expense.delete_instance()
    return snapshot


def restore_expense(user: User, snapshot: DeletedExpense) -> ExpenseRow:
    """Undo a deletion: the same expense again (same id when free), checked like a new one."""
    with write_transaction():
        row = snapshot.expense
        owner_id = row.owner_id
        if owner_id not in access.visible_owner_ids(user):
            raise NotFound(
                Message('This expense can no longer be restored: its owner is not shared with you any more.')
            )
        data = {name: getattr(row, name) for name in FIELDS if name not in ('amount', 'date')}
        data.update(amount=cents_to_text(row.amount_cents), date=row.date.isoformat(), currency=row.currency)
        access.check_may_change(user, [owner_id], 'expense', field=None)
        columns = _parse(user, data, None, owner_id)
        household = household_currency.owner_currency(owner_id)
        columns.update(household_currency.expense_currency(household, data, columns['amount_cents']))
        extra = {}
        if not Expense.select().where(Expense.id == row.id).exists():
            extra['id'] = row.id
        request_id = snapshot.request_id
        taken = Expense.select().where((Expense.owner == owner_id) & (Expense.request_id == request_id))
        if request_id and taken.exists():
            request_id = None  # recorded again meanwhile by a replay: the restored one gives the id up
        expense = Expense.create(
            owner=owner_id,
            created_at=snapshot.created_at or utcnow(),
            request_id=request_id,
            **columns,
            **extra,
        )
        tags.set_expense_tags(owner_id, expense.id, list(row.tags))
        splits.record_split(user, expense.id, splits.as_data(row), creating=True)
        conversion.count_expense(expense.id)
        receipt_rows.reattach(snapshot.receipt_ids, expense.id)
    return get_expense(user, expense.id)


__all__ = [
    'DEFAULT_SORT',
    'FIELDS',
    'SORT_FIELDS',
    'DeletedExpense',
    'ExpenseFilters',
    'ExpensePage',
    'ExpenseRow',
    'LastChoices',
    'LongestTexts',
    'Subcategory',
    '_ROW_COLUMNS',
    '_joined_query',
    '_row',
    'create_expense',
    'delete_expense',
    'get_expense',
    'iter_expenses',
    'list_expenses',
    'longest_texts',
    'parse_filters',
    'restore_expense',
    'update_expense',
]
