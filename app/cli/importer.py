"""`manage.py import legacy --dir PATH`: bring over the data of What I Spend v2.4."""

from __future__ import annotations

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.cli.output import table
from app.services.legacy_import import KINDS, import_legacy


class ImportCommands:
    """Import data from elsewhere."""

    @verb
    def legacy(self, dir: str, dry_run: bool = False) -> None:
        """Import the data/ folder of What I Spend v2.4 (users.json, expenses.json, categories.json,
        payment_methods.json, user_links.json). Old passwords keep working. --dry-run shows what would be
        imported and changes nothing; running it again imports only what is new."""
        open_db()
        report = import_legacy(str(dir), dry_run=bool(dry_run))
        rows = [(kind.replace('_', ' '), report.created[kind], report.already[kind]) for kind in KINDS]
        verb_text = 'would import' if report.dry_run else 'imported'
        print(table(['records', verb_text, 'already here'], rows))
        for warning in report.warnings:
            print(f'warning: {warning}')
        if report.dry_run:
            print('Dry run: nothing was changed. Run again without --dry-run to import.')
        elif not sum(report.created.values()):
            print('Nothing new to import.')
        else:
            print(f'Imported from {report.folder}.')
