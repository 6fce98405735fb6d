"""`manage.py import ...`: a file of a bank or another tracker (`file`, `history`, `undo`; issue 16), and
the data folder of What I Spend v2.4 (`legacy`)."""

from __future__ import annotations

from json import dumps
from pathlib import Path

from app import i18n
from app.cli.bootstrap import open_db
from app.cli.errors import CliError, verb
from app.cli.import_report import report_lines
from app.cli.output import table
from app.i18n import N_, Message, _, ngettext
from app.services import users
from app.services.import_file import import_file
from app.services.import_history import list_imports, undo_import
from app.services.import_params import MAX_JSON, parse_request
from app.services.import_types import report_json
from app.services.legacy_import import KINDS, import_legacy
from app.services.money import cents_to_text

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
    def legacy(self, dir: str, dry_run: bool = False, update_changed: bool = False) -> None:
        """Import the data/ folder of What I Spend v2.4 (users.json, expenses.json, categories.json,
        payment_methods.json, user_links.json). Old passwords keep working. --dry-run shows what would be
        imported and changes nothing; running it again imports only what is new, and reports the expenses
        edited in v2.4 since: --update-changed updates them."""
        open_db()
        report = import_legacy(str(dir), dry_run=bool(dry_run), update_changed=bool(update_changed))
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
        changed, updated = sum(report.changed.values()), sum(report.updated.values())
        if changed and not updated:
            print(
                ngettext(
                    '{n} record was edited in v2.4 since the last import; --update-changed updates it.',
                    '{n} records were edited in v2.4 since the last import; --update-changed updates them.',
                    changed,
                )
            )
        elif updated:
            print(
                ngettext('{n} record edited in v2.4 was updated.', '{n} records edited in v2.4 were updated.', updated)
            )
        if report.dry_run:
            print(_('Dry run: nothing was changed. Run again without --dry-run to import.'))
        elif not sum(report.created.values()) and not updated:
            print(_('Nothing new to import.'))
        else:
            print(_('Imported from {folder}.', folder=str(report.folder)))

    @verb
    def file(
        self,
        file: str,
        username: str,
        preset: str | None = None,
        mapping: str | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        keep_possible: str | None = None,
        default_category: str | None = None,
        default_payment_method: str | None = None,
        date_format: str | None = None,
        negatives: str | None = None,
        skip_types: str | None = None,
        refunds: str | None = None,
        encoding: str | None = None,
        delimiter: str | None = None,
        json: bool = False,
    ) -> None:
        """Import a CSV, TSV, XLSX, OFX/QFX, QIF, CAMT.053, MT940 or ihatemoney JSON file into USERNAME's
        account and print the report. --preset names the format, --mapping a JSON file (field -> column);
        without them the preset or the header's guess is used. --dry-run changes nothing. Possible
        duplicates are skipped unless --keep-possible all (or row numbers); invalid rows stop the import
        unless --skip-invalid. Money in is taken off the purchase of the file it refunds, or skipped with
        --refunds skip."""
        open_db()
        user = users.get_user_by_username(str(username))
        fields = {
            'dry_run': bool(dry_run),
            'skip_invalid': bool(skip_invalid),
            'keep_possible': None if keep_possible is None else str(keep_possible),
            'preset': preset,
            'mapping': _read_mapping(mapping),
            'default_category': default_category,
            'default_payment_method': default_payment_method,
            'date_format': date_format,
            'negatives': negatives,
            'skip_types': None if skip_types is None else str(skip_types),
            'refunds': refunds,
            'encoding': encoding,
            'delimiter': delimiter,
        }
        request = parse_request({name: value for name, value in fields.items() if value is not None})
        path = Path(str(file)).expanduser()
        if not path.is_file():
            raise CliError(Message('No file at {path}.', path=str(path)))
        report = import_file(
            user,
            path,
            path.name,
            request.options,
            preset=request.preset,
            mapping=request.mapping,
            encoding=request.encoding,
            delimiter=request.delimiter,
            date_format=request.date_format,
            negatives=request.negatives,
            skip_types=request.skip_types,
        )
        if json:
            print(dumps(report_json(report, i18n.current()), ensure_ascii=False, indent=2))
            return
        for line in report_lines(report):
            print(line)

    @verb
    def history(self, username: str) -> None:
        """The imports of USERNAME, newest first: id, file, time, rows, imported, still there, total."""
        open_db()
        user = users.get_user_by_username(str(username))
        views = list_imports(user)
        if not views:
            print(_('No imports yet.'))
            return
        rows = [
            (
                v.id,
                v.file_name,
                v.created_at.strftime('%Y-%m-%d %H:%M'),
                v.rows,
                v.imported,
                v.remaining,
                cents_to_text(v.total_cents),
                _('undone') if v.undone_at else '',
            )
            for v in views
        ]
        headers = [_('id'), _('file'), _('time (UTC)'), _('rows'), _('imported'), _('still there'), _('total'), '']
        print(table(headers, rows))

    @verb
    def undo(self, id: int, username: str) -> None:  # noqa: A002 - the option is --id
        """Undo import ID of USERNAME as a whole: its expenses, and the categories and payment methods it
        created that nothing else uses, are deleted; what was entered by hand stays."""
        open_db()
        user = users.get_user_by_username(str(username))
        undone = undo_import(user, id)
        print(
            ngettext(
                'Import {id} undone: {n} expense deleted.',
                'Import {id} undone: {n} expenses deleted.',
                undone.expenses_deleted,
                id=undone.id,
            )
        )


def _read_mapping(value: object) -> str | None:
    """--mapping: a JSON file, or the JSON itself."""
    if value is None:
        return None
    if isinstance(value, dict):
        return dumps(value)
    text = str(value)
    path = Path(text).expanduser()
    if not text.lstrip().startswith('{') and path.is_file():
        if path.stat().st_size > MAX_JSON:
            raise CliError(Message('The mapping file {path} is too large.', path=str(path)))
        return path.read_text(encoding='utf-8-sig')
    return text
