"""`manage.py interactive` (or `-i`): a prompt that runs the same verbs, with history and completion.

Shortcuts: `u` = user, `srv` = server, `bkp` = backup, `h` = help, `q` = quit. Without a terminal
(a script piping commands in), lines are read from standard input one by one.
"""

from __future__ import annotations

import inspect
import shlex
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import fire

from app.cli.dispatch import UnknownCommand, description, fire_words, is_command, public, wrapped
from app.i18n import _

PROMPT = 'expense-tracker> '
SHORTCUTS = {'u': 'user', 'srv': 'server', 'bkp': 'backup'}
HELP_WORDS = ('h', 'help', '?')
QUIT_WORDS = ('q', 'quit', 'exit')


def _flags(func: Callable) -> set[str]:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {'--' + p.name.replace('_', '-') for p in parameters if p.name != 'self' and p.kind is not p.VAR_KEYWORD}


def command_tree(root: object) -> dict[str, dict[str, set[str]] | set[str]]:
    """{group: {verb: flags}} and {command: flags} for the root's top-level functions."""
    tree: dict[str, dict[str, set[str]] | set[str]] = {}
    for name in public(root):
        member = getattr(root, name)
        if is_command(member):
            tree[name] = _flags(member)
        else:
            tree[name] = {verb: _flags(getattr(member, verb)) for verb in public(member)}
    return tree


def _width() -> int:
    return max(60, min(shutil.get_terminal_size((100, 24)).columns, 120) - 1)


def help_text(root: object, width: int | None = None) -> str:
    """Every command with its whole description, wrapped to the terminal rather than cut."""
    width = width or _width()
    lines = [_('Commands (type them as on the command line, without `python manage.py`):')]
    for name in public(root):
        member = getattr(root, name)
        if is_command(member):
            lines += wrapped(name, description(member), width=width)
            continue
        for verb in public(member):
            lines += wrapped(f'{name} {verb}', description(getattr(member, verb)), width=width)
    lines.append(_('Shortcuts: u = user, srv = server, bkp = backup, h = help, q = quit.'))
    lines.append(_('`h GROUP` shows every verb of a group with its options; Tab completes.'))
    return '\n'.join(lines)


def group_help(root: object, name: str, width: int | None = None) -> str:
    """`h user`: each verb of the group with its options and its whole docstring."""
    width = width or _width()
    member = getattr(root, name)
    if is_command(member):
        verbs, lines = [(name, member)], []
    else:
        verbs = [(f'{name} {verb}', getattr(member, verb)) for verb in public(member)]
        lines = [description(member), '']
    for label, func in verbs:
        flags = ' '.join(sorted(_flags(func)))
        lines.append(f'{label} {flags}'.rstrip())
        for paragraph in (inspect.getdoc(func) or '').split('\n\n'):
            text = ' '.join(paragraph.split())
            lines += textwrap.wrap(text, width, initial_indent='    ', subsequent_indent='    ') if text else []
        lines.append('')
    return '\n'.join(lines).rstrip()


def completer(root: object):
    from prompt_toolkit.completion import NestedCompleter, WordCompleter

    def flags_completer(flags: set[str]):
        return WordCompleter(sorted(flags), WORD=True) if flags else None  # WORD: "--f" is one word

    tree: dict = {}
    for name, sub in command_tree(root).items():
        if isinstance(sub, dict):
            tree[name] = {verb: flags_completer(flags) for verb, flags in sub.items()}
        else:
            tree[name] = flags_completer(sub)
    for short, long in SHORTCUTS.items():
        if long in tree:
            tree[short] = tree[long]
    groups = [name for name, sub in tree.items() if isinstance(sub, dict)]
    for word in HELP_WORDS:
        tree[word] = dict.fromkeys(groups)
    for word in QUIT_WORDS:
        tree[word] = None
    tree.pop('interactive', None)
    return NestedCompleter.from_nested_dict(tree)


def run_line(factory: Callable[[], object], line: str) -> bool:
    """Run one line; False when the user asked to quit."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        print(_('error: {message}', message=str(exc)), file=sys.stderr)
        return True
    if not words:
        return True
    words[0] = SHORTCUTS.get(words[0], words[0])
    if words[0] in QUIT_WORDS:
        return False
    root = factory()
    if words[0] in HELP_WORDS:
        if len(words) == 1:
            print(help_text(root))
            return True
        words = [SHORTCUTS.get(words[1], words[1]), *words[2:]]
        if len(words) == 1 and words[0] in public(root):
            print(group_help(root, words[0]))
            return True
        words.append('--help')
    if words[0] == 'interactive':
        print(_('Already in interactive mode; q quits.'))
        return True
    if words[:2] == ['server', 'start'] and '--background' not in words:
        print(_('(interactive mode: the server starts in the background)'))
        words.append('--background')
    try:
        words = fire_words(root, words, prompt=True)
    except UnknownCommand as exc:
        print(_('error: {message}', message=str(exc)), file=sys.stderr)
        return True
    try:
        fire.Fire(root, command=words, name='manage.py')
    except SystemExit:
        pass  # the verb already printed its message; the prompt goes on
    except Exception as exc:  # noqa: BLE001 - one failing command must not end the session
        print(_('error: {message}', message=str(exc)), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    return True


def _history_path() -> Path | None:
    try:
        from app.config import load

        folder = load().data_path
        folder.mkdir(parents=True, exist_ok=True)
        return folder / 'cli_history'
    except Exception:  # noqa: BLE001 - no history is better than no prompt
        return None


def run(factory: Callable[[], object]) -> None:
    """The prompt loop."""
    if not sys.stdin.isatty():
        for line in sys.stdin:
            print(PROMPT + line.rstrip('\n'), flush=True)
            if not run_line(factory, line):
                break
        return
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    history_path = _history_path()
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history_path)) if history_path else InMemoryHistory(),
        completer=completer(factory()),
        complete_while_typing=False,
    )
    print(_('What I Spend interactive mode. h = help, q = quit, Tab completes.'))
    while True:
        try:
            line = session.prompt(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if not run_line(factory, line):
            break
