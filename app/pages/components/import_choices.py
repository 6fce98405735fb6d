"""The Import page's choices: how the file was read (format, preset, encoding, delimiter, both overridable),
a preview of its first rows, the column of each field, negative amounts, the date question, and what rows
without a category or payment method get. Each change runs the dry run again (`page.rerun`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nicegui import ui

from app.i18n import N_, _
from app.pages.components.text_table import text_table
from app.services.import_types import DateChoice, ImportReport

if TYPE_CHECKING:
    from app.pages.import_page import ImportPage

FIELD_LABELS: dict[str, str] = {
    'date': N_('Date'),
    'amount': N_('Amount'),
    'debit': N_('Debit'),
    'credit': N_('Credit'),
    'category': N_('Category'),
    'subcategory': N_('Subcategory'),
    'payment_method': N_('Payment method'),
    'description': N_('Description'),
    'place': N_('Place'),
    'latitude': N_('Latitude'),
    'longitude': N_('Longitude'),
    'tags': N_('Tags'),
    'currency': N_('Currency'),
    'type': N_('Type (income, expense, transfer)'),
    'external_id': N_('Transaction id'),
}
ENCODINGS = ('utf-8', 'utf-8-sig', 'utf-16', 'cp1252', 'iso-8859-1', 'iso-8859-15', 'mac_roman')
DELIMITERS = {',': N_('comma ,'), ';': N_('semicolon ;'), '\t': N_('tab'), '|': N_('bar |')}
TEXT_FORMATS = ('csv', 'tsv')


def _preview(report: ImportReport) -> None:
    source = report.source
    if not source.preview or not source.headers:
        return
    width = len(source.headers)
    rows = [
        (number, *((cells[i] if i < len(cells) else '')[:120] for i in range(width)))
        for number, cells in source.preview
    ]
    text_table([_('Row'), *source.headers], rows, label=_('The first rows of the file'), mark='import-preview')


def choices_card(page: ImportPage, report: ImportReport) -> None:
    state, source = page.state, report.source
    with ui.card().classes('w-full gap-3').mark('import-choices'):
        ui.label(_('How the file was read')).classes('text-lg font-semibold')
        preset = source.preset_label.render() if source.preset_label is not None else _('none (columns guessed)')
        ui.label(
            _(
                '{file}: format {format}, preset: {preset}',
                file=source.file_name,
                format=source.file_format,
                preset=preset,
            )
        ).classes('text-sm').mark('import-format')
        if source.file_format in TEXT_FORMATS:
            with ui.row().classes('gap-4 w-full'):
                encodings = {'': _('detected: {encoding}', encoding=source.encoding or '?')}
                encodings.update({name: name for name in ENCODINGS})
                encoding = ui.select(encodings, value=state.encoding or '', label=_('Encoding')).classes('w-48')
                encoding.mark('import-encoding')
                encoding.on_value_change(lambda e: page_set(page, encoding=e.value or None))
                detected = DELIMITERS.get(source.delimiter or '', '?')
                delimiters = {'': _('detected: {delimiter}', delimiter=_(detected))}
                delimiters.update({key: _(label) for key, label in DELIMITERS.items()})
                delimiter = ui.select(delimiters, value=state.delimiter or '', label=_('Delimiter')).classes('w-48')
                delimiter.mark('import-delimiter')
                delimiter.on_value_change(lambda e: page_set(page, delimiter=e.value or None))
        _preview(report)
        ui.label(_('Columns')).classes('text-base font-semibold')
        current = dict(source.mapping)
        headers = {'': '—', **{header: header for header in source.headers}}
        with ui.grid().classes('w-full gap-2 grid-cols-1 sm:grid-cols-2 lg:grid-cols-3'):
            for name, label in FIELD_LABELS.items():
                value = current.get(name, '')
                select = ui.select(headers, value=value if value in headers else '', label=_(label))
                select.classes('w-full').mark(f'import-map-{name}')
                select.on_value_change(lambda e, name=name: map_column(page, report, name, e.value))
        with ui.row().classes('gap-4 w-full items-end'):
            negatives = (
                ui.radio(
                    {
                        'expenses': _('Negative amounts are expenses (bank style)'),
                        'refunds': _('Negative amounts are refunds'),
                    },
                    value=source.negatives,
                )
                .props('inline')
                .mark('import-negatives')
            )
            negatives.on_value_change(lambda e: page_set(page, negatives=e.value))
            refunds = (
                ui.radio(
                    {
                        'deduct': _('Money in: take a refund off the purchase it refunds'),
                        'skip': _('Money in: skip it'),
                    },
                    value=state.refunds,
                )
                .props('inline')
                .mark('import-refunds')
            )
            refunds.on_value_change(lambda e: page_set(page, refunds=e.value))
        if current.get('type'):
            _skip_types(page, report)
        with ui.row().classes('gap-4 w-full'):
            default_category = (
                ui.select(
                    {0: _('Uncategorised (created if needed)'), **page.category_options},
                    value=state.default_category or 0,
                    label=_('Category of rows without one'),
                )
                .classes('w-64')
                .mark('import-default-category')
            )
            default_category.on_value_change(lambda e: page_set(page, default_category=e.value or None))
            default_method = (
                ui.select(
                    {0: _('Unspecified (created if needed)'), **page.method_options},
                    value=state.default_payment_method or 0,
                    label=_('Payment method of rows without one'),
                )
                .classes('w-64')
                .mark('import-default-method')
            )
            default_method.on_value_change(lambda e: page_set(page, default_payment_method=e.value or None))


SKIP_TYPE_LABELS = {
    'income': N_('Skip the rows whose type says income'),
    'transfer': N_('Skip the rows whose type says transfer'),
}


def _skip_types(page: ImportPage, report: ImportReport) -> None:
    """Which rows the type column leaves out (income and transfers unless the person says otherwise)."""
    skipped = set(report.source.skip_types)
    with ui.row().classes('gap-4 w-full').mark('import-skip-types'):
        for kind, label in SKIP_TYPE_LABELS.items():
            box = ui.checkbox(_(label), value=kind in skipped).mark(f'import-skip-{kind}')
            box.on_value_change(lambda e, kind=kind: _toggle_skip(page, report, kind, bool(e.value)))


def _toggle_skip(page: ImportPage, report: ImportReport, kind: str, skip: bool) -> Any:
    kinds = set(page.state.skip_types if page.state.skip_types is not None else report.source.skip_types)
    if skip:
        kinds.add(kind)
    else:
        kinds.discard(kind)
    return page_set(page, skip_types=tuple(k for k in SKIP_TYPE_LABELS if k in kinds))


def map_column(page: ImportPage, report: ImportReport, name: str, header: str | None) -> Any:
    mapping = dict(page.state.mapping or dict(report.source.mapping))
    if header:
        mapping[name] = header
    else:
        mapping.pop(name, None)
    return page_set(page, mapping=mapping)


def page_set(page: ImportPage, **changes: Any) -> Any:
    for name, value in changes.items():
        setattr(page.state, name, value)
    return page.rerun()


def date_question_card(page: ImportPage, question: DateChoice) -> None:
    with ui.card().classes('w-full gap-2').mark('import-date-question'):
        ui.label(_('Which way are the dates written?')).classes('text-lg font-semibold')
        ui.label(
            _(
                'Every date of column {column} can be read two ways (no day above 12). For example: {examples}.',
                column=question.column,
                examples=', '.join(question.examples[:3]),
            )
        ).classes('text-sm')
        shown = {'%d/%m/%Y': _('day/month/year'), '%m/%d/%Y': _('month/day/year')}
        options = {fmt: shown.get(fmt, fmt) for fmt in question.candidates}
        choice = ui.radio(options).mark('import-date-format')
        choice.on_value_change(lambda e: page_set(page, date_format=e.value))
