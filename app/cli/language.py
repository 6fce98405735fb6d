"""The CLI speaks the operator's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; C and POSIX mean "no
preference"), set once in manage.py before Fire reads any help text or a verb prints anything.

Help: Fire prints each verb's `__doc__`. Babel does not extract docstrings, so HELP holds them as msgids
(one paragraph per line; tests/test_cli_language.py checks that they match the docstrings, and prints the
entry to add for a new verb); `translate_help` puts the translations in place. Fire's own headings (NAME,
SYNOPSIS, FLAGS, ...) and placeholders are translated on the way out (`translate_fire`). `h GROUP` in
interactive mode shows
the same translated docstrings.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Iterator

from app import i18n
from app.cli.dispatch import is_command, public
from app.i18n import N_, _

OPTION_LINE = re.compile(r'\s*--\S+\s{2,}\S')  # `--yes    do not ask`: a list of options, kept as laid out

HELP: dict[str, str] = {
    '': N_('Manage a What I Spend installation.'),
    'backup': N_('Back up the database and config.env, list the backups, restore one.'),
    'backup create': N_(
        'Make a backup now: backups/backup-YYYYmmdd-HHMMSS.tar.gz, or -o NAME (a name, or a path with a /).'
    ),
    'backup list': N_('The backups in the backup folder, newest first: name, date, size, version, rows.'),
    'backup prune': N_('Delete the oldest automatic and safety backups beyond --keep (default BACKUP_KEEP).'),
    'backup restore': N_(
        'Restore --file (a path or a name from `backup list`). Verifies it first and keeps a safety '
        'backup. Refuses while the server runs unless --force (stops it and starts it again). '
        "--with-config also puts back the archive's config.env."
    ),
    'backup verify': N_('Check a backup completely (readable, checksums, schema, database) without restoring it.'),
    'balances': N_(
        "The household of USERNAME: each member's paid, share and balance (more than zero: owed), the suggested "
        'settlement and what stays with former links. --month YYYY-MM for one month (default all).'
    ),
    'budget': N_('List budgets and where they stand.'),
    'rates': N_('Exchange rates: fetch them, list them, enter one by hand.'),
    'rates list': N_('Rates newest first (units of the currency for one euro), then the rates that expenses wait for.'),
    'rates set': N_('Enter the rate of CURRENCY for --date (today by default) by hand: RATE units for one euro.'),
    'rates update': N_(
        'Fetch the rates from RATES_URL (or --url) now; retried, and nothing is written if the source fails.'
    ),
    'budget list': N_('The budgets USERNAME sees, with spent, left, days left and projection (of --month YYYY-MM).'),
    'db': N_('Database maintenance.'),
    'db copy': N_(
        'Copy every row of the database into the empty database --to (postgresql://user@host/dbname or '
        "sqlite:///path/to/file.db), checking each table's rows and money sums; all or nothing. The server "
        'must be stopped. DATABASE_URL is left as it is: point it at the copy afterwards.'
    ),
    'db migrate': N_('Apply pending schema migrations (also done at every server start).'),
    'geoip': N_('Download and check the GeoIP database.'),
    'geoip update': N_('Download the current GeoLite2-Country database to GEOIP_DB_PATH (needs GEOIP_LICENSE_KEY).'),
    'i18n': N_('Translation catalogues: extract, update, compile, init a language, check.'),
    'i18n check': N_('Every marked string is translated, not fuzzy, with the same placeholders, in every language.'),
    'i18n compile': N_('Build the .mo files the app reads from the .po files (done by ./install.sh and the updater).'),
    'i18n extract': N_('Collect the marked strings of the code into app/locale/messages.pot.'),
    'i18n init': N_('Start the catalogue of a new language, e.g. `manage.py i18n init de`.'),
    'i18n refill': N_(
        "Fill the empty entries of `language`'s catalogue from another copy of it (e.g. a branch's, after a "
        "merge).\n\nA merge of two branches that both added strings is resolved by taking one side's catalogue, "
        "running extract and update, then `refill` from the other side's file: no translation is typed twice."
    ),
    'i18n update': N_("Merge messages.pot into every language's messages.po (new strings empty; run extract first)."),
    'import': N_('Import data from elsewhere.'),
    'import file': N_(
        "Import a CSV, TSV, XLSX, OFX/QFX, QIF, CAMT.053, MT940 or ihatemoney JSON file into USERNAME's account "
        'and print the report. --preset names the format, --mapping a JSON file (field -> column); without them '
        "the preset or the header's guess is used. --dry-run changes nothing. Possible duplicates are skipped "
        'unless --keep-possible all (or row numbers); invalid rows stop the import unless --skip-invalid. Money '
        'in is taken off the purchase of the file it refunds, or skipped with --refunds skip.'
    ),
    'import history': N_('The imports of USERNAME, newest first: id, file, time, rows, imported, still there, total.'),
    'import legacy': N_(
        'Import the data/ folder of What I Spend v2.4 (users.json, expenses.json, categories.json, '
        'payment_methods.json, user_links.json). Old passwords keep working. --dry-run shows what would be '
        'imported and changes nothing; running it again imports only what is new, and reports the expenses '
        'edited in v2.4 since: --update-changed updates them.'
    ),
    'import undo': N_(
        'Undo import ID of USERNAME as a whole: its expenses, and the categories and payment methods it created '
        'that nothing else uses, are deleted; what was entered by hand stays.'
    ),
    'interactive': N_(
        'A prompt (expense-tracker>) that runs these commands with history and Tab completion; also `-i`.'
    ),
    'logs': N_('Read the application log.'),
    'logs show': N_(
        'Print the last -n records (default 50), only --level LEVEL and above (debug, info, warning, '
        'error); --follow keeps printing new records until Ctrl+C.'
    ),
    'server': N_('Start, stop, restart the server, or show whether it runs.'),
    'server restart': N_('Stop the server if it runs, then start it in the background.'),
    'server start': N_(
        "Start the server (in this terminal, or detached with --background) on --host/--port or config.env's."
    ),
    'server status': N_('Whether the server runs, with its pid, uptime, memory, CPU and address.'),
    'server stop': N_('Stop the server: SIGTERM, then SIGKILL if it has not stopped after --timeout seconds.'),
    'status': N_(
        'Show the version, whether the server runs, the database, the last backup, the errors logged in '
        'the last 24 hours and configuration problems.'
    ),
    'token': N_('Create, list and revoke personal API tokens.'),
    'token create': N_('Create a token for USERNAME; the token alone is printed on the last line (shown this once).'),
    'token list': N_('List the tokens (of one user with --username); the tokens themselves are never shown.'),
    'token revoke': N_('Revoke the token with this id (see `token list`); it stops working at once.'),
    'recurring': N_('Recurring expenses: list the rules, or create the occurrences that are due.'),
    'recurring list': N_('List the recurring rules USERNAME sees, with their next date and monthly cost.'),
    'recurring run': N_(
        'Create the expenses that recurring rules have made due by now (the server also does this itself).'
    ),
    'update': N_(
        'Update to the latest version: backup, switch, install, migrate, verify, restart; rolls back on '
        'failure.\n\n--check  only say whether an update is available, with its changelog\n--yes    do not '
        'ask for confirmation\nA running server (found through data/server.pid) is restarted into the new '
        'version.'
    ),
    'user': N_('Create, list and manage accounts; `user 2fa reset --username U` for a lost phone.'),
    'user 2fa': N_('Two-factor login of an account.'),
    'user 2fa reset': N_(
        'Turn off two-factor login for a user who lost their phone and their recovery codes: they log in '
        'with the password alone (and set it up again if the installation requires it). Audited.'
    ),
    'user admin': N_('Make a user administrator, or with --revoke a plain user (never the last administrator).'),
    'user create': N_(
        'Create an account. On a terminal, what is missing is asked for: the username, then the password '
        'twice without echo.\n\nA new account takes the currency, locale and time zone of the first '
        'administrator. A username deleted earlier (without --delete-data) comes back with its expenses, '
        'categories and payment methods. A new empty account gets the starting categories and payment '
        "methods, unless --nopresets is given. --language en|fr sets the account's language (and names its "
        'starting categories in it); --locale fr-FR its number and date format.'
    ),
    'user delete': N_(
        'Delete an account. Its data stays (and comes back if the username is created again) unless '
        '--delete-data is given. The last administrator cannot be deleted.'
    ),
    'user link': N_(
        'Link two accounts at once: each sees and may edit the expenses, categories and payment methods of the other.'
    ),
    'user list': N_('List the accounts.'),
    'user passwd': N_(
        "Set a user's password (asked twice without echo). Every session of that user ends, and every "
        'personal API token of theirs is revoked unless --keep-tokens is given.'
    ),
    'user unlink': N_(
        "Unlink two accounts. Nothing is lost: an expense that uses the other's category or payment method "
        "gets a copy of it in its owner's account."
    ),
}


def start_cli() -> str:
    """The language of this run, from the environment; English when none is set or offered."""
    language = i18n.from_environment(os.environ)
    i18n.set_language(language)
    return language


def normalized(doc: str | None) -> str:
    """A docstring as its msgid: paragraphs joined into one line each, option lists (`--flag ...`) kept."""
    paragraphs = []
    for paragraph in inspect.cleandoc(doc or '').split('\n\n'):
        if any(OPTION_LINE.match(line) for line in paragraph.split('\n')):
            paragraphs.append(paragraph)
        else:
            paragraphs.append(' '.join(paragraph.split()))
    return '\n\n'.join(paragraphs)


def documented(root: object, prefix: str = '') -> Iterator[tuple[str, object]]:
    """('user create', the object that carries its docstring) for every group and verb under `root`."""
    for name in public(root):
        member = getattr(root, name)
        key = f'{prefix} {name}'.strip()
        if is_command(member):
            yield key, getattr(member, '__func__', member)
        else:
            yield key, type(member)
            yield from documented(member, key)


def translate_help(root: object) -> None:
    """Replace the docstrings Fire shows by their translation in the current language (nothing in English)."""
    if i18n.current() == i18n.DEFAULT:
        return
    for key, owner in [('', type(root)), *documented(root)]:
        msgid = HELP.get(key)
        if msgid is not None and normalized(owner.__doc__) == msgid:
            owner.__doc__ = i18n.gettext(msgid)


# Fire's own words in the help pages it lays out (headings, placeholders, "Default:"): it has no way to
# translate them, so its text is translated on the way out. Pinned fire==0.7.1; tests/test_cli_language.py
# fails if a new Fire version writes an English heading we do not know.
FIRE_HEADINGS = {
    'NAME': N_('NAME'),
    'SYNOPSIS': N_('SYNOPSIS'),
    'DESCRIPTION': N_('DESCRIPTION'),
    'FLAGS': N_('FLAGS'),
    'COMMANDS': N_('COMMANDS'),
    'GROUPS': N_('GROUPS'),
    'VALUES': N_('VALUES'),
    'POSITIONAL ARGUMENTS': N_('POSITIONAL ARGUMENTS'),
    'ARGUMENTS': N_('ARGUMENTS'),
    'NOTES': N_('NOTES'),
}
FIRE_PLACEHOLDERS = {'GROUP': N_('GROUP'), 'COMMAND': N_('COMMAND'), 'VALUE': N_('VALUE'), 'flags': N_('flags')}
ANSI = r'(?:\x1b\[[0-9;]*m)*'
HEADING_LINE = re.compile(rf'^({ANSI})({"|".join(sorted(FIRE_HEADINGS, key=len, reverse=True))})({ANSI})$', re.M)
CHOICES_LINE = re.compile(rf'({ANSI})(GROUP|COMMAND|VALUE)({ANSI}) is one of the following:')
PLACEHOLDER = re.compile(r'(?<![\w-])(GROUP|COMMAND|VALUE)(?![\w-])|<(flags)>')


def translate_fire_text(text: str) -> str:
    """Fire's help or usage text with its own English words in the current language."""
    if i18n.current() == i18n.DEFAULT:
        return text

    def placeholder(match: re.Match[str]) -> str:
        if match[2]:
            return f'<{i18n.gettext(FIRE_PLACEHOLDERS[match[2]])}>'
        return i18n.gettext(FIRE_PLACEHOLDERS[match[1]])

    text = HEADING_LINE.sub(lambda m: m[1] + i18n.gettext(FIRE_HEADINGS[m[2]]) + m[3], text)
    text = CHOICES_LINE.sub(
        lambda m: _('{name} is one of the following:', name=m[1] + i18n.gettext(FIRE_PLACEHOLDERS[m[2]]) + m[3]),
        text,
    )
    text = re.sub(
        r'^(\s+)Default: (.*)$', lambda m: ''.join((m[1], _('Default: {value}', value=m[2]))), text, flags=re.M
    )
    text = text.replace('For detailed information on this command, run:', _('For the details of this command, run:'))
    text = re.sub(r'^Usage: (.*)$', lambda m: _('Usage: {command}', command=m[1]), text, flags=re.M)
    return PLACEHOLDER.sub(placeholder, text)


def translate_fire() -> None:
    """Route Fire's help and usage texts through `translate_fire_text` (once; English is left as it is)."""
    from fire import helptext

    if getattr(helptext.HelpText, 'translated', False):
        return
    help_text, usage_text = helptext.HelpText, helptext.UsageText

    def translated_help(*args: object, **kwargs: object) -> str:
        return translate_fire_text(help_text(*args, **kwargs))

    def translated_usage(*args: object, **kwargs: object) -> str:
        return translate_fire_text(usage_text(*args, **kwargs))

    translated_help.translated = True  # type: ignore[attr-defined]
    helptext.HelpText, helptext.UsageText = translated_help, translated_usage
