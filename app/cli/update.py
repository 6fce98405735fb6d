"""`manage.py update [--check] [--yes]`: the same update as Settings › Update, from a terminal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from app.cli.errors import CliError, fail, verb
from app.cli.output import color
from app.config import ConfigError, load, use_settings

if TYPE_CHECKING:
    from app.services.updates import UpdateCheck


def _settings():
    try:
        settings = load()
    except ConfigError as exc:
        fail(f'configuration: {exc}')
    use_settings(settings)
    from app.logs import setup_logging

    setup_logging(settings, console=False)
    return settings


def _print_check(result: UpdateCheck) -> None:
    print(f'Installed version: {result.current_version}')
    if result.source:
        print(f'Update source:     {result.source}')
    if result.error:
        raise CliError(f'cannot check for updates: {result.error}')
    if not result.update_available:
        print(color('Up to date.', '32'))
        return
    print(color(f'Version {result.latest_version} is available ({result.release}).', '1;33'))
    for entry in result.notes:
        print(f'\n## {entry.version}' + (f' - {entry.date}' if entry.date else ''))
        print(entry.notes)


@verb
def update(check: bool = False, yes: bool = False) -> None:
    """Update to the latest version: backup, switch, install, migrate, verify, restart; rolls back on failure.

    --check  only say whether an update is available, with its changelog
    --yes    do not ask for confirmation
    A running server (found through data/server.pid) is restarted into the new version.
    """
    from app.services import updates

    settings = _settings()
    result = updates.check(settings, force=True)
    _print_check(result)
    if check or not result.update_available:
        return
    if not yes:
        if not sys.stdin.isatty():
            raise CliError('not asking without a terminal: add --yes to update')
        answer = input(f'\nUpdate {result.current_version} to {result.latest_version} now? [y/N] ')
        if answer.strip().lower() not in ('y', 'yes'):
            print('Nothing changed.')
            return
    print()
    status = updates.run_from_cli(settings, echo=lambda message: print(f'  {message}', flush=True))
    if status.state == 'succeeded':
        print(color(f'\nWhat I Spend {status.to_version} is installed.', '32'))
        return
    outcome = f'rolled back to {status.from_version}' if status.rolled_back else 'the rollback is incomplete'
    raise CliError(f'{status.error} ({outcome})')
