"""How long a large import takes (issue 16): a bank-style CSV of 100,000 rows, previewed, dry-run, imported,
imported again (all duplicates), undone.

    .venv/bin/python -m bench.imports [ROWS] [--without-search-index]      (default 100 000 rows)

Seeds a throw-away installation in a temporary folder with one user who already has 20,000 expenses
entered by hand over the same years (so that the duplicate check has something to compare with), writes
the CSV (semicolons, day/month/year dates, decimal commas, negative amounts, French headers, 40
categories and 4 payment methods named in it), then times the service functions the page, the API and
the CLI call. Prints one line per step with its time and the peak memory of the process, and the load
average, which on a shared machine matters as much as the code.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CATEGORIES = [f'Catégorie {n}' for n in range(40)]
METHODS = ['Carte', 'Espèces', 'Virement', 'Chèque']


def write_csv(path: Path, rows: int, rng: random.Random) -> None:
    start = date(2016, 1, 1)
    with path.open('w', encoding='utf-8', newline='') as handle:
        handle.write('Date;Libellé;Montant;Catégorie;Moyen de paiement\r\n')
        for n in range(rows):
            day = start + timedelta(days=rng.randint(0, 3650))
            cents = rng.randint(100, 30_000)
            handle.write(
                f'{day:%d/%m/%Y};Achat numéro {n} chez Commerçant {n % 997};-{cents // 100},{cents % 100:02d};'
                f'{rng.choice(CATEGORIES)};{rng.choice(METHODS)}\r\n'
            )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-imports-'))
    os.environ.update(
        {
            'API_KEY': 'b' * 32,
            'API_KEY_SALT': 'c' * 32,
            'STORAGE_SECRET': 'd' * 32,
            'WIS_CONFIG': str(folder / 'config.env'),
            'DATABASE_URL': f'sqlite:///{folder / "whatispend.db"}',
            'DATA_DIR': str(folder / 'data'),
            'ARGON2_MEMORY_COST': '1024',
            'ARGON2_TIME_COST': '1',
            'ARGON2_PARALLELISM': '1',
            'LOG_LEVEL': 'warning',
        }
    )
    from app.config import get_settings
    from app.db import db, open_database
    from app.migrations import run_migrations
    from app.models import Category, Expense, PaymentMethod
    from app.services import import_file as _module
    from app.services import import_history, imports, users

    import_file = _module.import_file
    from app.services.import_types import ImportOptions

    open_database(get_settings().database_url)
    run_migrations()
    if '--without-search-index' in sys.argv:  # to see what the full-text index's triggers cost (issue 18)
        for trigger in ('expense_fts_after_insert', 'expense_fts_after_delete', 'expense_fts_after_update'):
            db.execute_sql(f'DROP TRIGGER IF EXISTS {trigger}')
    owner = users.create_user('bench', 'bench password')
    rng = random.Random(16)
    hand_categories = [Category.create(owner=owner, name=f'Main {n}') for n in range(10)]
    method = PaymentMethod.create(owner=owner, name='Card')
    start = date(2016, 1, 1)
    Expense.insert_many(
        [
            {
                'owner': owner.id,
                'amount_cents': rng.randint(100, 30_000),
                'date': start + timedelta(days=rng.randint(0, 3650)),
                'category': rng.choice(hand_categories).id,
                'payment_method': method.id,
                'description': f'by hand {n}',
            }
            for n in range(20_000)
        ]
    ).execute()
    path = folder / 'bank.csv'
    write_csv(path, rows, rng)
    size = path.stat().st_size
    print(f'{rows} rows, {size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f}')

    def timed(label: str, call):
        began, cpu = time.perf_counter(), time.process_time()
        result = call()
        wall, used = time.perf_counter() - began, time.process_time() - cpu
        print(f'{label:<40} {wall:7.2f} s  (CPU {used:6.2f} s)   peak {peak_mb():5.0f} MB')
        return result

    table = timed('open + preview (20 rows)', lambda: (imports.open_table(path, path.name), None)[0])
    timed('preview again', lambda: imports.preview(table, path, 20))
    dry = timed('dry run (read all, duplicates, report)', lambda: import_file(owner, path, path.name, ImportOptions()))
    print(f'   new {dry.new}, duplicates {dry.duplicates}, possible {dry.possible_count}, invalid {dry.invalid_count}')
    done = timed(
        'import (one transaction)',
        lambda: import_file(owner, path, path.name, ImportOptions(dry_run=False, keep_all_possible=True)),
    )
    print(f'   imported {done.imported}, total {done.total_cents / 100:.2f}')
    again = timed('same file again (all duplicates)', lambda: import_file(owner, path, path.name, ImportOptions()))
    print(f'   new {again.new}, duplicates {again.duplicates}')
    timed('undo', lambda: import_history.undo_import(owner, done.import_id))
    print(f'load average {os.getloadavg()[0]:.1f}; data in {folder}')


if __name__ == '__main__':
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else 100_000)
