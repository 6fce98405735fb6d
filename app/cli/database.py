"""`manage.py db ...`: the database schema, and copying the database into another one."""

from app.cli.bootstrap import open_db
from app.cli.errors import verb
from app.cli.output import table
from app.i18n import _


class DbCommands:
    """Database maintenance."""

    @verb
    def migrate(self) -> None:
        """Apply pending schema migrations (also done at every server start)."""
        from app.config import get_settings
        from app.migrations import run_migrations, schema_version
        from app.services.file_modes import secure_files

        open_db(migrate=False)
        applied = run_migrations()
        secure_files(get_settings())  # an older installation's data/ and backups/ were world-readable
        if applied:
            for line in applied:
                print(_('applied migration {migration}', migration=line))
        print(_('Database schema is at version {version}.', version=schema_version()))

    @verb
    def copy(self, to: str) -> None:
        """Copy every row of the database into the empty database --to (postgresql://user@host/dbname or
        sqlite:///path/to/file.db), checking each table's rows and money sums; all or nothing. The server
        must be stopped. DATABASE_URL is left as it is: point it at the copy afterwards."""
        from app.config import get_settings
        from app.services import db_copy

        open_db()
        result = db_copy.copy_database(get_settings(), str(to))
        rows = [(t.table, t.rows, ', '.join(f'{k} {v}' for k, v in t.sums.items())) for t in result.tables if t.rows]
        print(table([_('table'), _('rows'), _('money (cents)')], rows))
        print(
            _(
                'Copied {rows} rows of {tables} tables into {target} (schema {version}); the rows and money sums '
                'of every table match.',
                rows=result.total_rows,
                tables=len(result.tables),
                target=result.target,
                version=result.schema_version,
            )
        )
        print(_('To use the copy, set DATABASE_URL={target} in config.env and start the server.', target=result.target))
