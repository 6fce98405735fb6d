"""Expenses › Recurring: the rules with their next date and monthly cost; add, edit (the dates after today),
pause and resume, delete (the expenses already created stay).

`?rule=ID` (the link beside an expense a rule created) highlights that rule. Markers: `add-rule`,
`rules-monthly-total`, `rules-empty`, `rule-<id>` with `rule-edit-<id>`, `rule-pause-<id>`,
`rule-resume-<id>`, `rule-delete-<id>`, `rule-next-<id>`.
"""

from __future__ import annotations

from uuid import uuid4

from nicegui import ui

from app.i18n import _
from app.models import User
from app.pages.components.actions import call_service
from app.pages.components.recurring_dialog import initial_of, rule_dialog
from app.pages.expenses import load_choices
from app.services import access, formats, recurring
from app.services.clock import today
from app.services.money import format_money
from app.services.recurring import RuleRow
from app.services.recurring_labels import schedule_label


class RecurringPage:
    def __init__(self, user: User, highlight: str) -> None:
        self.user = user
        self.highlight = highlight
        self.rules: list[RuleRow] = []
        self.shared = False

    def money(self, cents: int) -> str:
        return format_money(cents, self.user.currency, self.user.locale)

    def day(self, rule_date) -> str:
        return formats.short_date(rule_date, self.user.locale, today=today(self.user.timezone))

    async def load(self) -> None:
        rules = await call_service(recurring.list_rules, self.user)
        self.rules = rules if rules is not None else []

    async def reload(self) -> None:
        await self.load()
        self.content.refresh()

    async def show(self) -> None:
        self.shared = bool(await call_service(access.linked_user_ids, self.user))
        await self.load()
        with ui.row().classes('w-full items-center gap-2'):
            ui.label(
                _(
                    'Expenses that come back: each one is recorded on its date, even if the server was stopped '
                    'meanwhile.'
                )
            ).classes('opacity-70 grow')
            ui.button(_('Add recurring expense'), icon='add', on_click=self.add).props('no-caps').mark('add-rule')
        self.content()

    @ui.refreshable_method
    def content(self) -> None:
        active = [rule for rule in self.rules if rule.next_date is not None]
        with ui.column().classes('gap-0'):
            ui.label(_('Per month')).classes('text-xs uppercase opacity-70')
            total = sum(rule.monthly_cost_cents for rule in active)
            ui.label(self.money(total)).classes('text-2xl font-semibold').mark('rules-monthly-total')
        if not self.rules:
            with ui.card().classes('w-full items-center text-center py-8 gap-2').mark('rules-empty'):
                ui.icon('event_repeat', size='3rem').classes('text-primary opacity-80')
                ui.label(_('No recurring expenses yet.')).classes('text-lg font-semibold')
                ui.label(
                    _('Rent, subscriptions, insurance: add them once, or use "Make recurring" on an expense.')
                ).classes('opacity-70')
            return
        with ui.column().classes('w-full gap-2'):
            for rule in self.rules:
                self.card(rule)

    def card(self, rule: RuleRow) -> None:
        chosen = str(rule.id) == self.highlight
        with ui.card().classes('w-full gap-1 p-3' + (' ring-2 ring-primary' if chosen else '')).mark(f'rule-{rule.id}'):
            with ui.row().classes('w-full items-center no-wrap gap-2'):
                ui.icon('event_repeat').classes('text-primary shrink-0')
                what = rule.description or (
                    f'{rule.category} › {rule.subcategory}' if rule.subcategory else rule.category or ''
                )
                ui.label(what).classes('font-semibold truncate grow min-w-0')
                ui.label(self.money(rule.amount_cents)).classes('font-semibold shrink-0')
            details = [schedule_label(rule.every, rule.unit, rule.day_of_month, rule.last_working_day).render()]
            details.append(f'{rule.category} › {rule.subcategory}' if rule.subcategory else rule.category or '')
            if rule.payment_method:
                details.append(rule.payment_method)
            if self.shared and rule.created_by:
                details.append(rule.created_by)
            ui.label(' · '.join(details)).classes('text-sm opacity-70 w-full break-words')
            if rule.new_amount_cents and rule.new_amount_from:
                ui.label(
                    _(
                        '{amount} from {date}',
                        amount=self.money(rule.new_amount_cents),
                        date=self.day(rule.new_amount_from),
                    )
                ).classes('text-sm opacity-70')
            with ui.row().classes('w-full items-center gap-x-4 gap-y-1 flex-wrap'):
                if rule.paused:
                    ui.badge(_('Paused'), color='orange-9').mark(f'rule-next-{rule.id}')
                elif rule.next_date is None:
                    ui.badge(_('Ended'), color='grey-8').mark(f'rule-next-{rule.id}')
                else:
                    ui.label(_('Next: {date}', date=self.day(rule.next_date))).classes('text-sm').mark(
                        f'rule-next-{rule.id}'
                    )
                ui.label(_('{amount} per month', amount=self.money(rule.monthly_cost_cents))).classes(
                    'text-sm opacity-70'
                )
                ui.space()
                with ui.row().classes('gap-0'):
                    self.icon_action('edit', _('Edit'), f'rule-edit-{rule.id}', lambda r=rule: self.edit(r))
                    if rule.paused:
                        self.icon_action(
                            'play_arrow', _('Resume'), f'rule-resume-{rule.id}', lambda r=rule: self.resume(r)
                        )
                    else:
                        self.icon_action('pause', _('Pause'), f'rule-pause-{rule.id}', lambda r=rule: self.pause(r))
                    self.icon_action(
                        'delete', _('Delete'), f'rule-delete-{rule.id}', lambda r=rule: self.delete(r), 'negative'
                    )

    @staticmethod
    def icon_action(icon: str, label: str, mark: str, action, color: str | None = None) -> None:
        button = ui.button(icon=icon, on_click=action, color=color).props('flat round dense')
        if color is None:
            button.props('color=primary')
        button.props['aria-label'] = label
        button.tooltip(label)
        button.mark(mark)

    async def add(self) -> None:
        choices = await call_service(load_choices, self.user)
        if choices is None:
            return
        if not choices.categories or not choices.payment_methods:
            ui.notify(
                _('Create a category and a payment method first (menu: Categories, Payment methods).'), type='warning'
            )
            return
        request_id = uuid4().hex  # one per dialog: however often its Save reaches the server, one rule

        def create(values: dict) -> RuleRow:
            return recurring.create_rule(self.user, values, request_id=request_id)

        start = today(self.user.timezone).isoformat()
        rule_dialog(
            choices,
            {'start': start, 'unit': 'month', 'every': 1},
            create,
            title=_('Add a recurring expense'),
            success=_('Recurring expense added.'),
            refresh=self.reload,
        )

    async def edit(self, rule: RuleRow) -> None:
        def load() -> tuple:
            fresh = recurring.get_rule(self.user, rule.id)
            keep = (fresh.category_id, fresh.subcategory_id, fresh.payment_method_id)
            return fresh, load_choices(self.user, keep)

        loaded = await call_service(load)
        if loaded is None:
            await self.reload()
            return
        fresh, choices = loaded

        def update(values: dict) -> RuleRow:
            return recurring.update_rule(self.user, rule.id, values)

        rule_dialog(
            choices,
            initial_of(fresh, lambda cents: formats.amount_for_input(cents, self.user.locale)),
            update,
            title=_('Edit the recurring expense'),
            success=_('Saved: it applies from tomorrow; what was already recorded stays as it is.'),
            refresh=self.reload,
        )

    async def pause(self, rule: RuleRow) -> None:
        await call_service(recurring.pause_rule, self.user, rule.id, refresh=self.reload, success=_('Paused.'))

    async def resume(self, rule: RuleRow) -> None:
        await call_service(recurring.resume_rule, self.user, rule.id, refresh=self.reload, success=_('Resumed.'))

    async def delete(self, rule: RuleRow) -> None:
        with ui.dialog() as confirm, ui.card().mark('confirm-delete-rule'):
            ui.label(_('Delete this recurring expense?')).classes('text-lg font-semibold')
            ui.label(_('The expenses it already recorded stay; no new ones will be made.')).classes('opacity-80')
            with ui.row().classes('w-full justify-end'):
                ui.button(_('Cancel'), on_click=confirm.close).props('flat').mark('cancel-delete-rule')
                ui.button(_('Delete'), color='negative', on_click=lambda: confirm.submit(True)).mark(
                    'confirm-delete-rule-yes'
                )
        confirmed = await confirm
        confirm.delete()
        if confirmed:
            await call_service(recurring.delete_rule, self.user, rule.id, refresh=self.reload, success=_('Deleted.'))


async def recurring_page(user: User, rule: str = '') -> None:
    await RecurringPage(user, rule[:20]).show()
