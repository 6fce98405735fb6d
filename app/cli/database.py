"""`manage.py db ...`: the database schema."""

from app.cli.bootstrap import open_db
from app.cli.errors import verb
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
