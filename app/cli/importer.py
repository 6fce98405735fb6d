"""`manage.py import legacy --dir PATH`: bring over the data of What I Spend v2.4."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.cli.output import table
from app.i18n import N_, _
from app.services.legacy_import import KINDS, import_legacy

# the table's first column, one line per legacy_import.KINDS entry (an unknown kind is shown as it is)
KIND_NAMES = {
    'users': N_('users'),
    'categories': N_('categories'),
    'payment_methods': N_('payment methods'),
    'expenses': N_('expenses'),
    'links': N_('links'),
}


def _label(kind: str) -> str:
    name = KIND_NAMES.get(kind)
    return _(name) if name else kind.replace('_', ' ')


class ImportCommands:
    """Import data from elsewhere."""

    @verb
    def legacy(self, dir: str, dry_run: bool = False) -> None:
        """Import the data/ folder of What I Spend v2.4 (users.json, expenses.json, categories.json,
        payment_methods.json, user_links.json). Old passwords keep working. --dry-run shows what would be
        imported and changes nothing; running it again imports only what is new."""
        open_db()
        report = import_legacy(str(dir), dry_run=bool(dry_run))
        rows = [
            (
                _label(kind),
                report.created[kind],
                report.already[kind],
            )
            for kind in KINDS
        ]
        verb_text = _('would import') if report.dry_run else _('imported')
        print(table([_('records'), verb_text, _('already here')], rows))
        for warning in report.warnings:
            print(_('warning: {warning}', warning=warning))
        if report.dry_run:
            print(_('Dry run: nothing was changed. Run again without --dry-run to import.'))
        elif not sum(report.created.values()):
            print(_('Nothing new to import.'))
        else:
            print(_('Imported from {folder}.', folder=str(report.folder)))
