"""A budget's progress as the dashboard and the Budgets page show it, and an alert's sentence in the page's
language. Names (a category's, a payment method's) are a user's text: they go into labels, never HTML."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from app.i18n import _, ngettext
from app.models import User
from app.services import formats
from app.services.budgets_types import AlertView, BudgetProgress
from app.services.months import parse_month


def budget_name(view: BudgetProgress | AlertView) -> str:
    kind = view.kind if isinstance(view, BudgetProgress) else view.budget_kind
    return view.name if kind != 'everything' else _('All spending')


def _money(user: User, cents: int) -> str:
    return formats.money(cents, user.currency, user.locale)


def _color(view: BudgetProgress) -> str:
    if view.left_cents < 0 or view.percent >= 100:
        return 'negative'
    if view.projected_cents > view.available_cents or (view.thresholds and view.percent >= view.thresholds[0]):
        return 'warning'
    return 'positive'


def budget_card(user: User, view: BudgetProgress, actions: Callable[[BudgetProgress], None] | None = None) -> None:
    """Name, a bar, spent of available, what is left, the days left and the projected end of month."""
    with ui.card().classes('w-full gap-1 p-3').mark(f'budget-{view.id}'):
        with ui.row().classes('w-full items-center justify-between no-wrap gap-2'):
            with ui.row().classes('items-center gap-2 no-wrap min-w-0'):
                icon = {'everything': 'savings', 'category': 'category', 'payment_method': 'credit_card'}[view.kind]
                ui.icon(icon).classes('opacity-70')
                ui.label(budget_name(view)).classes('font-semibold break-words min-w-0').mark(f'budget-name-{view.id}')
                if view.scope == 'mine':
                    ui.badge(_('only mine'), color='grey').props('outline')
                elif view.scope == 'share':
                    ui.badge(_('my share'), color='grey').props('outline').mark(f'budget-share-{view.id}')
            if actions is not None:
                with ui.row().classes('items-center gap-0 no-wrap'):
                    actions(view)
        bar = ui.linear_progress(value=min(1.0, max(0.0, view.percent / 100)), show_value=False, color=_color(view))
        bar.props('rounded size=10px').mark(f'budget-bar-{view.id}')
        bar.props['aria-label'] = _('{name}: share of the budget spent', name=budget_name(view))  # set, not parsed
        ui.label(
            _(
                '{spent} of {available} spent ({percent})',
                spent=_money(user, view.spent_cents),
                available=_money(user, view.available_cents),
                percent=formats.percent(view.percent, user.locale),
            )
        ).classes('text-sm').mark(f'budget-spent-{view.id}')
        left = (
            _('{amount} left', amount=_money(user, view.left_cents))
            if view.left_cents >= 0
            else _('{amount} over budget', amount=_money(user, -view.left_cents))
        )
        days = ngettext('{n} day left', '{n} days left', view.days_left)
        with ui.row().classes('w-full gap-x-4 gap-y-0 text-sm'):
            ui.label(left).classes('font-medium' + (' text-negative' if view.left_cents < 0 else '')).mark(
                f'budget-left-{view.id}'
            )
            ui.label(days).classes('opacity-80').mark(f'budget-days-{view.id}')
            ui.label(_('heading for {amount}', amount=_money(user, view.projected_cents))).classes(
                'opacity-80' + (' text-negative' if view.projected_cents > view.available_cents else '')
            ).mark(f'budget-projected-{view.id}')
        if view.carried_cents:
            ui.label(_('carried over from earlier months: {amount}', amount=_money(user, view.carried_cents))).classes(
                'text-xs opacity-70'
            )
        if view.recurring_cents:
            ui.label(
                _('recurring expenses still to come: {amount}', amount=_money(user, view.recurring_cents))
            ).classes('text-xs opacity-70')


def alert_text(user: User, alert: AlertView) -> str:
    """One sentence for an alert, in the page's language."""
    if alert.kind == 'recurring':
        return _('{what}: {amount} is due tomorrow.', what=alert.detail or '…', amount=_money(user, alert.spent_cents))
    month = formats.month_year(parse_month(alert.month), user.locale)
    return _(
        '{name}: {percent} of the budget reached in {month} ({spent} of {limit}).',
        name=budget_name(alert),
        percent=formats.percent(alert.threshold, user.locale),
        month=month,
        spent=_money(user, alert.spent_cents),
        limit=_money(user, alert.limit_cents),
    )
