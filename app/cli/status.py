"""`manage.py status`: the state of the installation on one screen."""

from __future__ import annotations

from datetime import UTC, datetime

from app.cli.bootstrap import load_config
from app.cli.errors import verb
from app.cli.output import color
from app.db import open_database
from app.i18n import _, render
from app.services import backups, server_control
from app.services import status as status_service
from app.services.backups import format_size
from app.version import current_version


def duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return _('{days}d {hours}h {minutes}m', days=days, hours=hours, minutes=f'{minutes:02d}')
    if hours:
        return _('{hours}h {minutes}m', hours=hours, minutes=f'{minutes:02d}')
    return _('{minutes}m {seconds}s', minutes=minutes, seconds=f'{secs:02d}')


def server_line(state: server_control.ServerState) -> str:
    if not state.running:
        return color(_('stopped'), '33')
    parts = [
        color(_('running'), '32'),
        _('pid {pid}', pid=state.pid),
        _('up {duration}', duration=duration(state.uptime_seconds or 0)),
    ]
    if state.memory_bytes is not None:
        parts.append(_('{size} memory', size=format_size(state.memory_bytes)))
    if state.cpu_percent is not None:
        parts.append(_('CPU {percent}%', percent=f'{state.cpu_percent:.1f}'))
    parts.append(state.address)
    return ', '.join(parts)


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime('%Y-%m-%d %H:%M')


@verb
def status() -> None:
    """Show the version, whether the server runs, the database, the last backup, the errors logged in the last
    24 hours and configuration problems."""
    settings = load_config()
    state = server_control.server_status(settings)
    problems: list[str] = []
    if state.stale_pid:
        problems.append(_('a stale pidfile (the server had stopped without cleaning up) was found and removed'))
    try:
        open_database(settings.database_url)
        facts = status_service.database_facts(settings)
    except Exception as exc:  # noqa: BLE001 - status reports, it does not crash
        facts = status_service.InstallationFacts(settings.database_url, None, None, None, None)
        problems.append(_('cannot read the database: {problem}', problem=str(exc)))
    problems += [render(problem) for problem in facts.problems]
    problems += [render(problem) for problem in status_service.config_problems(settings)]
    errors = status_service.logged_errors(settings)
    if errors.count:
        problems.append(render(errors.sentence()))
    listing = backups.list_backups(settings)
    made = [(b.manifest.created_at, b.name) for b in listing if b.manifest]
    last = max(made) if made else None  # (when, name) of the newest readable backup
    if settings.backup_interval_hours > 0 and last is not None:
        age = (datetime.now(UTC) - last[0]).total_seconds() / 3600
        if age > 2 * settings.backup_interval_hours:
            problems.append(
                _(
                    'the last backup is {age} hours old although one is due every {interval} hours: '
                    'is the server running?',
                    age=f'{age:.0f}',
                    interval=f'{settings.backup_interval_hours:g}',
                )
            )
    rows = [
        (_('Version'), f'What I Spend {current_version()}'),
        (_('Server'), server_line(state)),
        (_('Database'), facts.database + (f' ({format_size(facts.database_size)})' if facts.database_size else '')),
        (_('Schema'), '-' if facts.schema is None else str(facts.schema)),
        (_('Users'), '-' if facts.users is None else str(facts.users)),
        (_('Expenses'), '-' if facts.expenses is None else str(facts.expenses)),
        (
            _('Last backup'),
            f'{local_time(last[0])} ({last[1]})' if last else color(_('never'), '33'),
        ),
        (_('Backups'), _('{count} in {folder}', count=len(listing), folder=str(backups.backup_dir(settings)))),
        (_('Logs'), str(settings.data_path / 'logs' / 'whatispend.log')),
        (_('Errors {hours} h', hours=errors.hours), color(str(errors.count), '31') if errors.count else '0'),
    ]
    width = max(len(label) for label, _value in rows)
    for label, value in rows:
        print(f'{label.ljust(width)}  {value}')
    if problems:
        print(color(_('Problems'), '31'))
        for problem in problems:
            print(f'  - {problem}')
    else:
        label, value = _('Problems'), _('none')
        print(f'{label.ljust(width)}  {value}')
