"""How long a backup, a verification and a restore take on a household's decades of data.

    .venv/bin/python bench/bench_backups.py [EXPENSES]     (default 200 000 expenses)

Seeds a throw-away installation in a temporary folder, then times the service functions that
`manage.py backup create|verify|restore` call. Prints one line per step.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(expenses: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-backups-'))
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
    from app.services import backups, users

    open_database(get_settings().database_url)
    run_migrations()
    owner = users.create_user('bench', 'bench password')
    categories = [Category.create(owner=owner, name=f'Category {n}') for n in range(12)]
    method = PaymentMethod.create(owner=owner, name='Card')
    rng = random.Random(6)
    start = date(2000, 1, 1)
    rows = [
        {
            'owner': owner.id,
            'amount_cents': rng.randint(100, 20_000),
            'date': start + timedelta(days=rng.randint(0, 9000)),
            'category': rng.choice(categories).id,
            'payment_method': method.id,
            'description': f'expense number {n}',
        }
        for n in range(expenses)
    ]
    with db.atomic():
        for offset in range(0, len(rows), 5000):
            Expense.insert_many(rows[offset : offset + 5000]).execute()
    size = sum(p.stat().st_size for p in folder.glob('whatispend.db*'))  # the file and its WAL
    print(f'database: {expenses} expenses, {size / 1e6:.1f} MB')

    settings = get_settings()
    began = time.perf_counter()
    info = backups.create_backup(settings, 'bench')
    print(f'backup create: {time.perf_counter() - began:.2f} s, archive {info.size / 1e6:.1f} MB')
    began = time.perf_counter()
    backups.verify_backup(info.path)
    print(f'backup verify: {time.perf_counter() - began:.2f} s')
    began = time.perf_counter()
    backups.restore_backup(settings, str(info.path))
    print(f'backup restore (verify, safety backup, swap, migrate): {time.perf_counter() - began:.2f} s')
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == '__main__':
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
