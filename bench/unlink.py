"""How long unlinking takes when one partner recorded many expenses in the other's categories.

    python -m bench.unlink [--expenses 20000]

Seeds a fresh SQLite database in a temporary folder with two linked users: bob owns the categories and
payment methods, alice recorded every expense with them. Then times `links.unlink_users`, which copies
bob's items into alice's account and repoints her expenses in one transaction, and checks totals.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--expenses', type=int, default=20_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-unlink-'))
    os.environ.update(
        {
            'WIS_CONFIG': str(folder / 'config.env'),
            'DATABASE_URL': f'sqlite:///{folder / "bench.db"}',
            'DATA_DIR': str(folder / 'data'),
            'API_KEY': '0' * 32,
            'API_KEY_SALT': '1' * 32,
            'STORAGE_SECRET': 'bench-storage-secret-0123456789',
            'ARGON2_TIME_COST': '1',
            'ARGON2_MEMORY_COST': '1024',
            'ARGON2_PARALLELISM': '1',
        }
    )
    from peewee import fn

    from app.config import get_settings, load, use_settings
    from app.db import db, open_database
    from app.migrations import run_migrations
    from app.models import Category, Expense, PaymentMethod
    from app.services import links, users

    use_settings(load())
    open_database(get_settings().database_url)
    run_migrations()
    alice = users.create_user('alice', 'bench password')
    bob = users.create_user('bob', 'bench password')
    users.seed_defaults(bob)
    links.link_users(None, 'alice', 'bob')
    parents = list(Category.select().where((Category.owner == bob.id) & Category.parent.is_null()))
    children = {p.id: list(p.children) for p in parents}
    methods = list(PaymentMethod.select().where(PaymentMethod.owner == bob.id))
    rng = random.Random(5)
    rows = []
    for i in range(args.expenses):
        parent = rng.choice(parents)
        rows.append(
            {
                'owner': alice.id,
                'amount_cents': rng.randint(100, 20_000),
                'date': date(2020, 1, 1) + timedelta(days=i % 2000),
                'category': parent.id,
                'subcategory': rng.choice(children[parent.id]).id if rng.random() < 0.7 else None,
                'payment_method': rng.choice(methods).id,
            }
        )
    with db.atomic():
        for start in range(0, len(rows), 500):
            Expense.insert_many(rows[start : start + 500]).execute()

    def total() -> tuple[int, int]:
        q = Expense.select(fn.COUNT(Expense.id), fn.SUM(Expense.amount_cents)).where(Expense.owner == alice.id)
        return q.scalar(as_tuple=True)

    before = total()
    started = time.perf_counter()
    report = links.unlink_users(None, 'alice', 'bob')
    elapsed = time.perf_counter() - started
    assert total() == before, 'unlink changed a total'
    print(
        f'unlink: {args.expenses} expenses repointed={report.expenses_repointed} '
        f'categories copied={report.categories_copied} payment methods copied={report.payment_methods_copied} '
        f'in {elapsed * 1000:.0f} ms'
    )


if __name__ == '__main__':
    main()
