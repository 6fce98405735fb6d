"""`manage.py status`: the state of the installation on one screen."""

from __future__ import annotations

from datetime import UTC, datetime

from app.cli.bootstrap import load_config
from app.cli.errors import verb
from app.cli.output import color
from app.db import open_database
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
        return f'{days}d {hours}h {minutes:02d}m'
    if hours:
        return f'{hours}h {minutes:02d}m'
    return f'{minutes}m {secs:02d}s'


def server_line(state: server_control.ServerState) -> str:
    if not state.running:
        return color('stopped', '33')
    parts = [color('running', '32'), f'pid {state.pid}', f'up {duration(state.uptime_seconds or 0)}']
    if state.memory_bytes is not None:
        parts.append(f'{format_size(state.memory_bytes)} memory')
    if state.cpu_percent is not None:
        parts.append(f'CPU {state.cpu_percent:.1f}%')
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
        problems.append('a stale pidfile (the server had stopped without cleaning up) was found and removed')
    try:
        open_database(settings.database_url)
        facts = status_service.database_facts(settings)
    except Exception as exc:  # noqa: BLE001 - status reports, it does not crash
        facts = status_service.InstallationFacts(settings.database_url, None, None, None, None)
        problems.append(f'cannot read the database: {exc}')
    problems += list(facts.problems)
    problems += status_service.config_problems(settings)
    errors = status_service.logged_errors(settings)
    if errors.count:
        problems.append(errors.sentence())
    listing = backups.list_backups(settings)
    made = [(b.manifest.created_at, b.name) for b in listing if b.manifest]
    last = max(made) if made else None  # (when, name) of the newest readable backup
    if settings.backup_interval_hours > 0 and last is not None:
        age = (datetime.now(UTC) - last[0]).total_seconds() / 3600
        if age > 2 * settings.backup_interval_hours:
            problems.append(
                f'the last backup is {age:.0f} hours old although one is due every '
                f'{settings.backup_interval_hours:g} hours: is the server running?'
            )
    rows = [
        ('Version', f'What I Spend {current_version()}'),
        ('Server', server_line(state)),
        ('Database', facts.database + (f' ({format_size(facts.database_size)})' if facts.database_size else '')),
        ('Schema', '-' if facts.schema is None else str(facts.schema)),
        ('Users', '-' if facts.users is None else str(facts.users)),
        ('Expenses', '-' if facts.expenses is None else str(facts.expenses)),
        (
            'Last backup',
            f'{local_time(last[0])} ({last[1]})' if last else color('never', '33'),
        ),
        ('Backups', f'{len(listing)} in {backups.backup_dir(settings)}'),
        ('Logs', str(settings.data_path / 'logs' / 'whatispend.log')),
        (f'Errors {errors.hours} h', color(str(errors.count), '31') if errors.count else '0'),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f'{label.ljust(width)}  {value}')
    if problems:
        print(color('Problems', '31'))
        for problem in problems:
            print(f'  - {problem}')
    else:
        print(f'{"Problems".ljust(width)}  none')
