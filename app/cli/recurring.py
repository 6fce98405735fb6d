"""`manage.py recurring ...`: list the rules, and create what is due now (for a service manager's timer)."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.cli.output import table
from app.i18n import _, ngettext
from app.services import recurring, users
from app.services.formats import money
from app.services.recurring_labels import schedule_label
from app.services.recurring_runner import run_due


class RecurringCommands:
    """Recurring expenses: list the rules, or create the occurrences that are due."""

    @verb
    def list(self, username: str) -> None:
        """List the recurring rules USERNAME sees, with their next date and monthly cost."""
        open_db()
        user = users.get_user_by_username(str(username))
        rules = recurring.list_rules(user)
        if not rules:
            print(_('No recurring rules.'))
            return
        rows = [
            (
                rule.id,
                rule.description,
                money(rule.amount_cents, user.currency, user.locale),
                schedule_label(rule.every, rule.unit, rule.day_of_month, rule.last_working_day).render(),
                rule.next_date.isoformat() if rule.next_date else (_('paused') if rule.paused else _('ended')),
                money(rule.monthly_cost_cents, user.currency, user.locale),
                rule.created_by or '',
            )
            for rule in rules
        ]
        headers = [_('id'), _('description'), _('amount'), _('every'), _('next date'), _('per month'), _('user')]
        print(table(headers, rows))

    @verb
    def run(self) -> None:
        """Create the expenses that recurring rules have made due by now (the server also does this itself)."""
        open_db()
        result = run_due()
        print(ngettext('{n} expense created.', '{n} expenses created.', result.created))
