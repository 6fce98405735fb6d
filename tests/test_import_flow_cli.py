"""`manage.py import file / history / undo` as a real subprocess against a test installation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import get_settings
from app.db import close_database, open_database
from app.migrations import run_migrations
from app.models import Expense, ImportBatch
from tests.builders import basics, make_user
from tests.conftest import test_environment as environment_of

ROOT = Path(__file__).resolve().parents[1]
BANK = 'Date;Libellé;Montant\n15/01/2026;Café;-3,50\n15/01/2026;Café;-3,50\n16/01/2026;Livre;-12,00\n'


@pytest.fixture
def manage(tmp_path: Path, database: None):
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': str(tmp_path), **environment_of(tmp_path)}

    def run(*args: str, language: str = 'en_US.UTF-8') -> subprocess.CompletedProcess:
        close_database()
        result = subprocess.run(
            [sys.executable, 'manage.py', *args],
            cwd=ROOT,
            env={**env, 'LANG': language},
            capture_output=True,
            text=True,
        )
        open_database(get_settings().database_url)
        run_migrations()
        return result

    return run


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / 'bank.csv'
    path.write_text(BANK, encoding='utf-8')
    return path


def test_dry_run_import_history_and_undo(manage, bank: Path) -> None:
    alice = make_user('alice')
    basics(alice)
    dry = manage('import', 'file', '--file', str(bank), '--username', 'alice', '--dry-run')
    assert dry.returncode == 0, dry.stderr
    assert '3 new.' in dry.stdout and 'Dry run: 3 expenses would be imported, total 19.00' in dry.stdout
    assert Expense.select().count() == 0
    done = manage('import', 'file', '--file', str(bank), '--username', 'alice')
    assert done.returncode == 0, done.stderr
    assert 'Imported 3 expenses, total 19.00' in done.stdout
    again = manage('import', 'file', '--file', str(bank), '--username', 'alice', '--json')
    report = json.loads(again.stdout)
    assert (report['imported'], report['duplicates']) == (0, 3)
    history = manage('import', 'history', '--username', 'alice')
    assert 'bank.csv' in history.stdout
    batch = ImportBatch.select().order_by(ImportBatch.id).first()
    undone = manage('import', 'undo', '--id', str(batch.id), '--username', 'alice')
    assert undone.returncode == 0, undone.stderr
    assert f'Import {batch.id} undone: 3 expenses deleted.' in undone.stdout
    assert Expense.select().count() == 0


def test_a_mapping_file_and_french_output(manage, bank: Path, tmp_path: Path) -> None:
    make_user('alice')
    mapping = tmp_path / 'mapping.json'
    mapping.write_text(json.dumps({'date': 'Date', 'amount': 'Montant', 'description': 'Libellé'}))
    result = manage(
        'import', 'file', '--file', str(bank), '--username', 'alice', '--mapping', str(mapping), language='fr_FR.UTF-8'
    )
    assert result.returncode == 0, result.stderr
    assert 'Importé' in result.stdout or 'importé' in result.stdout


def test_refusals_are_one_line_and_exit_1(manage, bank: Path) -> None:
    make_user('alice')
    for args in (
        ('--file', str(bank), '--username', 'nobody'),
        ('--file', '/nonexistent/file.csv', '--username', 'alice'),
        ('--file', str(bank), '--username', 'alice', '--mapping', '{"colour": "Date"}'),
    ):
        result = manage('import', 'file', *args)
        assert result.returncode == 1 and result.stderr.startswith('error: '), (args, result.stderr)
        assert 'Traceback' not in result.stderr
    undo = manage('import', 'undo', '--id', '999', '--username', 'alice')
    assert undo.returncode == 1 and 'Import 999 does not exist' in undo.stderr


def test_legacy_import_still_answers(manage, tmp_path: Path) -> None:
    result = manage('import', 'legacy', '--dir', str(tmp_path / 'missing'))
    assert result.returncode == 1 and result.stderr.startswith('error: ')
