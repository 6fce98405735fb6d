"""The expense form's currency (issue 20): a narrow select beside the amount, the household's currency
first. The dialog makes it with one call, `currency_select(...)`, and adds `values()` to what it saves; a
refusal naming `currency` shows under it (`element`)."""

from __future__ import annotations

from nicegui import ui

from app.i18n import _
from app.models import User
from app.services import currencies


class CurrencySelect:
    """Marker: `expense-currency`."""

    def __init__(self, amount: ui.input, user: User, value: str | None, mark: str = 'expense-currency') -> None:
        household = user.currency
        options = currencies.choices(household, user.locale)
        chosen = value if value else household
        if chosen not in options:  # an expense in a currency the short list does not offer keeps it
            options[chosen] = currencies.label(chosen, user.locale)
        # made right after the amount: the row takes the amount's place, the amount moves into it
        with ui.row().classes('w-full items-start no-wrap gap-2') as row:
            amount.move(row)
            amount.classes('grow min-w-0')
            self.element = (
                ui.select(options, value=chosen, label=_('Currency'))
                .props('outlined options-dense hide-bottom-space behavior=menu')
                .classes('w-32 shrink-0')
                .mark(mark)
            )
            # the closed select shows the code alone (a narrow field): the names are for choosing
            self.element.props(f'display-value={chosen}')
            self.element.on_value_change(lambda e: self.element.props(f'display-value={e.value or ""}'))

    def values(self) -> dict[str, str]:
        return {'currency': str(self.element.value or '')}


def currency_select(
    amount: ui.input, user: User | None, value: object = None, mark: str = 'expense-currency'
) -> CurrencySelect | None:
    """Nothing without a user (the form then saves in the household currency). Also the settlement
    dialog's (`mark='settlement-currency'`)."""
    if user is None:
        return None
    return CurrencySelect(amount, user, str(value) if value else None, mark)
