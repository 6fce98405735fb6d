"""Listing and finding expenses: a month as before, or a search over all time with filters (issue 18).

One function reads the filters for every caller (`parse_filters`: the API's query parameters and the page's
URL carry the same names), one builds the conditions, and `list_expenses` / `iter_expenses` /
`longest_texts` answer the table, the API and the exports alike. Whose expenses are looked at is always
`access.owner_ids_for`: a search never reaches an unlinked user's expense.

Words are found in descriptions and places through the full-text index (SQLite FTS5, migrations 12 and 16; on
PostgreSQL a GIN index over a `tsvector`, migrations 16 and 21, search_postgres; a SQLite file without the index
compares the folded columns instead), and in the names
of categories, subcategories, payment methods, tags and creators: those are few, so they are matched here
in Python (case and accents folded, a word matches the start of any word of the name) and become id lists.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import reduce
from typing import Any, cast

from peewee import SQL, Case, ColumnBase, ModelSelect, fn

from app.db import db, is_postgres
from app.i18n import Message
from app.models import Category, Expense, ExpenseTag, PaymentMethod, Receipt, User
from app.services import access, categories, conversion, payment_methods, search_postgres, tags
from app.services.errors import Invalid, NotFound
from app.services.expense_rows import _ROW_COLUMNS, Subcategory, _joined_query, rows_of, rows_of_query
from app.services.expenses_types import ExpensePage, ExpenseRow, LongestTexts
from app.services.money import cents_to_number, parse_amount
from app.services.months import Month, parse_date
from app.services.search_postgres import PG_OWNED_DOCUMENT
from app.services.search_terms import SearchTerms, parse_search
from app.services.validation import is_blank, parse_id

SORT_FIELDS = ('date', 'amount', 'category', 'payment_method', 'description', 'created_by')
DEFAULT_SORT = '-date'
FILTER_FIELDS = (
    'search',
    'from',
    'to',
    'category_id',
    'payment_method_id',
    'tag',
    'min',
    'max',
    'created_by',
    'has_receipt',
)
_YES, _NO = ('1', 'true', 'yes', 'on'), ('0', 'false', 'no', 'off')


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpenseFilters:
    """What a list covers. `month` None is every month; the other fields narrow it, all together."""

    month: Month | None = None
    scope: str = 'everyone'
    search: str = ''
    terms: SearchTerms = SearchTerms()
    date_from: date | None = None
    date_to: date | None = None
    category_id: int | None = None
    payment_method_id: int | None = None
    tag: str = ''
    min_cents: int | None = None
    max_cents: int | None = None
    created_by: int | None = None
    has_receipt: bool | None = None

    @property
    def narrowed(self) -> bool:
        """A search or a filter is on (the page then leaves the month and says so)."""
        return replace(self, month=None, scope='everyone') != ExpenseFilters()


def _bool(value: object, field: str) -> bool | None:
    if is_blank(value):
        return None
    text = str(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise Invalid(Message('{field} must be true or false.', field=field), field=field)


def _creator(user: User, value: object) -> int | None:
    """A creator among the users the user sees: by id, or by name."""
    if is_blank(value):
        return None
    visible = access.visible_owner_ids(user)
    text = str(value).strip()
    if text.isdigit():
        number = parse_id(text, field='created_by')
        if number in visible:
            return number
    else:
        found = User.get_or_none(User.username_key == text.lower())
        if found is not None and found.id in visible:
            return found.id
    raise NotFound(Message('No user you share with is called {name}.', name=text[:40]), field='created_by')


def parse_filters(
    user: User, values: Mapping[str, Any], *, month: Month | None = None, scope: str = 'everyone'
) -> ExpenseFilters:
    """The filters from query parameters or a page's URL (names: FILTER_FIELDS), checked: ids the user cannot
    see answer NotFound, malformed values and upside-down ranges Invalid naming the field."""

    def given(name: str) -> Any:
        value = values.get(name)
        return None if is_blank(value) else value

    search = str(given('search') or '')
    terms = parse_search(search)
    first = parse_date(given('from'), field='from') if given('from') is not None else None
    last = parse_date(given('to'), field='to') if given('to') is not None else None
    if first is not None and last is not None and first > last:
        raise Invalid(Message('The dates are upside down: "from" comes after "to".'), field='from')
    low = parse_amount(given('min'), field='min') if given('min') is not None else None
    high = parse_amount(given('max'), field='max') if given('max') is not None else None
    if low is not None and high is not None and low > high:
        raise Invalid(Message('The amounts are upside down: the minimum is more than the maximum.'), field='min')
    category_id = given('category_id')
    if category_id is not None:
        category_id = categories.get_category(user, category_id, field='category_id').id
    method_id = given('payment_method_id')
    if method_id is not None:
        method_id = payment_methods.get_payment_method(user, method_id, field='payment_method_id').id
    tag = tags.clean_tag(given('tag'), field='tag') if given('tag') is not None else ''
    return ExpenseFilters(
        month=month,
        scope=access.check_scope(scope),
        search=' '.join(search.split()),
        terms=terms,
        date_from=first,
        date_to=last,
        category_id=category_id,
        payment_method_id=method_id,
        tag=tag,
        min_cents=low,
        max_cents=high,
        created_by=_creator(user, given('created_by')),
        has_receipt=_bool(given('has_receipt'), 'has_receipt'),
    )


def as_query(filters: ExpenseFilters) -> dict[str, str]:
    """The filters as query parameters (the page's URL, an export's link): only those that are set."""
    values = {
        'search': filters.search,
        'from': filters.date_from.isoformat() if filters.date_from else '',
        'to': filters.date_to.isoformat() if filters.date_to else '',
        'category_id': str(filters.category_id or ''),
        'payment_method_id': str(filters.payment_method_id or ''),
        'tag': filters.tag,
        'min': f'{filters.min_cents / 100:.2f}' if filters.min_cents else '',
        'max': f'{filters.max_cents / 100:.2f}' if filters.max_cents else '',
        'created_by': str(filters.created_by or ''),
        'has_receipt': '' if filters.has_receipt is None else str(filters.has_receipt).lower(),
    }
    return {name: value for name, value in values.items() if value}


# --- conditions ----------------------------------------------------------------------------------------


def _has_index() -> bool:
    """A text index answers words: FTS5 on SQLite (migrations 12 and 16; a database made from the models alone
    has none, and the columns are then compared), the GIN `tsvector` index of migration 21 on PostgreSQL (whose
    expression also works, only slower, without the index)."""
    if is_postgres():
        return True
    row = db.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'expense_fts'").fetchone()
    return row is not None


def _fts_match(word: str, owners: Sequence[int]) -> str:
    """The FTS5 query for a word in descriptions and places, among these owners' expenses only (migration 16
    indexes the owner): FTS5 intersects the two lists, so a common word costs its household's matches, not
    every household's. The word is letters and digits only (search_terms) and quoted: never FTS syntax."""
    whose = ' OR '.join(f'"{int(owner)}"' for owner in owners)
    return f'{{description place}} : "{word}"* AND owner_id : ({whose})'


@dataclass(frozen=True, slots=True)
class _Names:
    """The folded names of what the household's expenses are filed under: (id, folded name) pairs."""

    categories: list[tuple[int, str]]
    payment_methods: list[tuple[int, str]]
    users: list[tuple[int, str]]
    tags: list[tuple[int, str]]

    @classmethod
    def of(cls, owners: Sequence[int]) -> _Names:
        def folded(rows: Any) -> list[tuple[int, str]]:
            return [(number, tags.fold(name)) for number, name in rows]

        return cls(
            folded(Category.select(Category.id, Category.name).where(Category.owner.in_(owners)).tuples()),
            folded(
                PaymentMethod.select(PaymentMethod.id, PaymentMethod.name)
                .where(PaymentMethod.owner.in_(owners))
                .tuples()
            ),
            folded(User.select(User.id, User.username).where(User.id.in_(owners)).tuples()),
            tags.household_tags(owners),
        )


def _starts_a_word(word: str, name: str) -> bool:
    return any(part.startswith(word) for part in ''.join(c if c.isalnum() else ' ' for c in name).split())


def _word_condition(word: str, names: _Names, owners: Sequence[int], indexed: bool, *, alone: bool) -> ColumnBase:
    """A word anywhere: description or place (full text), or the start of a word of a name. `alone`: the
    condition is ANDed with the others (a word), not ORed with an amount (a number also looked for as a word):
    on PostgreSQL it is then written on the row itself (search_postgres), else as a list of ids."""

    def ids(rows: list[tuple[int, str]]) -> list[int]:
        return [number for number, name in rows if _starts_a_word(word, name)]

    by_column = {
        'category_id': ids(names.categories),
        'subcategory_id': ids(names.categories),
        'payment_method_id': ids(names.payment_methods),
        'owner_id': ids(names.users),
    }
    tag_ids = ids(names.tags)
    if alone and is_postgres():
        return search_postgres.word_condition(word, owners, by_column, tag_ids)
    if indexed:
        # one list of ids (the text index's matches and the few names' rows, each read from an index), so that
        # the query starts from it rather than from every expense of the household
        table, tagged = Expense._meta.table_name, ExpenseTag._meta.table_name
        if is_postgres():
            mark = '%s'  # the word is letters and digits only (search_terms): `word:*` is never tsquery syntax
            document = f"{PG_OWNED_DOCUMENT} @@ (to_tsquery('simple'::regconfig, %s) && %s::tsquery)"
            parts = [f'SELECT id FROM "{table}" WHERE {document}']  # the household's only, as FTS5's owner_id
            params: list[object] = [f'{word}:*', search_postgres.owners_query(owners)]
        else:
            mark = '?'
            parts = ['SELECT rowid FROM expense_fts WHERE expense_fts MATCH ?']
            params = [_fts_match(word, owners)]
        for column, found in by_column.items():
            if found:
                parts.append(f'SELECT id FROM "{table}" WHERE "{column}" IN ({", ".join([mark] * len(found))})')
                params += found
        if tag_ids:
            parts.append(f'SELECT expense_id FROM "{tagged}" WHERE tag_id IN ({", ".join([mark] * len(tag_ids))})')
            params += tag_ids
        # PostgreSQL: OFFSET 0 plans the list on its own (the GIN index, a bitmap) instead of folding it into a
        # join that would compute the document of every expense of the household to test it
        fence = ' OFFSET 0' if is_postgres() else ''
        return Expense.id.in_(SQL('(' + ' UNION ALL '.join(parts) + fence + ')', params))
    # no index (a SQLite database made from the models alone): the columns themselves, case folded
    columns: dict[str, Any] = {'category_id': Expense.category, 'subcategory_id': Expense.subcategory}
    columns |= {'payment_method_id': Expense.payment_method, 'owner_id': Expense.owner}
    conditions: list[ColumnBase] = [fn.LOWER(Expense.description).contains(word)]
    conditions.append(fn.LOWER(Expense.place).contains(word))
    conditions += [columns[name].in_(found) for name, found in by_column.items() if found]
    if tag_ids:
        conditions.append(Expense.id.in_(ExpenseTag.select(ExpenseTag.expense).where(ExpenseTag.tag.in_(tag_ids))))
    return reduce(operator.or_, conditions)


def _receipt_condition(has_receipt: bool) -> ColumnBase:
    """With or without a receipt that is shown (one set aside by a deletion does not count)."""
    with_one = Expense.id.in_(Receipt.select(Receipt.expense_id).where(Receipt.deleted_at.is_null()))
    return with_one if has_receipt else ~with_one


def _conditions(user: User, filters: ExpenseFilters) -> list[ColumnBase]:
    owners = access.owner_ids_for(user, filters.scope)
    terms = filters.terms
    indexed = _has_index()
    if terms.words and indexed:
        # every word's matches are already narrowed to these owners by the text index (`_fts_match`, or
        # search_postgres): the query must start from them, not walk the owners' whole index (200,000 rows of a
        # household in a million expenses; `+ 0` keeps SQLite and PostgreSQL off that index)
        out: list[ColumnBase] = [(Expense.owner + 0).in_(owners)]
    else:
        out = [Expense.owner.in_(owners)]
    if filters.month is not None:
        out.append(Expense.date.between(filters.month.first_day, filters.month.last_day))
    firsts = [day for day in (filters.date_from, terms.date_from) if day is not None]
    lasts = [day for day in (filters.date_to, terms.date_to) if day is not None]
    if firsts:
        out.append(Expense.date >= max(firsts))
    if lasts:
        out.append(Expense.date <= min(lasts))
    lows = [cents for cents in (filters.min_cents, terms.min_cents) if cents is not None]
    highs = [cents for cents in (filters.max_cents, terms.max_cents) if cents is not None]
    if lows:
        out.append(Expense.amount_cents >= max(lows))
    if highs:
        out.append(Expense.amount_cents <= min(highs))
    if filters.category_id is not None:
        out.append((Expense.category == filters.category_id) | (Expense.subcategory == filters.category_id))
    if filters.payment_method_id is not None:
        out.append(Expense.payment_method == filters.payment_method_id)
    if filters.created_by is not None:
        out.append(Expense.owner == filters.created_by)
    if filters.tag:
        tagged = ExpenseTag.select(ExpenseTag.expense).where(
            ExpenseTag.tag.in_(tags.matching_tag_ids(owners, [tags.key_of(filters.tag)]))
        )
        out.append(Expense.id.in_(tagged))
    if filters.has_receipt is not None:
        out.append(_receipt_condition(filters.has_receipt))
    for literal in terms.literals:
        out.append(Expense.description.contains(literal) | Expense.place.contains(literal))
    if terms.words or terms.numbers:
        names = _Names.of(owners)
        out += [_word_condition(word, names, owners, indexed, alone=True) for word in terms.words]
        for number in terms.numbers:
            either: list[ColumnBase] = [Expense.amount_cents == number.cents] if number.cents is not None else []
            if number.word:
                either.append(_word_condition(number.word, names, owners, indexed, alone=False))
            out.append(reduce(operator.or_, either) if either else SQL('1 = 0'))
    return out


def _sort_order(sort: str) -> list:
    """`date`, `-amount`...: the main column in the asked direction, then the newest first on ties."""
    text = (sort or DEFAULT_SORT).strip()
    descending = text.startswith('-')
    name = text.lstrip('-+')
    if name == 'date':
        return [Expense.date.desc(), Expense.id.desc()] if descending else [Expense.date.asc(), Expense.id.asc()]
    orders: dict[str, list[Any]] = {
        'amount': [Expense.amount_cents],
        'category': [fn.LOWER(Category.name), fn.LOWER(fn.COALESCE(Subcategory.name, ''))],
        'payment_method': [fn.LOWER(fn.COALESCE(PaymentMethod.name, ''))],
        'description': [fn.LOWER(Expense.description)],
        'created_by': [User.username_key],
    }
    columns = orders.get(name)
    if columns is None:
        raise Invalid(
            Message(
                "'{name}' cannot be sorted on; use one of {choices}.", name=name[:30], choices=', '.join(SORT_FIELDS)
            ),
            field='sort',
        )
    return [*(c.desc() if descending else c.asc() for c in columns), Expense.date.desc(), Expense.id.desc()]


def _filtered(user: User, filters: ExpenseFilters, *columns: Any) -> ModelSelect[Expense]:
    return _joined_query(*columns).where(*_conditions(user, filters))


def _filters_of(month: Month | None, scope: str, search: str, filters: ExpenseFilters | None) -> ExpenseFilters:
    if filters is not None:
        return filters
    return ExpenseFilters(month=month, scope=access.check_scope(scope), search=search, terms=parse_search(search))


def conditions_for(
    user: User, month: Month | None, *, scope: str = 'everyone', filters: ExpenseFilters | None = None
) -> list[ColumnBase]:
    """The conditions on `Expense` alone that `iter_expenses` applies: for readers that build their own
    query over the same expenses (the exports' two streamed cursors, `export_rows`)."""
    return _conditions(user, _filters_of(month, scope, '', filters))


def list_expenses(
    user: User,
    month: Month | None,
    *,
    scope: str = 'everyone',
    search: str = '',
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int | None = None,
    filters: ExpenseFilters | None = None,
) -> ExpensePage:
    """The month's expenses (every month when `month` is None) the user may see, sorted, one page of them.

    `filters` (from `parse_filters`) replaces month, scope and search when given. `sort` is a field name,
    prefixed with `-` for descending: date, amount, category, payment_method, description, created_by. The
    count and the total cover every matching expense, not just the page.
    """
    name, count, cents, rows = page_parts(
        user, month, scope=scope, search=search, sort=sort, offset=offset, limit=limit, filters=filters
    )
    total = cents_to_number(cents)
    return ExpensePage(month=name, count=count, total=total, total_cents=cents, offset=offset, expenses=tuple(rows))


def page_parts(  # noqa: PLR0913 - list_expenses' own parameters, and how rows are built
    user: User,
    month: Month | None,
    *,
    scope: str = 'everyone',
    search: str = '',
    sort: str = DEFAULT_SORT,
    offset: int = 0,
    limit: int | None = None,
    filters: ExpenseFilters | None = None,
    build: Callable[[ModelSelect[Expense]], Sequence[Any]] = rows_of_query,
) -> tuple[str, int, int, Sequence[Any]]:
    """`list_expenses`' month name, count, total in cents and rows, the rows built by `build` from the joined
    query (the API's plain rows: `expense_listing`); a search by words brings `ExpenseRow`s whatever `build`."""
    if offset < 0:
        raise Invalid(Message('offset must be zero or more.'), field='offset')
    if limit is not None and not 1 <= limit <= 100_000:
        raise Invalid(Message('limit must be between 1 and 100000.'), field='limit')
    chosen = _filters_of(month, scope, search, filters)
    order = _sort_order(sort)
    conditions = _conditions(user, chosen)
    found = _ranked(conditions, order, sort, offset, limit) if chosen.terms.words else None
    expenses: Sequence[Any]
    if found is not None:
        count, total_cents, expenses = found
    else:
        # the totals need no names: every condition is on the expense itself, whose category and creator exist
        # an expense waiting for its exchange rate is listed but not added (issue 20)
        adds = Case(None, [(conversion.counted(), Expense.amount_cents)], 0)
        totals = Expense.select(fn.COUNT(Expense.id), fn.SUM(adds)).where(*conditions)
        counted, total = cast(tuple[int | None, int | None], totals.tuples().get())
        query = _joined_query(*_ROW_COLUMNS).where(*conditions).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        count, total_cents, expenses = int(counted or 0), int(total or 0), build(query)
    return str(chosen.month) if chosen.month is not None else 'all', count, total_cents, expenses


def _ranked(
    conditions: list[ColumnBase], order: list, sort: str, offset: int, limit: int | None
) -> tuple[int, int, list[ExpenseRow]] | None:
    """A search's count, total and page in one query (window functions over the matches, then the page's ids),
    then the names of the page's rows only: the matches are found once instead of twice (count, then page),
    and each is read once, by its id. None when the page is past the end (no row carries the count): the
    caller then asks for the count apart."""
    adds = Case(None, [(conversion.counted(), Expense.amount_cents)], 0)  # not while waiting for a rate (issue 20)
    columns = (Expense.id, fn.COUNT(Expense.id).over(), fn.SUM(adds).over())
    by_name = (sort or DEFAULT_SORT).strip().lstrip('-+') not in ('date', 'amount', 'description')
    query = (_joined_query(*columns) if by_name else Expense.select(*columns)).where(*conditions).order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    page = cast(list[tuple[int, int, int]], list(query.tuples()))
    if not page:
        return (0, 0, []) if not offset else None
    ids = [row[0] for row in page]
    by_id: dict[int, Expense] = {}
    for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters
        chunk = ids[start : start + 500]
        by_id.update((e.id, e) for e in _joined_query(*_ROW_COLUMNS).where(Expense.id.in_(chunk)).objects())
    return int(page[0][1]), int(page[0][2] or 0), rows_of(by_id[i] for i in ids if i in by_id)


def iter_expenses(
    user: User, month: Month | None, *, scope: str = 'everyone', filters: ExpenseFilters | None = None
) -> Iterator[ExpenseRow]:
    """Every matching expense, oldest first, streamed from the cursor (for exports of any size), with its tags
    loaded 500 expenses at a time."""
    chosen = _filters_of(month, scope, '', filters)
    query = _filtered(user, chosen, *_ROW_COLUMNS).order_by(Expense.date, Expense.id).objects()
    batch: list[Expense] = []
    for expense in query.iterator():
        batch.append(expense)
        if len(batch) == 500:
            yield from rows_of(batch)
            batch = []
    yield from rows_of(batch)


def longest_texts(
    user: User, month: Month | None, *, scope: str = 'everyone', filters: ExpenseFilters | None = None
) -> LongestTexts:
    """The lengths of the longest texts `iter_expenses` would give, per column, in one query."""
    query = _filtered(
        user,
        _filters_of(month, scope, '', filters),
        fn.MAX(fn.LENGTH(Category.name)),
        fn.MAX(fn.LENGTH(Subcategory.name)),
        fn.MAX(fn.LENGTH(PaymentMethod.name)),
        fn.MAX(fn.LENGTH(Expense.description)),
        fn.MAX(fn.LENGTH(User.username)),
        fn.MAX(Expense.amount_cents),
    ).tuples()
    longest = cast(tuple[int | None, ...], query.get())  # NULLs when nothing matched
    return LongestTexts(*(int(value or 0) for value in longest))
