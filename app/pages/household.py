"""The Household page (issue 20): each member's paid, share and balance over a period, the suggested
settlement, "Record a settlement" (partial allowed, undoable), the settlements of the period, what stays
with former links, and the split new expenses start with. The rules are in services/balances.py."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import run, ui

from app.i18n import _
from app.models import User
from app.pages.components import undo_notification
from app.pages.components.actions import call_service
from app.pages.components.currency_amount import settlement_amount
from app.pages.components.currency_select import currency_select
from app.pages.components.month_picker import month_label
from app.services import balances, formats, settlement_exports, splits
from app.services.clock import today
from app.services.money import format_money
from app.services.months import Month, parse_month
from app.services.splits_types import Balances, SettlementRow

MONTHS_OFFERED = 24


@dataclass
class _State:
    period: str = 'all'
    undo: SettlementRow | None = None
    redo: SettlementRow | None = None


def _periods(user: User) -> dict[str, str]:
    month = Month.of(today(user.timezone))
    options = {'all': _('All time')}
    for _step in range(MONTHS_OFFERED):
        options[str(month)] = month_label(month, user.locale)
        month = month.previous()
    return options


def _load(user: User, period: str) -> tuple[Balances, str]:
    month = None if period == 'all' else parse_month(period)
    return balances.balances(user, month), splits.default_split(user.id)


async def household_page(user: User, month: str = '') -> None:
    state = _State(period=month if month else 'all')
    periods = _periods(user)
    if state.period not in periods:
        state.period = 'all'

    def money(cents: int) -> str:
        return format_money(cents, user.currency, user.locale)

    with ui.row().classes('w-full max-w-2xl items-center justify-end gap-2'):
        period = ui.select(periods, value=state.period, label=_('Period')).props('outlined dense options-dense')
        period.classes('min-w-[12rem]').mark('household-period')
    dialogs = ui.element()

    @ui.refreshable
    async def content() -> None:
        loaded = await run.io_bound(_load, user, state.period)
        if loaded is None:
            return
        view, default = loaded
        others = [m for m in view.members if m.user_id != user.id]
        if not others and not view.former:
            with ui.card().classes('w-full max-w-2xl').mark('household-empty'):
                ui.label(_('You share with nobody yet.')).classes('text-lg font-semibold')
                ui.label(
                    _(
                        'Link your account with your partner or roommates in Settings › Sharing: then split '
                        'expenses, see who owes whom and settle up here.'
                    )
                ).classes('opacity-80')
                ui.button(_('Open Settings'), on_click=lambda: ui.navigate.to('/settings')).props('flat no-caps')
            return
        with ui.card().classes('w-full max-w-2xl gap-2'):
            ui.label(_('Balances')).classes('text-lg font-semibold')
            with ui.grid(columns=4).classes('w-full gap-x-3 gap-y-1 items-center').mark('household-members'):
                for heading in (_('Member'), _('Paid'), _('Share'), _('Balance')):
                    ui.label(heading).classes('text-xs font-semibold opacity-70 text-right first:text-left')
                for member in view.members:
                    ui.label(member.username).classes('font-medium truncate').mark(f'member-{member.user_id}')
                    ui.label(money(member.paid_cents)).classes('text-right tabular-nums')
                    ui.label(money(member.share_cents)).classes('text-right tabular-nums')
                    tone = (
                        'text-positive' if member.balance_cents > 0 else 'text-negative' if member.balance_cents else ''
                    )
                    ui.label(money(member.balance_cents)).classes(f'text-right tabular-nums font-semibold {tone}').mark(
                        f'balance-{member.user_id}'
                    )
            ui.label(_('More than zero: the household owes them; less than zero: they owe the household.')).classes(
                'text-xs opacity-70'
            )
        with ui.card().classes('w-full max-w-2xl gap-2').mark('household-suggestions'):
            ui.label(_('To settle up')).classes('text-lg font-semibold')
            if not view.suggestions:
                ui.label(_('Everyone is settled up.')).classes('opacity-80').mark('settled-up')
            elif not view.household:
                ui.label(_('Not everyone here is linked to everyone: each pair settles between themselves.')).classes(
                    'text-xs opacity-70'
                )
            for index, transfer in enumerate(view.suggestions):
                with ui.row().classes('w-full items-center no-wrap gap-2'):
                    ui.label(
                        _(
                            '{payer} pays {amount} to {payee}',
                            payer=transfer.from_username,
                            amount=money(transfer.amount_cents),
                            payee=transfer.to_username,
                        )
                    ).classes('grow').mark(f'suggestion-{index}')
                    ui.button(
                        _('Record'),
                        on_click=lambda t=transfer: record_dialog(view, t.from_user_id, t.to_user_id, t.amount_cents),
                    ).props('flat dense no-caps').mark(f'record-suggestion-{index}')
            ui.button(_('Record a settlement'), icon='payments', on_click=lambda: record_dialog(view)).props(
                'no-caps'
            ).mark('record-settlement')
        if view.former:
            with ui.card().classes('w-full max-w-2xl gap-1').mark('household-former'):
                ui.label(_('Former links')).classes('text-lg font-semibold')
                for pair in view.former:
                    if pair.balance_cents > 0:
                        text = _('{name} owes you {amount}', name=pair.username, amount=money(pair.balance_cents))
                    else:
                        text = _('You owe {name} {amount}', name=pair.username, amount=money(-pair.balance_cents))
                    ui.label(text).mark(f'former-{pair.user_id}')
        with ui.card().classes('w-full max-w-2xl gap-1').mark('household-settlements'):
            with ui.row().classes('w-full items-center justify-between gap-2'):
                ui.label(_('Settlements')).classes('text-lg font-semibold')
                ui.button(_('Export (CSV)'), icon='download', on_click=export).props('flat dense no-caps').mark(
                    'export-settlements'
                )
            if not view.settlements:
                ui.label(_('No settlement in this period.')).classes('opacity-80')
            for row in view.settlements:
                with ui.row().classes('w-full items-center no-wrap gap-2'):
                    ui.label(formats.short_date(row.date, user.locale, today=today(user.timezone))).classes(
                        'text-sm opacity-70 w-20'
                    )
                    ui.label(
                        _(
                            '{payer} paid {payee} back {amount}',
                            payer=row.from_username,
                            payee=row.to_username,
                            amount=settlement_amount(row, user.currency, user.locale),
                        )  # fmt: skip
                    ).classes('grow text-sm')
                    if user.id in (row.from_user_id, row.to_user_id):
                        remove = ui.button(icon='undo', on_click=lambda r=row: delete(r)).props('flat round dense')
                        remove.props['aria-label'] = _('Undo this settlement')
                        remove.mark(f'delete-settlement-{row.id}')
        with ui.card().classes('w-full max-w-2xl gap-1'):
            ui.label(_('New expenses')).classes('text-lg font-semibold')

            async def default_changed(event) -> None:
                await call_service(splits.set_default_split, user, event.value, success=_('Saved.'))

            ui.select(
                {'me': _('Just me'), 'equal': _('Split equally with everyone linked to me')},
                value=default,
                label=_('A new expense starts as'),
                on_change=default_changed,
            ).props('outlined dense').classes('w-full').mark('default-split')

    async def export() -> None:
        """The settlements of the period shown, apart from the exports of spending."""
        chosen = None if state.period == 'all' else parse_month(state.period)
        await call_service(
            settlement_exports.settlements_to_file, user, chosen, after=lambda found: ui.download.file(*found)
        )

    async def period_changed() -> None:
        state.period = period.value or 'all'
        await content.refresh()

    period.on_value_change(period_changed)

    def recorded(row: SettlementRow) -> None:
        state.undo = row
        undo_notification.notify_with_undo(_('Settlement recorded.'), 'household_undo_record')

    def deleted(row: SettlementRow) -> None:
        state.redo = row
        undo_notification.notify_with_undo(_('Settlement undone.'), 'household_redo')

    async def undo_record() -> None:
        row, state.undo = state.undo, None
        if row is not None:
            await call_service(balances.delete_settlement, user, row.id, refresh=content.refresh,
                               success=_('Settlement undone.'))  # fmt: skip

    async def redo() -> None:
        row, state.redo = state.redo, None
        if row is not None:
            await call_service(balances.restore_settlement, user, row, refresh=content.refresh,
                               success=_('Settlement recorded.'))  # fmt: skip

    ui.on('household_undo_record', undo_record)
    ui.on('household_redo', redo)

    async def delete(row: SettlementRow) -> None:
        await call_service(balances.delete_settlement, user, row.id, refresh=content.refresh, after=deleted)

    def record_dialog(view: Balances, payer: int | None = None, payee: int | None = None, cents: int = 0) -> None:
        people = {m.user_id: m.username for m in view.members}
        people.update({p.user_id: p.username for p in view.former})
        with dialogs, ui.dialog() as dialog, ui.card().classes('w-full max-w-sm gap-2').mark('settlement-dialog'):
            ui.label(_('Record a settlement')).classes('text-lg font-semibold')
            ui.label(_('A reimbursement between you: it moves the balance and is never counted as spending.')).classes(
                'text-sm opacity-80'
            )
            sender = ui.select(people, value=payer, label=_('Who pays back')).props('outlined').classes('w-full')
            receiver = ui.select(people, value=payee, label=_('Who is paid back')).props('outlined').classes('w-full')
            amount = ui.input(_('Amount'), value=formats.amount_for_input(cents, user.locale) if cents else '')
            amount.props('outlined inputmode=decimal autocomplete=off').classes('w-full').mark('settlement-amount')
            own = currency_select(amount, user, mark='settlement-currency')  # any currency, converted (issue 20)
            day = ui.input(_('Date'), value=today(user.timezone).isoformat()).props('outlined mask="####-##-##"')
            day.classes('w-full').mark('settlement-date')
            sender.mark('settlement-from')
            receiver.mark('settlement-to')
            fields = {'from_user_id': sender, 'to_user_id': receiver, 'amount': amount, 'date': day}
            if own is not None:
                fields['currency'] = own.element

            async def save() -> None:
                await call_service(
                    balances.create_settlement,
                    user,
                    sender.value,
                    receiver.value,
                    amount.value,
                    day.value,
                    own.element.value if own is not None else None,
                    fields=fields,
                    dialog=dialog,
                    busy=save_button,
                    refresh=content.refresh,
                    after=recorded,
                )

            with ui.row().classes('w-full justify-end gap-2'):
                ui.button(_('Cancel'), on_click=dialog.close).props('flat').mark('cancel-settlement')
                save_button = ui.button(_('Record'), icon='check', on_click=save).mark('save-settlement')
        dialog.on('hide', lambda: dialog.delete())
        dialog.open()

    await content()
