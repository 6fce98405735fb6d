"""`manage.py backup ...`: create, list, verify and restore backups."""

from __future__ import annotations

from pathlib import Path

from app.cli.bootstrap import load_config
from app.cli.errors import CliError, verb
from app.cli.output import color, table
from app.cli.status import local_time
from app.i18n import Message, _, ngettext
from app.services import backups
from app.services.backups import format_size


class BackupCommands:
    """Back up the database and config.env, list the backups, restore one."""

    @verb
    def create(self, output: str | None = None) -> None:
        """Make a backup now: backups/backup-YYYYmmdd-HHMMSS.tar.gz, or -o NAME (a name, or a path with a /)."""
        settings = load_config()
        info = backups.create_backup(settings, output, kind='manual')
        if output is None:
            backups.prune(settings)
        manifest = info.manifest
        if manifest is None:  # create_backup always reads back what it wrote
            raise CliError(Message('{path} was written but its manifest cannot be read', path=str(info.path)))
        print(
            _(
                'Backup written: {path} ({size}, schema {schema}, {expenses} expenses, {rows} rows).',
                path=str(info.path),
                size=format_size(info.size),
                schema=manifest.schema_version,
                expenses=manifest.row_counts.get('expense', 0),
                rows=manifest.total_rows,
            )
        )

    @verb
    def list(self) -> None:
        """The backups in the backup folder, newest first: name, date, size, version, rows."""
        settings = load_config()
        found = backups.list_backups(settings)
        if not found:
            print(
                _(
                    'No backups in {folder} yet; `manage.py backup create` makes one.',
                    folder=str(backups.backup_dir(settings)),
                )
            )
            return
        rows: list[tuple[object, ...]] = []
        for info in found:
            if info.manifest:
                m = info.manifest
                rows.append(
                    (info.name, local_time(m.created_at), format_size(info.size), m.app_version, m.total_rows, m.kind)
                )
            else:
                rows.append((info.name, '-', format_size(info.size), '-', '-', color(_('unreadable'), '31')))
        print(table([_('name'), _('date'), _('size'), _('version'), _('rows'), _('kind')], rows))
        problems = [info for info in found if info.problem]
        for info in problems:
            print(f'  {info.name}: {info.problem}')

    @verb
    def verify(self, file: str) -> None:
        """Check a backup completely (readable, checksums, schema, database) without restoring it."""
        settings = load_config()
        path = backups.resolve_backup(settings, file)
        manifest = backups.verify_backup(path)
        print(
            _(
                '{name} is sound: made {date} by version {version}, schema {schema}, {rows} rows.',
                name=path.name,
                date=local_time(manifest.created_at),
                version=manifest.app_version,
                schema=manifest.schema_version,
                rows=manifest.total_rows,
            )
        )

    @verb
    def restore(self, file: str, force: bool = False, with_config: bool = False) -> None:
        """Restore --file (a path or a name from `backup list`). Verifies it first and keeps a safety backup.
        Refuses while the server runs unless --force (stops it and starts it again). --with-config also puts
        back the archive's config.env."""
        settings = load_config()
        result = backups.restore_backup(settings, file, force=force, with_config=with_config)
        m = result.manifest
        print(
            _(
                'Restored {name}: made {date}, {rows} rows.',
                name=Path(str(file)).name,
                date=local_time(m.created_at),
                rows=m.total_rows,
            )
        )
        if result.safety:
            print(_('The previous state is kept in {path}.', path=str(result.safety.path)))
        for line in result.migrations:
            print(_('Applied migration {migration}.', migration=line))
        if result.config_restored:
            print(_('config.env was restored from the backup.'))
        if result.restarted_pid:
            print(_('Server started again (pid {pid}).', pid=result.restarted_pid))

    @verb
    def prune(self, keep: int | None = None) -> None:
        """Delete the oldest automatic and safety backups beyond --keep (default BACKUP_KEEP)."""
        settings = load_config()
        removed = backups.prune(settings, None if keep is None else int(keep))
        for path in removed:
            print(_('removed {name}', name=path.name))
        print(ngettext('{n} backup removed.', '{n} backups removed.', len(removed)))
