"""`id_lists.among`: ids written into the SQL are whole numbers, nothing else."""

from __future__ import annotations

import pytest

from app.models import Expense
from app.services.id_lists import among
from tests.builders import add

pytestmark = pytest.mark.usefixtures('database')


def test_among_finds_the_listed_ids_and_nothing_for_none(alice, things) -> None:
    first, second, _third = (add(alice, things, amount=str(n)) for n in (1, 2, 3))
    found = {e.id for e in Expense.select().where(among(Expense.id, [first.id, second.id, 10_000]))}
    assert found == {first.id, second.id}
    assert list(Expense.select().where(among(Expense.id, []))) == []
    assert among(Expense.id, ['7', 8.0, True]).rhs.sql == '(7,8,1)'


@pytest.mark.parametrize('hostile', ['1); DROP TABLE expense; --', '1 OR 1=1', None, object()])
def test_among_refuses_anything_but_whole_numbers(hostile) -> None:
    with pytest.raises((TypeError, ValueError)):
        among(Expense.id, [1, hostile])
