"""From the words a person typed to the words Fire runs: help without Fire's INFO line, and an unknown
group or verb answered with what exists instead of Fire's "Could not consume arg".

`manage.py` and the interactive prompt both go through `fire_words`, so both behave the same.
"""

from __future__ import annotations

import inspect
import textwrap

from app.i18n import _

HELP_FLAGS = ('-h', '--help')
USAGE_EXIT = 2  # a command line that names nothing that exists: the shell's usual "usage" code


class UnknownCommand(Exception):
    """A group or verb that does not exist; the message lists those that do."""


def public(obj: object) -> list[str]:
    return sorted(name for name in dir(obj) if not name.startswith('_'))


def is_command(member: object) -> bool:
    """A top-level function (status, update, interactive) rather than a group of verbs."""
    return inspect.isfunction(member) or inspect.ismethod(member)


def fire_words(root: object, words: list[str], *, prompt: bool = False) -> list[str]:
    """The words to give Fire for `words`; raises UnknownCommand when they name no command.

    Fire prints "INFO: Showing help with the command 'manage.py -- --help'." whenever `--help` is not
    behind its `--` separator; putting it there gives the same help without that line.
    """
    words = list(words)
    separator = words.index('--') if '--' in words else len(words)
    asked_help = any(word in HELP_FLAGS for word in words[:separator])
    if asked_help:
        words = [word for i, word in enumerate(words) if i >= separator or word not in HELP_FLAGS]
        words = words + ['--help'] if '--' in words else words + ['--', '--help']
    check_names(root, words, prompt=prompt)
    return words


def _help_hint(group: str | None, prompt: bool) -> str:
    if prompt:
        return (
            _('Type `h {group}` to see what each one does.', group=group)
            if group
            else _('Type `h` to see what each one does.')
        )
    if group:
        return _('Run `python manage.py {group} --help` to see what each one does.', group=group)
    return _('Run `python manage.py --help` to see what each one does.')


def check_names(root: object, words: list[str], *, prompt: bool = False) -> None:
    if not words or words[0].startswith('-'):
        return
    name = words[0]
    if name not in public(root):
        raise UnknownCommand(
            _(
                'manage.py has no command {name}. It has: {names}. {hint}',
                name=repr(name),
                names=', '.join(public(root)),
                hint=_help_hint(None, prompt),
            )
        )
    member = getattr(root, name)
    if is_command(member) or len(words) < 2 or words[1].startswith('-'):
        return
    if words[1] not in public(member):
        raise UnknownCommand(
            _(
                '`{group}` has no verb {verb}. Its verbs: {verbs}. {hint}',
                group=name,
                verb=repr(words[1]),
                verbs=', '.join(public(member)),
                hint=_help_hint(name, prompt),
            )
        )


def description(obj: object) -> str:
    """The first paragraph of a docstring on one line: the whole sentence, never cut at a line break."""
    doc = inspect.getdoc(obj) or ''
    return ' '.join(doc.split('\n\n')[0].split())


def wrapped(label: str, text: str, *, width: int, indent: int = 24) -> list[str]:
    """`label` then `text` wrapped to `width`, later lines under the text (a hanging indent)."""
    first, pad = f'  {label:<{indent - 3}} ', ' ' * indent
    if len(first) > indent:
        return [first.rstrip(), *textwrap.wrap(text, width, initial_indent=pad, subsequent_indent=pad)]
    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=pad) or [first.rstrip()]
