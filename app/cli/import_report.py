"""The import report as lines of text for `manage.py import file`, in the operator's language."""

from __future__ import annotations

from app.i18n import N_, _, ngettext
from app.services.import_file import MISSING
from app.services.import_types import ImportReport
from app.services.money import cents_to_text

SKIP_NAMES = {
    'income': N_('income'),
    'transfer': N_('transfers'),
    'zero': N_('zero amounts'),
    'empty': N_('empty rows'),
    'refund': N_('money in that refunds no purchase of the file (income, older purchases)'),
    'refunded': N_('purchases refunded in full in the file'),
}


def report_lines(report: ImportReport) -> list[str]:
    source = report.source
    lines = [
        _(
            '{file}: {format}, preset {preset}, encoding {encoding}.',
            file=source.file_name,
            format=source.file_format or '?',
            preset=source.preset or _('none'),
            encoding=source.encoding or '-',
        ),
        _('Columns: {mapping}', mapping=', '.join(f'{field}={header}' for field, header in source.mapping) or '-'),
    ]
    for missing in report.missing_columns:
        lines.append(MISSING[missing].render())
    if report.missing_columns:
        lines.append(_('Name the columns with --mapping.'))
        return lines
    question = report.date_question
    if question is not None:
        lines.append(
            _(
                'The dates of column {column} can be read as {formats} (e.g. {examples}); choose one with '
                '--date-format.',
                column=question.column,
                formats=' / '.join(question.candidates),
                examples=', '.join(question.examples[:3]),
            )
        )
        return lines
    lines.append(ngettext('{n} row read.', '{n} rows read.', report.rows))
    lines.append(ngettext('{n} new.', '{n} new.', report.new))
    lines.append(ngettext('{n} duplicate (already there).', '{n} duplicates (already there).', report.duplicates))
    if report.possible_count:
        lines.append(
            ngettext(
                '{n} possible duplicate of an expense entered by hand:',
                '{n} possible duplicates of expenses entered by hand:',
                report.possible_count,
            )
        )
        for possible in report.possible:
            lines.append(
                _(
                    '  row {row}: {date} {amount} "{description}" ~ expense {id} of {existing_date} '
                    '"{existing}" ({kept})',
                    row=possible.row_number,
                    date=possible.date.isoformat(),
                    amount=cents_to_text(possible.amount_cents),
                    description=possible.description,
                    id=possible.existing_id,
                    existing_date=possible.existing_date.isoformat(),
                    existing=possible.existing_description,
                    kept=_('kept') if possible.kept else _('skipped'),
                )
            )
    lines.extend(_refund_lines(report))
    for reason, count in report.skipped:
        name = SKIP_NAMES.get(reason)
        lines.append(_('Skipped, {reason}: {n}', reason=_(name) if name else reason, n=count))
    if report.invalid_count:
        lines.append(ngettext('{n} invalid row:', '{n} invalid rows:', report.invalid_count))
        for problem in report.invalid:
            lines.append(
                _(
                    '  row {row}, column {column}, value "{value}": {message}',
                    row=problem.row_number,
                    column=problem.column,
                    value=problem.value,
                    message=problem.message.render(),
                )
            )
    for new in report.new_categories:
        if new.parent:
            lines.append(
                ngettext(
                    'New subcategory {name} under {parent} ({n} row).',
                    'New subcategory {name} under {parent} ({n} rows).',
                    new.rows,
                    name=new.name,
                    parent=new.parent,
                )
            )
        else:
            lines.append(
                ngettext('New category {name} ({n} row).', 'New category {name} ({n} rows).', new.rows, name=new.name)
            )
    for new in report.new_payment_methods:
        lines.append(
            ngettext(
                'New payment method {name} ({n} row).',
                'New payment method {name} ({n} rows).',
                new.rows,
                name=new.name,
            )
        )
    if report.dry_run:
        lines.append(
            ngettext(
                'Dry run: {n} expense would be imported, total {total}. Nothing was changed.',
                'Dry run: {n} expenses would be imported, total {total}. Nothing was changed.',
                report.to_import,
                total=cents_to_text(report.total_cents),
            )
        )
    else:
        lines.append(
            ngettext(
                'Imported {n} expense, total {total} (import {id}; `import undo --id {id}` takes it back).',
                'Imported {n} expenses, total {total} (import {id}; `import undo --id {id}` takes it back).',
                report.imported,
                total=cents_to_text(report.total_cents),
                id=report.import_id,
            )
        )
    return lines


def _refund_lines(report: ImportReport) -> list[str]:
    """Each row of money in and what became of it."""
    if not report.refunds:
        return []
    count = report.refunds_deducted + dict(report.skipped).get('refund', 0)
    lines = [
        ngettext(
            '{n} row of money in ({deducted} taken off the purchase it refunds):',
            '{n} rows of money in ({deducted} taken off the purchase they refund):',
            count,
            deducted=report.refunds_deducted,
        )
    ]
    for refund in report.refunds:
        values = {
            'row': refund.row_number,
            'date': refund.date.isoformat(),
            'amount': cents_to_text(refund.amount_cents),
            'description': refund.description,
            'purchase': refund.purchase_row,
            'before': cents_to_text(refund.purchase_before),
            'after': cents_to_text(refund.purchase_after),
        }
        if refund.status == 'deducted':
            lines.append(
                _('  row {row}: {date} +{amount} "{description}" -> row {purchase}: {before} -> {after}', **values)
            )
        elif refund.status == 'recorded':
            lines.append(
                _(
                    '  row {row}: {date} +{amount} "{description}": the purchase of row {purchase} is already among '
                    'your expenses at its full amount; skipped',
                    **values,
                )
            )
        else:
            lines.append(_('  row {row}: {date} +{amount} "{description}": skipped', **values))
    return lines
