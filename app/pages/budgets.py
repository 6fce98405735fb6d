"""The Budgets page: each budget's month so far (spent, left, days left, projection), adding and changing
them in a dialog that shows last month's and the three-month average spending as a hint, and the latest
alerts, which the visit marks as seen (the header's badge goes).

Markers: `add-budget`, `budget-dialog`, `budget-subject`, `budget-amount`, `budget-hint`, `budget-scope`,
`budget-rollover`, `budget-thresholds`, `save-budget`, `budget-<id>`, `edit-budget-<id>`,
`delete-budget-<id>`, `budgets-empty`, `alerts-list`, `alert-<id>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nicegui import run, ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.budget_cards import alert_text, budget_card
from app.pages.components.confirm_dialog import Marks, confirm
from app.services import access, alerts, budgets, categories, formats, payment_methods
from app.services.budgets_types import AlertView, BudgetProgress

EVERYTHING = 'all'


@dataclass(frozen=True, slots=True)
class Loaded:
    views: tuple[BudgetProgress, ...]
    alerts: tuple[AlertView, ...]
    subjects: dict[str, str]
    shared: bool


def load(user: User) -> Loaded:
    """Everything the page shows, in one worker call; the alerts listed are then seen."""
    subjects = {EVERYTHING: ''}  # named in the page's language by `labels` (a worker thread has none)
    for node in categories.category_tree(user):
        subjects[f'c:{node.id}'] = node.name
        for child in node.children:
            subjects[f'c:{child.id}'] = f'{node.name} › {child.name}'
    for method in payment_methods.list_payment_methods(user):
        subjects[f'p:{method.id}'] = method.name
    listed = alerts.list_alerts(user)
    alerts.mark_seen(user)
    return Loaded(budgets.list_budgets(user), listed, subjects, bool(access.linked_user_ids(user)))


def split(subject: str | None) -> tuple[int | None, int | None]:
    """`c:3` -> (3, None), `p:5` -> (None, 5), `all` -> (None, None)."""
    kind, _sep, number = (subject or EVERYTHING).partition(':')
    if kind == 'c':
        return int(number), None
    if kind == 'p':
        return None, int(number)
    return None, None


def subject_of(view: BudgetProgress) -> str:
    if view.category_id is not None:
        return f'c:{view.category_id}'
    if view.payment_method_id is not None:
        return f'p:{view.payment_method_id}'
    return EVERYTHING


class BudgetsPage:
    def __init__(self, user: User) -> None:
        self.user = user
        self.data: Loaded | None = None
        self.dialogs = ui.element()  # outside the list, which a save rebuilds

    def labels(self) -> dict[str, str]:
        assert self.data is not None
        names = dict(self.data.subjects)
        names[EVERYTHING] = _('All spending')
        for key in names:
            if key.startswith('p:'):
                names[key] = _('Paid with {name}', name=self.data.subjects[key])
        return names

    async def reload(self) -> None:
        data = await run.io_bound(load, self.user)
        if data is None:
            return
        self.data = data
        self.content.refresh()

    @ui.refreshable_method
    def content(self) -> None:
        data = self.data
        if data is None:
            return
        with ui.row().classes('w-full items-center justify-between'):
            ui.label(
                _(
                    'A monthly amount for everything, a category (its subcategories count too) or a payment '
                    'method; alerts tell you when it is nearly spent.'
                )
            ).classes('text-sm opacity-80 grow min-w-0')
            ui.button(_('Add budget'), icon='add', on_click=lambda: self.open_dialog(None)).props(
                'unelevated no-caps'
            ).mark('add-budget')
        if not data.views:
            with ui.card().classes('w-full items-center text-center py-8 gap-2').mark('budgets-empty'):
                ui.icon('savings', size='3rem').classes('text-primary opacity-80')
                ui.label(_('No budget yet.')).classes('text-lg font-semibold')
        with ui.element('div').classes('grid grid-cols-1 lg:grid-cols-2 gap-4 w-full'):
            for view in data.views:
                budget_card(self.user, view, self.actions)
        if data.alerts:
            with ui.card().classes('w-full gap-1').mark('alerts-list'):
                ui.label(_('Latest alerts')).classes('text-lg font-semibold')
                for alert in data.alerts:
                    with ui.row().classes('w-full items-start no-wrap gap-2').mark(f'alert-{alert.id}'):
                        ui.icon('notifications_active' if not alert.seen else 'notifications', color='warning')
                        ui.label(alert_text(self.user, alert)).classes('text-sm break-words min-w-0')

    def actions(self, view: BudgetProgress) -> None:
        edit = ui.button(icon='edit', on_click=lambda v=view: self.open_dialog(v)).props('flat round dense')
        edit.props['aria-label'] = _('Change this budget')
        edit.mark(f'edit-budget-{view.id}')
        delete = ui.button(icon='delete', on_click=lambda v=view: self.confirm_delete(v)).props(
            'flat round dense color=negative'
        )
        delete.props['aria-label'] = _('Delete this budget')
        delete.mark(f'delete-budget-{view.id}')

    def confirm_delete(self, view: BudgetProgress) -> None:
        async def delete(dialog: ui.dialog, busy: ui.button) -> None:
            await call_service(
                budgets.delete_budget,
                self.user,
                view.id,
                dialog=dialog,
                busy=busy,
                refresh=self.reload,
                success=_('Budget deleted.'),
            )

        with self.dialogs:
            confirm(
                _('Delete this budget?'),
                _('Its alerts go with it; your expenses stay as they are.'),
                confirm=_('Delete'),
                marks=Marks.named('delete-budget'),
                on_confirm=delete,
            )

    def open_dialog(self, view: BudgetProgress | None) -> None:
        assert self.data is not None
        user = self.user
        with self.dialogs, ui.dialog() as dialog, ui.card().classes('w-full max-w-md gap-2').mark('budget-dialog'):
            ui.label(_('New budget') if view is None else _('Change the budget')).classes('text-lg font-semibold')
            subject = (
                ui.select(self.labels(), value=subject_of(view) if view else EVERYTHING, label=_('For'))
                .props('outlined dense options-dense')
                .classes('w-full')
                .mark('budget-subject')
            )
            amount = (
                ui.input(
                    _('Amount per month'),
                    value=formats.amount_for_input(view.amount_cents, user.locale, user.currency) if view else '',
                )
                .props('outlined dense inputmode=decimal maxlength=40')
                .classes('w-full')
                .mark('budget-amount')
            )
            hint = ui.label('').classes('text-xs opacity-80').mark('budget-hint')
            scope = ui.toggle(
                {'everyone': _('Household'), 'mine': _('Only mine'), 'share': _('My share')},
                value=view.scope if view else 'everyone',
            ).props('no-caps dense')
            scope.mark('budget-scope').set_visibility(self.data.shared)
            rollover = ui.checkbox(
                _('Carry what is left (or overspent) into the next month'), value=view.rollover if view else False
            ).mark('budget-rollover')
            thresholds = (
                ui.input(
                    _('Alert at (percent of the budget)'),
                    value=', '.join(str(t) for t in (view.thresholds if view else budgets.DEFAULT_THRESHOLDS)),
                )
                .props('outlined dense maxlength=40')
                .classes('w-full')
                .mark('budget-thresholds')
            )

            async def show_hint() -> None:
                category, method = split(subject.value)
                found = await run.io_bound(budgets.budget_hint, user, category, method, scope.value)
                if found is None or hint.is_deleted:
                    return
                hint.text = _(
                    'Last month: {last} · average of the last three months: {average}',
                    last=formats.money(found.last_month_cents, user.currency, user.locale),
                    average=formats.money(found.average_cents, user.currency, user.locale),
                )

            subject.on_value_change(show_hint)
            scope.on_value_change(show_hint)
            ui.timer(0, show_hint, once=True)

            async def save() -> None:
                category, method = split(subject.value)
                options: dict[str, Any] = {
                    'scope': scope.value,
                    'rollover': bool(rollover.value),
                    'thresholds': thresholds.value or '',
                }
                shown: dict[str, Any] = {
                    'fields': {
                        'amount': amount,
                        'thresholds': thresholds,
                        'category_id': subject,
                        'payment_method_id': subject,
                    },
                    'dialog': dialog,
                    'busy': save_button,
                    'refresh': self.reload,
                    'success': _('Budget saved.'),
                }
                if view is None:
                    await call_service(
                        budgets.create_budget, user, amount.value or '', category, method, **options, **shown
                    )
                else:
                    await call_service(
                        budgets.update_budget,
                        user,
                        view.id,
                        amount=amount.value or '',
                        category_id=category,
                        payment_method_id=method,
                        **options,
                        **shown,
                    )

            amount.on('keydown.enter', save)
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Cancel'), on_click=dialog.close).props('flat no-caps').mark('cancel-budget')
                save_button = ui.button(_('Save'), on_click=save).props('unelevated no-caps').mark('save-budget')
        dialog.open()


async def budgets_page(user: User) -> None:
    page = BudgetsPage(user)
    await page.reload()
    with ui.column().classes('w-full gap-4'):
        page.content()
