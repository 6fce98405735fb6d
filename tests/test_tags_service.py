"""Tags (issue 18): several per expense, written with it, completed from the household, renamed and merged in
one place, kept by Undo and exported; never seen outside the expense's audience."""

from __future__ import annotations

import csv
import io

import pytest

from app.models import ExpenseTag, Tag
from app.services import expenses, exports, tags
from app.services.errors import Conflict, Invalid, NotFound
from app.services.months import Month
from tests.builders import add, basics, link, make_user

pytestmark = pytest.mark.usefixtures('database')


def test_an_expense_carries_several_tags_given_as_a_list_or_as_text(alice, things) -> None:
    expense = add(alice, things, tags=['Vacances', 'train', 'vacances '])
    assert expense.tags == ('train', 'Vacances')
    assert expenses.get_expense(alice, expense.id).tags == ('train', 'Vacances')
    other = add(alice, things, tags='VACANCES, ski;  ')
    assert other.tags == ('ski', 'Vacances')  # the household's tag keeps its first spelling
    assert Tag.select().count() == 3


def test_updating_replaces_the_tags_and_unused_tags_leave_the_completion(alice, things) -> None:
    expense = add(alice, things, tags=['a', 'b'])
    assert expenses.update_expense(alice, expense.id, {'tags': ['b', 'c']}).tags == ('b', 'c')
    assert tags.tag_names(alice) == ['b', 'c']
    assert expenses.update_expense(alice, expense.id, {'amount': '3'}).tags == ('b', 'c')  # untouched
    assert expenses.update_expense(alice, expense.id, {'tags': ''}).tags == ()
    assert tags.tag_names(alice) == [] and Tag.select().count() == 0


def test_undo_of_a_deletion_gives_the_tags_back(alice, things) -> None:
    expense = add(alice, things, tags=['ski'])
    snapshot = expenses.delete_expense(alice, expense.id)
    assert ExpenseTag.select().count() == 0
    assert expenses.restore_expense(alice, snapshot).tags == ('ski',)


@pytest.mark.parametrize(
    ('value', 'words'),
    [
        (['x' * 41], '41 characters'),
        ([f't{n}' for n in range(21)], 'at most 20 tags'),
        ({'a': 1}, 'list of names'),
        (['\u200b'], 'invisible'),
        ([['nested']], 'must be text'),
    ],
)
def test_bad_tags_are_refused_and_nothing_is_written(alice, things, value, words) -> None:
    with pytest.raises(Invalid) as refused:
        add(alice, things, tags=value)
    assert refused.value.field == 'tags' and words in refused.value.message
    assert expenses.list_expenses(alice, None).count == 0 and Tag.select().count() == 0


def test_completion_is_the_households_tags_with_their_counts(alice, things) -> None:
    bob, eve = make_user('bob'), make_user('eve')
    link(alice, bob)
    add(alice, things, tags=['Vacances'])
    add(bob, basics(bob), tags=['vacances', 'moto'])
    add(eve, basics(eve), tags=['secret'])
    uses = tags.list_tags(alice)
    assert [(use.key, use.count) for use in uses] == [('moto', 1), ('vacances', 2)]
    assert tags.tag_names(alice) == ['moto', 'Vacances']
    assert tags.tag_names(eve) == ['secret']
    assert [use.key for use in tags.list_tags(alice, 'mine')] == ['vacances']


def test_renaming_a_tag_renames_it_for_the_household_and_merges_into_an_existing_one(alice, things) -> None:
    bob = make_user('bob')
    link(alice, bob)
    first = add(alice, things, tags=['vacances', 'été'])
    second = add(alice, things, tags=['Holidays'])
    third = add(bob, basics(bob), tags=['vacances'])
    tags.rename_tag(alice, 'VACANCES', 'Congés')
    assert expenses.get_expense(alice, third.id).tags == ('Congés',)
    assert tags.tag_names(alice) == ['Congés', 'été', 'Holidays']
    tags.rename_tag(alice, 'holidays', 'congés')  # a merge: one tag, no expense carries it twice
    assert expenses.get_expense(alice, second.id).tags == ('congés',)
    assert expenses.get_expense(alice, first.id).tags == ('congés', 'été')
    assert [(use.key, use.count) for use in tags.list_tags(alice)] == [('conges', 3), ('ete', 1)]
    tags.rename_tag(alice, 'été', 'congés')  # first carried both: it keeps one
    assert expenses.get_expense(alice, first.id).tags == ('congés',)
    with pytest.raises(NotFound):
        tags.rename_tag(alice, 'nothing', 'x')


def test_deleting_a_tag_takes_it_off_every_expense(alice, things) -> None:
    expense = add(alice, things, tags=['a', 'b'])
    add(alice, things, tags=['a'])
    assert tags.delete_tag(alice, 'A') == 2
    assert expenses.get_expense(alice, expense.id).tags == ('b',)


def test_in_a_chain_only_the_one_linked_to_everyone_may_rename(alice, things) -> None:
    """A–B and B–C linked: B's tag is seen by A and C, who do not share; A may not rename it."""
    bob, carol = make_user('bob'), make_user('carol')
    link(alice, bob)
    link(bob, carol)
    add(bob, basics(bob), tags=['commun'])
    with pytest.raises(Conflict):
        tags.rename_tag(alice, 'commun', 'mine')
    tags.rename_tag(bob, 'commun', 'partagé')
    assert tags.tag_names(carol) == ['partagé']


def test_tags_are_in_the_exports(alice, things) -> None:
    add(alice, things, date='2026-01-05', tags=['ski', 'Alpes'])
    target = io.BytesIO()
    exports.write_csv(alice, Month(2026, 1), target)
    rows = list(csv.reader(io.StringIO(target.getvalue().decode())))
    assert rows[0][9] == 'tags' and rows[1][9] == 'Alpes, ski'


def test_a_tag_that_looks_like_a_formula_is_exported_as_text(alice, things) -> None:
    add(alice, things, date='2026-01-05', tags=['=cmd'])
    target = io.BytesIO()
    exports.write_csv(alice, Month(2026, 1), target)
    assert target.getvalue().decode().splitlines()[1].endswith(",'=cmd,,EUR,10.00")  # receipts, currency, amount
