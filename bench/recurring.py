"""How long the recurring scheduler takes: catching up after 40 days of downtime, and an idle pass.

    python -m bench.recurring [--users 100 --rules 10]

Seeds a fresh SQLite database in a temporary folder with USERS users of RULES rules each (daily, weekly,
fortnightly, monthly, yearly, mixed), made while time is frozen 40 days ago. Then, 40 days later, times:
1. the catch-up pass (`run_due`) that records every missed occurrence, each once;
2. a second pass right after, where nothing is due (what the server's 5-minute timer costs on most ticks);
3. as a floor, the same number of expenses inserted in one transaction with `insert_many` (no rules, no
   occurrences): what writing that many rows costs at the least.
`upcoming` (the dashboard's 30 days) is timed for one user too.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--users', type=int, default=100)
    parser.add_argument('--rules', type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix='wis-bench-recurring-'))
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
    import time_machine

    from app.config import get_settings, load, use_settings
    from app.db import db, open_database
    from app.migrations import run_migrations
    from app.models import Category, Expense, PaymentMethod, RecurringOccurrence, User
    from app.services import recurring, users
    from app.services.recurring_runner import run_due

    use_settings(load())
    open_database(get_settings().database_url)
    run_migrations()
    schedules = [('day', 1), ('week', 1), ('week', 2), ('month', 1), ('year', 1)]
    then = datetime(2026, 2, 1, 8, tzinfo=UTC)
    with time_machine.travel(then, tick=False):
        for u in range(args.users):
            user = users.create_user(f'user{u}', 'bench password')
            User.update(timezone='Europe/Paris').where(User.id == user.id).execute()
            users.seed_defaults(user)
            category = Category.select().where((Category.owner == user.id) & Category.parent.is_null()).first()
            method = PaymentMethod.select().where(PaymentMethod.owner == user.id).first()
            for r in range(args.rules):
                unit, every = schedules[r % len(schedules)]
                body = {'amount': '9.99', 'category_id': category.id, 'payment_method_id': method.id}
                body.update(unit=unit, every=every, start=(then.date() + timedelta(days=r % 7)).isoformat())
                recurring.create_rule(user, body)
    made_before = RecurringOccurrence.select().count()
    with time_machine.travel(then + timedelta(days=40), tick=False):
        started = time.perf_counter()
        result = run_due()
        catch_up = time.perf_counter() - started
        started = time.perf_counter()
        idle = run_due()
        idle_time = time.perf_counter() - started
        one = User.get(User.username == 'user0')
        started = time.perf_counter()
        ahead = recurring.upcoming(one, date(2026, 3, 13), date(2026, 4, 11))
        upcoming_time = time.perf_counter() - started
    assert idle.created == 0
    made = RecurringOccurrence.select().count() - made_before
    assert made == result.created
    owner = User.get(User.username == 'user0')
    category = Category.select().where(Category.owner == owner.id).first()
    rows = [
        {'owner': owner.id, 'amount_cents': 999, 'date': date(2025, 1, 1), 'category': category.id}
        for _ in range(result.created)
    ]
    started = time.perf_counter()
    with db.atomic():
        for start in range(0, len(rows), 500):
            Expense.insert_many(rows[start : start + 500]).execute()
    floor = time.perf_counter() - started
    load = os.getloadavg()[0]
    print(f'rules: {args.users * args.rules} ({args.users} users), load average {load:.1f}')
    print(f'catch-up after 40 days: {result.created} expenses in {catch_up:.2f} s ({result.rules} rules looked at)')
    print(f'idle pass (nothing due): {idle_time * 1000:.1f} ms')
    print(f'upcoming 30 days for one user ({len(ahead)} occurrences): {upcoming_time * 1000:.1f} ms')
    print(f'floor, {result.created} plain inserts in one transaction: {floor:.2f} s')


if __name__ == '__main__':
    main()
