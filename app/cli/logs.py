"""`manage.py logs show`: read the log, filter it by level, follow it."""

from __future__ import annotations

import sys

from app import logs as app_logs
from app.cli.bootstrap import load_config
from app.cli.errors import CliError, verb
from app.cli.output import color
from app.i18n import Message, _

_COLOURS = {'ERROR': '31', 'CRITICAL': '31', 'WARNING': '33', 'DEBUG': '2'}


def _paint(text: str) -> str:
    if not sys.stdout.isatty():
        return text
    for level, code in _COLOURS.items():
        if f' {level} ' in text[:40]:
            return color(text.rstrip('\n'), code) + '\n'
    return text


class LogsCommands:
    """Read the application log."""

    @verb
    def show(self, n: int = 50, follow: bool = False, level: str | None = None) -> None:
        """Print the last -n records (default 50), only --level LEVEL and above (debug, info, warning, error);
        --follow keeps printing new records until Ctrl+C."""
        settings = load_config()
        try:
            minimum = app_logs.parse_level(level)
        except ValueError:
            problem = Message(
                'unknown level {level}; use one of {levels}',
                level=repr(level),
                levels=', '.join(app_logs.LEVELS).lower(),
            )
            raise CliError(problem) from None
        try:
            count = int(n)
        except (TypeError, ValueError):
            raise CliError(Message('-n {value} is not a whole number', value=repr(n))) from None
        records = app_logs.read_records(settings, count, minimum)
        if not records and not follow:
            print(_('No log records yet in {path}.', path=str(app_logs.log_file(settings))), file=sys.stderr)
        for record in records:
            sys.stdout.write(_paint(record))
        sys.stdout.flush()
        if follow:
            try:
                for line in app_logs.follow(settings, minimum):
                    sys.stdout.write(_paint(line))
                    sys.stdout.flush()
            except KeyboardInterrupt:
                return
