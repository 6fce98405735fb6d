"""Command line for What I Spend: `python manage.py --help`, or `python manage.py -i` for a prompt."""

import sys
from collections.abc import Callable

import fire

from app.cli.backup import BackupCommands
from app.cli.balances import balances
from app.cli.budget import BudgetCommands
from app.cli.database import DbCommands
from app.cli.dispatch import USAGE_EXIT, UnknownCommand, fire_words
from app.cli.geoip import GeoIpCommands
from app.cli.i18n import I18nCommands
from app.cli.importer import ImportCommands
from app.cli.interactive import run as run_prompt
from app.cli.language import start_cli, translate_fire, translate_help
from app.cli.logs import LogsCommands
from app.cli.rates import RatesCommands
from app.cli.recurring import RecurringCommands
from app.cli.server import ServerCommands
from app.cli.status import status
from app.cli.token import TokenCommands
from app.cli.update import update
from app.cli.user import UserCommands
from app.config import ConfigError, complete_config, restrict_umask
from app.i18n import _


def interactive() -> None:
    """A prompt (expense-tracker>) that runs these commands with history and Tab completion; also `-i`."""
    run_prompt(Manage)


# One line per command group; a group is a class of verbs, a single command is a function.
COMMANDS: dict[str, Callable[..., object]] = {
    'status': status,
    'user': UserCommands,
    'server': ServerCommands,
    'backup': BackupCommands,
    'logs': LogsCommands,
    'db': DbCommands,
    'import': ImportCommands,
    'interactive': interactive,
    'token': TokenCommands,
    'geoip': GeoIpCommands,
    'update': update,
    'i18n': I18nCommands,
    'recurring': RecurringCommands,
    'budget': BudgetCommands,
    'balances': balances,
    'rates': RatesCommands,
}


class Manage:
    """Manage a What I Spend installation."""

    def __init__(self) -> None:
        for name, command in COMMANDS.items():
            setattr(self, name, command() if isinstance(command, type) else command)


def main() -> None:
    start_cli()  # LANG & co., before any text is printed or any help is read
    translate_help(Manage())
    translate_fire()  # Fire's own headings and placeholders
    restrict_umask()  # before any file is created: backups, logs and the database are the owner's alone
    try:
        complete_config()  # a v2.4 config.env gains the secrets it lacks
    except ConfigError as exc:
        print(_('error: configuration: {problem}', problem=exc.message), file=sys.stderr)
        raise SystemExit(1) from None
    if sys.argv[1:] in (['-i'], ['--interactive']):
        interactive()
        return
    root = Manage()
    try:
        words = fire_words(root, sys.argv[1:])
    except UnknownCommand as exc:
        print(_('error: {message}', message=str(exc)), file=sys.stderr)
        raise SystemExit(USAGE_EXIT) from None
    fire.Fire(root, command=words, name='manage.py')


if __name__ == '__main__':
    main()
