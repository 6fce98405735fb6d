"""An expense's amount as the pages show it (issue 20): what it counts for in the household's currency,
with its own amount beside it when it was in another currency ('45,00 € (50,00 $US)'), or its own amount
marked 'rate missing' while the rate of its date has not arrived. Text only, never HTML."""

from __future__ import annotations

from app.i18n import _
from app.pages.components.dashboard_widgets import Formats
from app.services.expenses_types import ExpenseRow
from app.services.money import format_money
from app.services.splits_types import SettlementRow
from app.services.stats_types import TopExpense


def amount_text(row: ExpenseRow, locale: str) -> str:
    own = format_money(row.amount_cents, row.currency or row.counted_currency, locale)
    if row.rate_missing or row.counted_cents is None:
        return _('{amount} (rate missing)', amount=own)
    if not row.currency or row.currency == row.counted_currency:
        return format_money(row.counted_cents, row.counted_currency, locale)
    counted = format_money(row.counted_cents, row.counted_currency, locale)
    return _('{counted} ({original})', counted=counted, original=own)


def original_amount(expense: TopExpense, shown: Formats) -> str | None:
    """A top expense's own amount when it was in another currency than the household's; None otherwise."""
    if expense.currency is None or expense.original_amount is None or expense.currency == shown.currency:
        return None
    return format_money(round(expense.original_amount * 100), expense.currency, shown.locale)


def top_amount(expense: TopExpense, shown: Formats) -> str:
    """A top expense's counted amount, and its own beside it when it was in another currency; in view=share,
    my part of the whole ('12,50 € of 25,00 €'), the original beside the whole."""
    whole = expense.whole_cents if expense.whole_cents is not None else expense.amount_cents
    counted = shown.money(whole)
    original = original_amount(expense, shown)
    if original is not None:
        counted = _('{counted} ({original})', counted=counted, original=original)
    if expense.whole_cents is None:
        return counted
    return _('{share} of {whole}', share=shown.money(expense.amount_cents), whole=counted)


def settlement_amount(row: SettlementRow, household: str, locale: str) -> str:
    """A settlement's amount in the household's currency, its own beside it when it was recorded in another
    ('11,04 € (12,00 $US)'), or its own marked 'rate missing' while it waits for the rate of its date."""
    counted = format_money(row.amount_cents, household, locale)
    if row.currency is None or row.original_cents is None or row.currency == household:
        return counted
    own = format_money(row.original_cents, row.currency, locale)
    if row.rate_missing:
        return _('{amount} (rate missing)', amount=own)
    return _('{counted} ({original})', counted=counted, original=own)
