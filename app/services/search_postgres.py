"""The search's words on PostgreSQL (issue 18, migrations 16 and 21): the document indexed, and the condition
that finds a word through it in one pass over the matching rows.

The GIN index of migration 21 holds, per expense, the folded words of its description and place ('simple'
configuration: no stemming, case folded; accents folded by `translate`, which needs no extension, as Python's
`tags.fold` folds the words searched for) and one more lexeme, `#` and the owner's id, which no word typed can
be (search_terms keeps letters and digits only). A word is asked as `pizza:* & ('#1' | '#2')`: the index
intersects the word's list with the household's, as FTS5 does with its owner column on SQLite, so a common
word costs its household's matches, not every household's, and the owners' b-tree (200,000 entries for a
household of a million-expense installation) is not read at all.

A word's other matches (category, subcategory, payment method, creator, tag) are ORed on the same row, each
through its own index (`id = ANY(ARRAY(...))` for the tags: the primary key), so that PostgreSQL ORs the
bitmaps and reads each matching expense once, with its date and amount, for the count, the total and the
page. Migration 16's form (a list of ids in a subquery, then the household's rows joined to it) read every
expense of the household: 200,060 rows for "pizza" to keep 9,773 (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce
from typing import Any

from peewee import SQL, ColumnBase, Expression, fn

from app.models import Expense, ExpenseTag

_ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ'
_PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy'

# The indexed expression, as migration 21 writes it (a migration is frozen and imports nothing of the services;
# tests/test_search_index.py checks that both are the same text and that the planner uses the index).
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, translate(lower(coalesce(description, '') || ' ' || coalesce(place, '')), "
    f"'{_ACCENTED}', '{_PLAIN}'))"
)
PG_OWNED_DOCUMENT = f"({PG_DOCUMENT} || ('#' || owner_id::text)::tsvector)"


def owned_document() -> ColumnBase:
    """PG_OWNED_DOCUMENT over the query's own `expense` (its alias: the listing joins categories and payment
    methods, which have an owner_id too). The planner matches an index by the parsed expression, so the
    quoting and the CAST spelling differ from the migration's text without consequence."""
    text = fn.COALESCE(Expense.description, SQL("''")).concat(SQL("' '")).concat(fn.COALESCE(Expense.place, SQL("''")))
    words = fn.to_tsvector(
        SQL("'simple'::regconfig"), fn.translate(fn.lower(text), SQL(f"'{_ACCENTED}'"), SQL(f"'{_PLAIN}'"))
    )
    owner = SQL("'#'").concat(Expense.owner.cast('text')).cast('tsvector')
    return words.concat(owner)


def owners_query(owners: Sequence[int]) -> str:
    """The tsquery of the owners' lexemes: `'#1' | '#2'` (ids only: never user text)."""
    return ' | '.join(f"'#{int(owner)}'" for owner in owners)


def document_match(word: str, owners: Sequence[int]) -> ColumnBase:
    """The word at the start of a word of the description or place, among these owners' expenses only. The word
    is letters and digits only (search_terms): `word:*` is never tsquery syntax."""
    query = Expression(
        fn.to_tsquery(SQL("'simple'::regconfig"), f'{word}:*'), '&&', SQL('%s::tsquery', [owners_query(owners)])
    )
    return Expression(owned_document(), '@@', query)


def word_condition(word: str, owners: Sequence[int], by_column: dict[str, list[int]], tag_ids: list[int]) -> ColumnBase:
    """A word anywhere, on the row itself: its text through the index, or one of the names found for it (ids by
    column of `expense`: category_id, subcategory_id, payment_method_id, owner_id; and tags)."""
    conditions: list[ColumnBase] = [document_match(word, owners)]
    columns: dict[str, Any] = {
        'category_id': Expense.category,
        'subcategory_id': Expense.subcategory,
        'payment_method_id': Expense.payment_method,
        'owner_id': Expense.owner,
    }
    conditions += [columns[name].in_(found) for name, found in by_column.items() if found]
    if tag_ids:
        tagged = ExpenseTag.select(ExpenseTag.expense).where(ExpenseTag.tag.in_(tag_ids))
        conditions.append(Expense.id == fn.ANY(fn.ARRAY(tagged)))
    return reduce(operator.or_, conditions)
