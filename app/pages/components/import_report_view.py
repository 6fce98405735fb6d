"""The import report on the Import page: counts, the total, invalid rows (row, column, value, why),
possible duplicates to keep or skip, and the categories and payment methods to create or map. The same
card, without choices, shows a confirmed import."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from nicegui import ui

from app.i18n import N_, _, ngettext
from app.models import User
from app.pages.components.text_table import text_table
from app.services import formats
from app.services.import_types import ImportReport

if TYPE_CHECKING:
    from app.pages.import_page import ImportPage

SHOWN = 50  # invalid rows listed on the page (the API and the CLI list up to 200)
SKIP_LABELS = {
    'income': N_('Income'),
    'transfer': N_('Transfers'),
    'zero': N_('Zero amounts'),
    'empty': N_('Empty rows'),
    'refund': N_('Money in that refunds no purchase of the file'),
    'refunded': N_('Purchases refunded in full'),
}
REFUND_FATES = {
    'deducted': N_('Taken off row {purchase}: {before} → {after}'),
    'recorded': N_('Row {purchase} is already among your expenses at its full amount: skipped'),
    'unmatched': N_('No purchase of the file before it: skipped'),
    'skipped': N_('Skipped'),
}


class Shown:
    """Amounts and dates as the user reads them."""

    def __init__(self, user: User) -> None:
        self.currency, self.locale = user.currency, user.locale

    def money(self, cents: int) -> str:
        return formats.money(cents, self.currency, self.locale)

    def date(self, day: dt.date) -> str:
        return formats.short_date(day, self.locale)


def _figure(label: str, value: str, mark: str) -> None:
    with ui.column().classes('gap-0 min-w-24'):
        ui.label(label).classes('text-xs uppercase opacity-70')
        ui.label(value).classes('text-xl font-semibold').mark(mark)


def report_card(report: ImportReport, user: User, page: ImportPage | None = None) -> None:
    money = Shown(user)
    with ui.card().classes('w-full gap-3').mark('import-report'):
        if report.dry_run:
            ui.label(_('Report (nothing is saved yet)')).classes('text-lg font-semibold')
        else:
            ui.label(ngettext('Imported {n} expense.', 'Imported {n} expenses.', report.imported)).classes(
                'text-lg font-semibold'
            ).mark('import-done')
        with ui.row().classes('gap-6 w-full'):
            _figure(_('Rows'), str(report.rows), 'import-rows')
            _figure(_('New'), str(report.new), 'import-new')
            _figure(_('Duplicates'), str(report.duplicates), 'import-duplicates')
            _figure(_('Possible duplicates'), str(report.possible_count), 'import-possible')
            _figure(_('Skipped'), str(report.skipped_count), 'import-skipped')
            _figure(_('Invalid'), str(report.invalid_count), 'import-invalid')
            if report.refunds_deducted:
                _figure(_('Refunds deducted'), str(report.refunds_deducted), 'import-refunds-deducted')
            _figure(_('Total'), money.money(report.total_cents), 'import-total')
        if report.skipped:
            parts = []
            for reason, count in report.skipped:
                label = SKIP_LABELS.get(reason, reason)
                parts.append(_('{reason}: {n}', reason=_(label), n=count))
            ui.label(_('Skipped: {list}', list=', '.join(parts))).classes('text-sm opacity-80')
        if not report.dry_run:
            with ui.row().classes('gap-2'):
                ui.button(_('See the expenses'), on_click=lambda: ui.navigate.to('/expenses')).props(
                    'outline no-caps'
                ).mark('import-see-expenses')
            return
        if report.invalid:
            _invalid_rows(report, page)
        if report.refunds:
            _refunds(report, money)
        if report.possible:
            _possible(report, page, money)
        if report.new_categories or report.new_payment_methods:
            _new_names(report, page)


def _invalid_rows(report: ImportReport, page: ImportPage | None) -> None:
    ui.label(_('Invalid rows')).classes('text-base font-semibold')
    shown = report.invalid[:SHOWN]
    rows = [(p.row_number, p.column, p.value, p.message.render()) for p in shown]
    headers = [_('Row'), _('Column'), _('Value'), _('Problem')]
    text_table(headers, rows, label=_('Invalid rows'), mark='import-invalid-rows')
    if report.invalid_count > len(shown):
        more = report.invalid_count - len(shown)
        ui.label(ngettext('… and {n} more.', '… and {n} more.', more)).classes('text-sm opacity-80')
    if page is not None:
        skip = ui.checkbox(_('Skip the invalid rows and import the others'), value=page.state.skip_invalid)
        skip.mark('import-skip-invalid')
        skip.on_value_change(lambda e: _set(page, skip_invalid=bool(e.value)))


def _refunds(report: ImportReport, money: Shown) -> None:
    """The rows of money in and what becomes of each: an expense is spending, so a refund makes the purchase
    it pays back cost less, and money in that refunds nothing of the file is left out."""
    ui.label(_('Money in (refunds, income)')).classes('text-base font-semibold')
    rows = []
    for refund in report.refunds[:SHOWN]:
        template = REFUND_FATES[refund.status]
        fate = _(
            template,
            purchase=refund.purchase_row or '',
            before=money.money(refund.purchase_before),
            after=money.money(refund.purchase_after),
        )
        rows.append(
            (refund.row_number, money.date(refund.date), money.money(refund.amount_cents), refund.description, fate)
        )
    headers = [_('Row'), _('Date'), _('Amount'), _('Description'), _('What happens')]
    text_table(headers, rows, label=_('Money in (refunds, income)'), mark='import-refund-rows')


def _possible(report: ImportReport, page: ImportPage | None, money: Shown) -> None:
    ui.label(_('Possible duplicates of expenses you entered by hand')).classes('text-base font-semibold')
    ui.label(_('Same amount, dates at most 3 days apart. Tick those to import anyway.')).classes('text-sm opacity-80')
    with ui.column().classes('gap-1 w-full').mark('import-possible-rows'):
        for possible in report.possible:
            text = _(
                'Row {row}: {date}, {amount}, “{description}” — like your expense of {existing_date}, “{existing}”',
                row=possible.row_number,
                date=money.date(possible.date),
                amount=money.money(possible.amount_cents),
                description=possible.description,
                existing_date=money.date(possible.existing_date),
                existing=possible.existing_description,
            )
            box = ui.checkbox(text, value=possible.kept).mark(f'import-keep-{possible.row_number}')
            if page is not None:
                box.on_value_change(lambda e, row=possible.row_number: _keep(page, row, bool(e.value)))


def _new_names(report: ImportReport, page: ImportPage | None) -> None:
    ui.label(_('To create')).classes('text-base font-semibold')
    ui.label(_('Names the file uses that you do not have yet. Create them, or use one of yours instead.')).classes(
        'text-sm opacity-80'
    )
    with ui.column().classes('gap-2 w-full').mark('import-new-names'):
        for new in report.new_categories:
            label = (
                ngettext(
                    'Subcategory {name} under {parent} ({n} row)',
                    'Subcategory {name} under {parent} ({n} rows)',
                    new.rows,
                    name=new.name,
                    parent=new.parent,
                )
                if new.parent
                else ngettext('Category {name} ({n} row)', 'Category {name} ({n} rows)', new.rows, name=new.name)
            )
            if new.parent:  # a subcategory of the file: filed under one of yours, or created under its category
                key: str | tuple[str, str] = (new.parent, new.name)
                mark = f'import-subcategory_map-{new.parent}/{new.name}'
                _name_choice(label, key, page, 'subcategory_map', page_options(page, 'category'), mark)
            else:
                _name_choice(label, new.name, page, 'category_map', page_options(page, 'category'))
        for new in report.new_payment_methods:
            label = ngettext(
                'Payment method {name} ({n} row)', 'Payment method {name} ({n} rows)', new.rows, name=new.name
            )
            _name_choice(label, new.name, page, 'method_map', page_options(page, 'method'))


def page_options(page: ImportPage | None, kind: str) -> dict[int, str] | None:
    if page is None:
        return None
    return page.category_options if kind == 'category' else page.method_options


def _name_choice(
    label: str,
    name: str | tuple[str, str],
    page: ImportPage | None,
    target: str,
    options: dict[int, str] | None,
    mark: str | None = None,
) -> None:
    with ui.row().classes('items-center gap-3 w-full'):
        ui.label(label).classes('text-sm min-w-48')
        if page is None or not options:
            return
        select = ui.select({0: _('Create it'), **options}, value=0).classes('w-56')
        select.mark(mark or f'import-{target}-{name}')

        def chosen(event, name=name) -> object:
            mapping = getattr(page.state, target)
            if event.value:
                mapping[name] = event.value
            else:
                mapping.pop(name, None)
            return page.rerun()

        select.on_value_change(chosen)


def _set(page: ImportPage, **changes: object) -> object:
    for name, value in changes.items():
        setattr(page.state, name, value)
    return page.rerun()


def _keep(page: ImportPage, row: int, kept: bool) -> object:
    if kept:
        page.state.keep.add(row)
    else:
        page.state.keep.discard(row)
    return page.rerun()
