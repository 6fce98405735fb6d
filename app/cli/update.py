"""`manage.py update [--check] [--yes]`: the same update as Settings › Update, from a terminal."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from app.cli.errors import CliError, fail, verb
from app.cli.output import color
from app.config import ConfigError, load, use_settings
from app.i18n import Message, _, current

if TYPE_CHECKING:
    from app.services.updates import UpdateCheck


def _settings():
    try:
        settings = load()
    except ConfigError as exc:
        fail(Message('configuration: {problem}', problem=exc.message))
    use_settings(settings)
    from app.logs import setup_logging

    setup_logging(settings, console=False)
    return settings


def _print_check(result: UpdateCheck) -> None:
    print(_('Installed version: {version}', version=result.current_version))
    if result.source:
        print(_('Update source:     {source}', source=result.source))
    if result.error:
        raise CliError(Message('cannot check for updates: {problem}', problem=result.error))
    if not result.update_available:
        print(color(_('Up to date.'), '32'))
        return
    print(
        color(
            _('Version {version} is available ({release}).', version=result.latest_version, release=result.release),
            '1;33',
        )
    )
    for entry in result.notes:
        print(f'\n## {entry.version}' + (f' - {entry.date}' if entry.date else ''))
        print(entry.notes)


# "yes" in every language the CLI speaks: y/yes always, plus the current language's own words
YES_WORDS = {'en': ('y', 'yes'), 'fr': ('y', 'yes', 'o', 'oui')}


def agrees(answer: str) -> bool:
    """A [y/N] question's answer: yes in English, or in the operator's language (o/oui in French)."""
    return answer.strip().lower() in YES_WORDS.get(current(), YES_WORDS['en'])


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
            raise CliError(Message('not asking without a terminal: add --yes to update'))
        question = _('Update {old} to {new} now? [y/N] ', old=result.current_version, new=result.latest_version)
        if not agrees(input('\n' + question)):
            print(_('Nothing changed.'))
            return
    print()
    status = updates.run_from_cli(settings, echo=lambda message: print(f'  {message}', flush=True))
    if status.state == 'succeeded':
        print()
        print(color(_('What I Spend {version} is installed.', version=status.to_version), '32'))
        return
    if status.rolled_back:
        raise CliError(
            Message('{problem} (rolled back to {version})', problem=status.error, version=status.from_version)
        )
    raise CliError(Message('{problem} (the rollback is incomplete)', problem=status.error))
