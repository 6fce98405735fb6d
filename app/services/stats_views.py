"""Which expenses a figure counts, and how much of each: the three views of the dashboard (issue 20).

- `household`: every expense of the owners looked at, whole. What the dashboard always showed, so it is
  the default of the statistics API (a client written for 3.0 gets the same figures).
- `paid`: the expenses the viewer paid (the payer of a split expense, otherwise its owner), whole.
- `share`: the viewer's share: their part of each expense split with them, and the whole of each of their
  own expenses that is not split ("just me"). What the viewer spent, once the household has settled up.

The scope (`everyone` | `mine`) still says whose expenses are looked at, by who created them; the view says
which of those count, and for how much. Settlements live in their own table: no view ever counts them.

For `household` the queries stay on the expense table alone (answered from its covering index); `paid` and
`share` join the split of each expense (one row at most, by its unique index) and, for `share`, the
viewer's own part of it (unique per split and user).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from peewee import JOIN, Case, fn

from app.i18n import Message
from app.models import Expense, ExpenseShare, ExpenseSplit, User
from app.services import conversion
from app.services.access import linked_user_ids, owner_ids_for
from app.services.errors import Invalid
from app.services.splits import default_split

VIEWS = ('share', 'paid', 'household')
DEFAULT_VIEW = 'household'


def check_view(view: object) -> str:
    if view not in VIEWS:
        raise Invalid(
            Message("'{view}' is not a view; use share, paid or household.", view=str(view)[:20]), field='view'
        )
    return str(view)


@dataclass(frozen=True, slots=True)
class Counted:
    """The expenses a figure counts: those of `owner_ids` (the scope) seen through `view` by `viewer_id`."""

    viewer_id: int
    owner_ids: tuple[int, ...]
    view: str = DEFAULT_VIEW

    @property
    def amount(self) -> Any:
        """What each counted expense adds: the whole amount, or the viewer's part of a split one."""
        if self.view == 'share':
            return Case(None, [(ExpenseSplit.id.is_null(), Expense.amount_cents)], ExpenseShare.share_cents)
        return Expense.amount_cents

    def select(self, *columns: Any) -> Any:
        """`Expense.select(*columns)` with the joins the view needs (none for the household)."""
        query = Expense.select(*columns)
        if self.view == 'household':
            return query
        query = query.join(ExpenseSplit, JOIN.LEFT_OUTER, on=(ExpenseSplit.expense == Expense.id))
        if self.view == 'share':
            mine = (ExpenseShare.split == ExpenseSplit.id) & (ExpenseShare.user == self.viewer_id)
            query = query.join(ExpenseShare, JOIN.LEFT_OUTER, on=mine)
        return query

    def rows(self, first: date, last: date) -> Any:
        """The condition on the rows of `select`: the owners' expenses from `first` to `last` that the view counts."""
        condition = Expense.owner.in_(self.owner_ids) & (Expense.date >= first) & (Expense.date <= last)
        condition &= conversion.counted()  # one waiting for its exchange rate counts once it arrives (issue 20)
        if self.view == 'paid':
            condition &= fn.COALESCE(ExpenseSplit.paid_by, Expense.owner) == self.viewer_id
        elif self.view == 'share':
            own_whole = ExpenseSplit.id.is_null() & (Expense.owner == self.viewer_id)
            condition &= own_whole | ExpenseShare.id.is_null(False)
        return condition


def counted_for(user: User | int, scope: str = 'everyone', view: str = DEFAULT_VIEW) -> Counted:
    """What `user` counts with `scope` (everyone | mine) and `view` (share | paid | household), both checked."""
    viewer_id = user if isinstance(user, int) else user.id
    return Counted(viewer_id, tuple(owner_ids_for(user, scope)), check_view(view))


def default_view(user: User) -> str:
    """The view the dashboard opens on: `share` for a linked user whose new expenses are split equally by
    default (they share their spending, so what they spend is their share), `household` otherwise (what a
    linked user always saw; for a user without links every view is the same)."""
    if default_split(user.id) == 'equal' and linked_user_ids(user):
        return 'share'
    return 'household'
