"""`manage.py budget ...`: budgets from the command line."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.cli.output import table
from app.i18n import _
from app.services import budgets, clock, formats, users
from app.services.months import parse_month


class BudgetCommands:
    """List budgets and where they stand."""

    @verb
    def list(self, username: str, month: str = '') -> None:
        """The budgets USERNAME sees, with spent, left, days left and projection (of --month YYYY-MM)."""
        open_db()
        user = users.get_user_by_username(str(username))
        today = clock.today(user.timezone)
        chosen = parse_month(str(month or ''), default=today)
        views = budgets.list_budgets(user, chosen, today=today)
        if not views:
            print(_('No budgets.'))
            return

        def money(cents: int) -> str:
            return formats.money(cents, user.currency, user.locale)

        rows = [
            (
                v.id,
                v.name or _('All spending'),
                money(v.available_cents),
                money(v.spent_cents),
                money(v.left_cents),
                formats.percent(v.percent, user.locale),
                v.days_left,
                money(v.projected_cents),
                _('yes') if v.rollover else _('no'),
            )
            for v in views
        ]
        headers = [
            _('id'),
            _('budget'),
            _('amount'),
            _('spent'),
            _('left'),
            _('used'),
            _('days left'),
            _('projected'),
            _('rollover'),
        ]
        print(_('Budgets of {username} for {month}', username=user.username, month=str(chosen)))
        print(table(headers, rows))
