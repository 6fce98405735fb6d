"""`manage.py balances --username U`: who owes whom in a user's household (issue 20)."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import CliError, verb
from app.cli.output import table
from app.i18n import Message, _
from app.services import balances as balance_service
from app.services import clock, users
from app.services.money import format_money
from app.services.months import parse_month


@verb
def balances(username: str | None = None, month: str = 'all') -> None:
    """The household of USERNAME: each member's paid, share and balance (more than zero: owed), the
    suggested settlement and what stays with former links. --month YYYY-MM for one month (default all)."""
    if username is None:
        raise CliError(Message('no username given: pass --username NAME'))
    open_db()
    user = users.get_user_by_username(str(username))
    text = str(month).strip().lower()
    period = None if text in ('', 'all') else parse_month(text, default=clock.today(user.timezone))
    view = balance_service.balances(user, period)

    def money(cents: int) -> str:
        return format_money(cents, view.currency, user.locale)

    print(
        table(
            [_('Member'), _('Paid'), _('Share'), _('Balance')],
            [(m.username, money(m.paid_cents), money(m.share_cents), money(m.balance_cents)) for m in view.members],
        )
    )
    if view.suggestions:
        print(_('To settle up:'))
        for t in view.suggestions:
            line = _('{payer} pays {amount} to {payee}', payer=t.from_username, amount=money(t.amount_cents),
                     payee=t.to_username)  # fmt: skip
            print(f'  {line}')
    else:
        print(_('Everyone is settled up.'))
    for former in view.former:
        if former.balance_cents > 0:
            line = _('{name} (no longer linked) owes {username} {amount}', amount=money(former.balance_cents),
                     name=former.username, username=user.username)  # fmt: skip
        else:
            line = _('{username} owes {name} (no longer linked) {amount}', amount=money(-former.balance_cents),
                     name=former.username, username=user.username)  # fmt: skip
        print(line)
