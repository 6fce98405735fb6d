"""The CLI speaks the operator's language (LANG & co.): errors, output, y/n answers and help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import manage
from app import i18n
from app.cli.language import HELP, documented, normalized
from app.cli.update import agrees
from tests.conftest import test_environment as environment_of

ROOT = Path(__file__).resolve().parents[1]
NBSP = '\u00a0'


@pytest.fixture
def run(tmp_path: Path):
    base = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(tmp_path), **environment_of(tmp_path)}

    def manage_py(*args: str, **language: str) -> subprocess.CompletedProcess:
        env = {**base, **language}
        return subprocess.run([sys.executable, 'manage.py', *args], cwd=ROOT, env=env, capture_output=True, text=True)

    return manage_py


def test_a_cli_refusal_in_french_and_in_english(run) -> None:
    french = run('token', 'revoke', '--id', 'abc', LANG='fr_FR.UTF-8')
    assert french.returncode == 1
    assert french.stderr == f"erreur{NBSP}: --id doit être un numéro de jeton (un nombre entier) comme 3, pas 'abc'\n"
    english = run('token', 'revoke', '--id', 'abc', LANG='C', LC_ALL='C')
    assert english.returncode == 1
    assert english.stderr == "error: --id must be a token id (a whole number) such as 3, not 'abc'\n"
    # C/POSIX mean "no preference": the next variable decides; LANGUAGE comes first
    assert run('token', 'revoke', '--id', 'x', LC_ALL='C', LANG='fr_FR.UTF-8').stderr.startswith(f'erreur{NBSP}:')
    assert run('token', 'revoke', '--id', 'x', LANGUAGE='en', LANG='fr_FR.UTF-8').stderr.startswith('error:')


def test_a_service_refusal_is_rendered_in_the_cli_language(run) -> None:
    french = run('user', 'delete', '--username', 'nobody', LANG='fr_FR.UTF-8')
    assert french.returncode == 1 and french.stderr.startswith(f'erreur{NBSP}: ') and 'nobody' in french.stderr
    english = run('user', 'delete', '--username', 'nobody', LANG='C')
    assert english.returncode == 1 and english.stderr.startswith('error: ') and 'nobody' in english.stderr


def test_output_tables_and_help_in_french(run) -> None:
    listing = run('user', 'list', LANG='fr_FR.UTF-8')
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.startswith('Aucun compte pour l’instant')
    help_text = run('user', 'delete', '--help', LANG='fr_FR.UTF-8').stderr  # Fire prints help on stderr
    assert 'Supprimer un compte.' in help_text
    assert 'NAME' in help_text  # Fire's own headings stay English
    unknown = run('user', 'nope', LANG='fr_FR.UTF-8')
    assert unknown.returncode == 2 and "n’a pas de verbe 'nope'" in unknown.stderr


def test_every_group_and_verb_has_its_help_msgid() -> None:
    """Babel does not read docstrings: HELP (app/cli/language.py) carries them. A new or changed docstring
    needs its entry there (and its French in app/locale/fr/LC_MESSAGES/messages.po)."""
    root = manage.Manage()
    wanted = {key: normalized(owner.__doc__) for key, owner in [('', type(root)), *documented(root)]}
    stale = {key: doc for key, doc in wanted.items() if HELP.get(key) != doc}
    assert not stale, 'add or update in app/cli/language.py HELP:\n' + '\n'.join(
        f'    {key!r}: N_({doc!r}),' for key, doc in stale.items()
    )


def test_yes_in_the_operators_language() -> None:
    with i18n.use_language('fr'):
        assert all(agrees(word) for word in ('o', 'oui', 'OUI ', 'y', 'yes'))
        assert not agrees('n') and not agrees('')
    with i18n.use_language('en'):
        assert agrees('y') and agrees('Yes') and not agrees('o') and not agrees('oui')


def test_fires_own_words_are_translated_in_french_help(run) -> None:
    """Fire lays out the help pages itself (NAME, SYNOPSIS, FLAGS, "COMMAND is one of the following:",
    "Default:"); a French operator reads none of those English words, an English one sees Fire's own."""

    def shown(*args: str, **language: str) -> str:  # Fire pages a group's help to stderr, a verb's to stdout
        done = run(*args, **language)
        return done.stdout + done.stderr

    group = shown('user', '--help', LANG='fr_FR.UTF-8')
    verb = shown('user', 'create', '--help', LANG='fr_FR.UTF-8')
    for heading in ('NOM', 'SYNOPSIS', 'DESCRIPTION', 'GROUPES', 'COMMANDES'):
        assert f'\n{heading}\n' in f'\n{group}', heading
    assert 'manage.py user GROUPE | COMMANDE' in group and 'COMMANDE, au choix parmi :' in group
    assert '\nOPTIONS\n' in verb and 'manage.py user create <options>' in verb and 'Par défaut : False' in verb
    english_words = ('NAME', 'FLAGS', 'COMMANDS', 'GROUPS', 'is one of the following', 'Default:', '<flags>')
    assert not [word for word in english_words if re.search(rf'(?<![\w-]){re.escape(word)}', group + verb)]
    english = shown('user', 'create', '--help', LANG='C', LC_ALL='C')
    assert english.startswith('NAME\n') and '\nFLAGS\n' in english and 'Default: False' in english


def test_a_configuration_error_is_in_the_operators_language(run, tmp_path: Path) -> None:
    french = run('status', LANG='fr_FR.UTF-8', PORT='quatre-vingts')
    assert french.returncode == 1
    assert "PORT='quatre-vingts' n’est pas un nombre entier ; attendu un nombre entier de 1 à 65535" in french.stderr
    english = run('status', LANG='C', LC_ALL='C', PORT='eighty')
    assert "PORT='eighty' is not a whole number; expected a whole number from 1 to 65535" in english.stderr
    server = subprocess.run(
        [sys.executable, 'main.py'],
        cwd=ROOT,
        env={**environment_of(tmp_path), 'PATH': os.environ.get('PATH', ''), 'LANG': 'fr_FR.UTF-8', 'PORT': 'x'},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert server.returncode == 2
    assert server.stderr.startswith("Erreur de configuration : PORT='x' n’est pas un nombre entier")
